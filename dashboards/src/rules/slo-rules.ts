import { grafana, histogramBucketsSeconds, slo } from '../config';
import { durationSeconds, leMatcher, maxBy, num, regexLiteral, series } from '../promql';
import type { AlertRule, RecordingRule, RuleGroup } from './rule-types';

/** Error budget: the share of episodes allowed to end beyond their RTO. */
export const errorBudget = 1 - slo.target;

/** Windows the SLI is recorded over: every burn-rate window plus the SLO period. */
export const sliWindows: string[] = [
  ...new Set([...slo.burnRateAlerts.flatMap((a) => [a.shortWindow, a.longWindow]), slo.period]),
].sort((a, b) => durationSeconds(a) - durationSeconds(b));

export const errorRatioRecord = (window: string): string => `group:recovery_slo_errors:ratio_rate${window}`;
export const burnRateRecord = (window: string): string => `group:recovery_slo_burn_rate:rate${window}`;
export const withinRtoRecord = `group:recovery_slo_within_rto:ratio_rate${slo.period}`;
export const budgetRemainingRecord = `group:recovery_slo_error_budget_remaining:ratio_rate${slo.period}`;
export const objectiveRecord = 'group:recovery_slo_objective:ratio';
export const sloRtoRecord = 'group:recovery_slo_rto_seconds:value';
export const episodesRecord = `group:recovery_episodes:increase${slo.period}`;
export const quantileRecord = (q: number): string => `group:recovery_duration_seconds:p${Math.round(q * 100)}_rate${slo.period}`;

/** Burn-rate factor: spending `budgetShare` of the period's budget in `longWindowHours`. */
export function burnRateFactor(alert: { budgetShare: number; longWindowHours: number }): number {
  return (alert.budgetShare * slo.periodHours) / alert.longWindowHours;
}

/**
 * Episodes that ended within the RTO over `window`: the `le` bucket equal to each group's
 * SLO RTO. Groups with their own RTO are listed; every other group uses the default bucket.
 */
function episodesWithinRto(window: string): string {
  const overrides = Object.entries(slo.rtoSecondsByGroup);
  const parts = overrides.map(([group, seconds]) =>
    `sum by (group) (increase(${series('recovery_duration_seconds_bucket', `group="${group}"`, leMatcher(seconds))}[${window}]))`,
  );
  const others = overrides.length > 0 ? [`group!~"${overrides.map(([g]) => regexLiteral(g)).join('|')}"`] : [];
  parts.push(
    `sum by (group) (increase(${series('recovery_duration_seconds_bucket', ...others, leMatcher(slo.defaultRtoSeconds))}[${window}]))`,
  );
  return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' or ');
}

function episodesCompleted(window: string): string {
  return `sum by (group) (increase(${series('recovery_duration_seconds_count')}[${window}]))`;
}

/** The SLO's own RTO per group, so a dashboard and an alert can compare it with the collector's. */
function sloRto(): string {
  const overrides = Object.entries(slo.rtoSecondsByGroup);
  const rto = (m: string[]): string => `${maxBy('group', series('recovery_group_rto_seconds', ...m))} * 0`;
  const parts = overrides.map(([group, seconds]) => `(${rto([`group="${group}"`])} + ${seconds})`);
  const others = overrides.length > 0 ? [`group!~"${overrides.map(([g]) => regexLiteral(g)).join('|')}"`] : [];
  parts.push(`(${rto(others)} + ${slo.defaultRtoSeconds})`);
  return parts.join(' or ');
}

export const sliRecords: RecordingRule[] = [
  ...sliWindows.map((w) => ({
    record: errorRatioRecord(w),
    expr: `1 - (${episodesWithinRto(w)}) / on (group) (${episodesCompleted(w)})`,
  })),
  ...sliWindows.map((w) => ({ record: burnRateRecord(w), expr: `${errorRatioRecord(w)} / ${num(errorBudget)}` })),
];

export const reportRecords: RecordingRule[] = [
  { record: withinRtoRecord, expr: `1 - ${errorRatioRecord(slo.period)}` },
  { record: budgetRemainingRecord, expr: `1 - ${errorRatioRecord(slo.period)} / ${num(errorBudget)}` },
  { record: objectiveRecord, expr: `${maxBy('group', series('recovery_group_rto_seconds'))} * 0 + ${num(slo.target)}` },
  { record: sloRtoRecord, expr: sloRto() },
  { record: episodesRecord, expr: `sum by (group) (increase(${series('recovery_episodes_total')}[${slo.period}]))` },
  ...slo.durationQuantiles.map((q) => ({
    record: quantileRecord(q),
    expr: `histogram_quantile(${num(q)}, sum by (group, le) (increase(${series('recovery_duration_seconds_bucket')}[${slo.period}])))`,
  })),
];

export const burnRateAlerts: AlertRule[] = slo.burnRateAlerts.map((a) => {
  const factor = num(burnRateFactor(a));
  return {
    alert: 'RecoveryErrorBudgetBurn',
    expr: `${burnRateRecord(a.longWindow)} > ${factor} and on (group) ${burnRateRecord(a.shortWindow)} > ${factor}`,
    labels: { severity: a.severity, long_window: a.longWindow, short_window: a.shortWindow },
    annotations: {
      summary: `{{ $labels.group }} is spending its recovery error budget ${Number(burnRateFactor(a).toFixed(2))}× too fast (${a.longWindow}/${a.shortWindow}).`,
      description: `Too many recoveries of {{ $labels.group }} end beyond their RTO: at this rate ${Math.round(a.budgetShare * 100)} % of the ${slo.period} error budget (${num(errorBudget * 100)} % of episodes) is gone within ${a.longWindow}. Look at the slowest episodes on the SLO report.`,
      dashboard: `/d/${grafana.dashboardUids.sloReport}?var-group={{ $labels.group }}`,
    },
  };
});

/** The SLO counts the `le` bucket of its own RTO; if the collector's RTO for a group differs, the report is not about the real objective. */
export const sloRtoMismatch: AlertRule = {
  alert: 'RecoverySLOMisconfigured',
  expr: `${maxBy('group', series('recovery_group_rto_seconds'))} != on (group) ${sloRtoRecord}`,
  for: '1h',
  labels: { severity: 'info' },
  annotations: {
    summary: "The recovery SLO of {{ $labels.group }} counts a different RTO than the collector's.",
    description:
      'The collector says the RTO of {{ $labels.group }} is {{ $value | humanizeDuration }}, but the SLO rules were generated for another one. Set `slo.rtoSecondsByGroup` in dashboards/src/config.ts and run `npm run generate -w @rebound/dashboards`.',
  },
};

export function checkSloConfig(): void {
  const buckets = histogramBucketsSeconds;
  for (const seconds of [slo.defaultRtoSeconds, ...Object.values(slo.rtoSecondsByGroup)]) {
    if (!buckets.includes(seconds)) {
      throw new Error(
        `SLO RTO ${seconds}s is not a bucket of recovery_duration_seconds (${buckets.join(', ')}): the share within RTO would not be exact. Pick one of those buckets in dashboards/src/config.ts.`,
      );
    }
  }
}

export const sloRuleGroups: RuleGroup[] = [
  { name: 'rebound-slo-sli', interval: '30s', rules: sliRecords },
  { name: 'rebound-slo-report', interval: '1m', rules: reportRecords },
  { name: 'rebound-slo-alerts', interval: '30s', rules: [...burnRateAlerts, sloRtoMismatch] },
];
