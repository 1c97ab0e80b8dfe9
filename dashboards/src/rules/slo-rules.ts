import { METRICS, RECORDING_RULES, seriesName } from '@rebound/contract';
import { grafana, selectors, slo } from '../config';
import { durationSeconds, maxBy, num, on, series, sumBy } from '../promql';
import type { AlertRule, RecordingRule, RuleGroup } from './rule-types';
import { withRunbooks } from './runbooks';

/** Error budget: the share of episodes allowed to end beyond their RTO. */
export const errorBudget = 1 - slo.target;

/** Windows the SLI is recorded over: every burn-rate window plus the SLO period. */
export const sliWindows: string[] = [...new Set([...slo.burnRateAlerts.flatMap((a) => [a.shortWindow, a.longWindow]), slo.period])].sort(
  (a, b) => durationSeconds(a) - durationSeconds(b),
);

// Recording-rule names are shared (the SLO report and users' alerts read them): @rebound/contract.
export const episodesRecord = RECORDING_RULES.episodes;
export const episodesWithinRtoRecord = RECORDING_RULES.episodesWithinRto;
export const errorRatioRecord = RECORDING_RULES.errorRatio;
export const burnRateRecord = RECORDING_RULES.burnRate;
export const withinRtoRecord = RECORDING_RULES.withinRto(slo.period);
export const fleetWithinRtoRecord = RECORDING_RULES.fleetWithinRto(selectors.clusterLabel, slo.period);
export const budgetRemainingRecord = RECORDING_RULES.budgetRemaining(slo.period);
export const budgetRemainingEpisodesRecord = RECORDING_RULES.budgetRemainingEpisodes(slo.period);
export const objectiveRecord = RECORDING_RULES.objective;
export const sloRtoRecord = RECORDING_RULES.sloRto;
export const quantileRecord = (q: number): string => RECORDING_RULES.durationQuantile(q, slo.period);

/** Burn-rate factor: spending `budgetShare` of the period's budget in `longWindowHours`. */
export function burnRateFactor(alert: { budgetShare: number; longWindowHours: number }): number {
  return (alert.budgetShare * slo.periodHours) / alert.longWindowHours;
}

/**
 * The SLI's events per window, from the collector's own counters: every completed episode, and
 * those it judged within the RTO in force when the episode ran. Judged once, there, so raising an
 * RTO does not rewrite the past, and an RTO need not be a histogram bucket.
 */
function eventRecords(window: string): RecordingRule[] {
  return [
    { record: episodesRecord(window), expr: sumBy('group', `increase(${series(METRICS.episodes.name)}[${window}])`) },
    { record: episodesWithinRtoRecord(window), expr: sumBy('group', `increase(${series(METRICS.episodesWithinRto.name)}[${window}])`) },
  ];
}

/**
 * Error ratio and burn rate over a window. The denominator is guarded (`> 0`), as Sloth's events
 * SLI is: a group with no completed episode has no SLO sample — "no episodes", never NaN, 0 % or 100 %.
 */
function ratioRecords(window: string): RecordingRule[] {
  return [
    {
      record: errorRatioRecord(window),
      expr: `1 - ${episodesWithinRtoRecord(window)} / ${on('group')} (${episodesRecord(window)} > 0)`,
    },
    { record: burnRateRecord(window), expr: `${errorRatioRecord(window)} / ${num(errorBudget)}` },
  ];
}

const shortWindows = sliWindows.filter((w) => w !== slo.period);

/** Records a rule group reads come before the rules that read them, in the same group: promtool and Prometheus evaluate groups in any order. */
export const sliRecords: RecordingRule[] = shortWindows.flatMap((w) => [...eventRecords(w), ...ratioRecords(w)]);

export const periodRecords: RecordingRule[] = [
  ...eventRecords(slo.period),
  ...ratioRecords(slo.period),
  { record: withinRtoRecord, expr: `1 - ${errorRatioRecord(slo.period)}` },
  { record: budgetRemainingRecord, expr: `1 - ${errorRatioRecord(slo.period)} / ${num(errorBudget)}` },
  {
    // "1.2 slow episodes left": the budget in episodes is what an SRE can reason about when
    // recoveries are rare (20 episodes in 28 days make one episode of budget at 95 %).
    record: budgetRemainingEpisodesRecord,
    expr: `(${episodesRecord(slo.period)} > 0) * ${num(errorBudget)} - (${episodesRecord(slo.period)} - ${episodesWithinRtoRecord(slo.period)})`,
  },
  {
    record: fleetWithinRtoRecord,
    expr: `sum by (${selectors.clusterLabel}) (${episodesWithinRtoRecord(slo.period)}) / (sum by (${selectors.clusterLabel}) (${episodesRecord(slo.period)}) > 0)`,
  },
  { record: objectiveRecord, expr: `${maxBy('group', series(METRICS.groupRto.name))} * 0 + ${num(slo.target)}` },
  // The RTO in force now, for the report; each episode was judged against its own by the collector.
  { record: sloRtoRecord, expr: maxBy('group', series(METRICS.groupRto.name)) },
  ...slo.durationQuantiles.map((q) => ({
    record: quantileRecord(q),
    expr: `histogram_quantile(${num(q)}, ${sumBy('group, le', `increase(${series(seriesName(METRICS.duration, 'bucket'))}[${slo.period}])`)})`,
  })),
];

type BurnRateWindowPair = (typeof slo.burnRateAlerts)[number];

/** One window pair of a burn-rate alert: both windows above the factor, and enough episodes in the long one to judge. */
function burnCondition(pair: BurnRateWindowPair): string {
  const factor = num(burnRateFactor(pair));
  return (
    `(${burnRateRecord(pair.longWindow)} > ${factor} and ${on('group')} ${burnRateRecord(pair.shortWindow)} > ${factor}` +
    ` and ${on('group')} ${episodesRecord(pair.longWindow)} >= ${slo.minEpisodesForBurnRateAlerts})`
  );
}

/**
 * One alert per severity, as Sloth folds them: the page is "either fast pair burns", the ticket
 * "either slow pair burns", so one bad afternoon is one page, not four alerts.
 */
function burnRateAlert(severity: 'critical' | 'warning'): AlertRule {
  const pairs = slo.burnRateAlerts.filter((a) => a.severity === severity);
  const windows = pairs.map((p) => `${p.longWindow}/${p.shortWindow} above ${Number(burnRateFactor(p).toFixed(2))}×`).join(' or ');
  return {
    alert: 'RecoveryErrorBudgetBurn',
    expr: pairs.map(burnCondition).join(' or '),
    labels: { severity },
    annotations: {
      summary: `{{ $labels.group }} is spending its recovery error budget {{ $value | printf "%.1f" }}× too fast.`,
      description:
        `Too many recoveries of {{ $labels.group }} end beyond their RTO: the burn rate is ${windows} ` +
        `(the budget is ${num(errorBudget * 100)} % of episodes over ${slo.period}; judged only with at least ` +
        `${slo.minEpisodesForBurnRateAlerts} episodes in the long window). Look at the slowest episodes on the SLO report.`,
      dashboard: `${grafana.url}/d/${grafana.dashboardUids.sloReport}?var-group={{ $labels.group }}`,
    },
  };
}

export const burnRateAlerts: AlertRule[] = [burnRateAlert('critical'), burnRateAlert('warning')];

/**
 * The SLI's good events come from the collector. A collector that counts episodes but not
 * within-RTO ones (older than this rule set) would leave its groups without an SLO: say so.
 */
export const sloRtoMismatch: AlertRule = {
  alert: 'RecoverySLOMisconfigured',
  expr: `${series(METRICS.episodes.name)} unless on (job, instance, group) ${series(METRICS.episodesWithinRto.name)}`,
  for: '1h',
  labels: { severity: 'info' },
  annotations: {
    summary: 'The recovery SLO of {{ $labels.group }} has no good events: its collector does not export ' + METRICS.episodesWithinRto.name + '.',
    description:
      'The collector at {{ $labels.instance }} counts episodes of {{ $labels.group }} but does not judge them against their RTO, so the SLO report shows no data for it. Upgrade that collector to one that exports ' +
      METRICS.episodesWithinRto.name +
      '.',
  },
};

export const sloRuleGroups: RuleGroup[] = withRunbooks<AlertRule | RecordingRule>([
  { name: 'rebound-slo-sli', interval: '30s', rules: sliRecords },
  { name: 'rebound-slo-period', interval: slo.periodEvaluationInterval, rules: periodRecords },
  { name: 'rebound-slo-alerts', interval: '30s', rules: [...burnRateAlerts, sloRtoMismatch] },
]);
