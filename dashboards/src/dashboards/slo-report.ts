import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '@rebound/contract';
import { grafana, selectors, slo } from '../config';
import { num } from '../promql';
import { keptVariables } from './panel-series';
import {
  budgetRemainingEpisodesRecord,
  budgetRemainingRecord,
  burnRateFactor,
  burnRateRecord,
  episodesRecord,
  errorBudget,
  fleetWithinRtoRecord,
  objectiveRecord,
  quantileRecord,
  sloRtoRecord,
  withinRtoRecord,
} from '../rules/slo-rules';
import {
  dashedThresholds,
  dataLink,
  groupVariable,
  layout,
  reboundDashboard,
  recoveryAnnotations,
  statPanel,
  steps,
  tablePanel,
  textPanel,
  timeseriesPanel,
} from './panels';
import { hideTime } from './table-helpers';

const G = `{${selectors.clusterLabel}=~"$cluster",group=~"$group"}`;

/** From a group's SLO numbers to its detail, keeping data source, job, cluster and time range. */
const detailLink = (group: string) => `/d/${grafana.dashboardUids.groupDetail}?var-group=${group}&${keptVariables}`;

const objectiveText = `${num(slo.target * 100)} % of recovery episodes end within the group's RTO, over ${slo.period}`;

function sloExplanation(): ReturnType<typeof textPanel> {
  const windows = slo.burnRateAlerts
    .map((a) => `| ${a.longWindow} and ${a.shortWindow} | ${num(burnRateFactor(a))} | ${a.severity === 'critical' ? 'page' : 'ticket'} |`)
    .join('\n');
  return textPanel(
    'How this SLO is computed',
    [
      `**Objective:** ${objectiveText}. Error budget: ${num(errorBudget * 100)} % of episodes may take longer.`,
      '',
      'An episode is *within RTO* when its duration (start until all members converged, hold-down excluded) is at most the RTO in force when it ran. The collector judges each episode once, when it completes (`' +
        METRICS.episodesWithinRto.name +
        '` beside `' +
        METRICS.episodes.name +
        '`), so raising an RTO later does not rewrite the past. A group with no completed episode shows "no episodes", never 0 % or 100 %.',
      '',
      `**Burn rate** = share of episodes beyond RTO in a window ÷ error budget. Alerts need both windows above the factor, and at least ${slo.minEpisodesForBurnRateAlerts} episodes in the long window (recoveries are rare: one slow episode among few is already paged by RecoveryExceedingRTO). Below that, the budget in episodes tells the story:`,
      '',
      '| windows | burn rate above | |',
      '|---|---|---|',
      windows,
      '',
      'Percentiles come from the `' +
        METRICS.duration.name +
        '` histogram, so they are bucket-interpolated (good to a bucket), while the share within RTO is exact.',
    ].join('\n'),
  );
}

export function sloReportDashboard(): dashboard.Dashboard {
  const board = reboundDashboard(
    grafana.dashboardUids.sloReport,
    'Recovery SLO report',
    `Recovery SLO: ${objectiveText}. Error budget, burn rate, duration percentiles and episodes per group.`,
  )
    .time({ from: `now-${slo.period}`, to: 'now' })
    .withVariable(groupVariable({ multi: true }))
    .annotations(recoveryAnnotations('group=~"$group"'));

  layout(board, [
    [
      statPanel({
        title: `Within RTO (${slo.period})`,
        noDataText: 'no episodes',
        description: `Share of completed recovery episodes that ended within their RTO over ${slo.period}, per group. Target: ${num(slo.target * 100)} %. No value: no episode completed.`,
        queries: [{ expr: `${withinRtoRecord}${G}`, legend: '{{group}}', instant: true }],
        configure: (b) => {
          b.unit('percentunit').decimals(1).min(0).max(1);
          b.thresholds(
            steps([
              ['red', null],
              ['green', slo.target],
            ]),
          );
          b.colorMode(common.BigValueColorMode.Background).graphMode(common.BigValueGraphMode.None);
          b.dataLinks([dataLink('Open group detail', detailLink('${__field.labels.group}'))]);
        },
      }),
      { w: 12, h: 6 },
    ],
    [
      statPanel({
        title: 'Error budget remaining',
        noDataText: 'no episodes',
        description: `Share of the ${slo.period} error budget (${num(errorBudget * 100)} % of episodes beyond RTO) still unspent. Below 0 the SLO is broken.`,
        queries: [{ expr: `${budgetRemainingRecord}${G}`, legend: '{{group}}', instant: true }],
        configure: (b) => {
          b.unit('percentunit').decimals(0);
          b.thresholds(
            steps([
              ['red', null],
              ['orange', 0],
              ['green', 0.25],
            ]),
          );
          b.colorMode(common.BigValueColorMode.Background).graphMode(common.BigValueGraphMode.None);
        },
      }),
      { w: 12, h: 6 },
    ],
    [
      statPanel({
        title: `Error budget left, in episodes (${slo.period})`,
        noDataText: 'no episodes',
        description: `How many more episodes beyond RTO the ${slo.period} budget allows (${num(errorBudget * 100)} % of the episodes completed). Negative: that many too many.`,
        queries: [{ expr: `${budgetRemainingEpisodesRecord}${G}`, legend: '{{group}}', instant: true }],
        configure: (b) => {
          b.unit('none').decimals(1);
          b.thresholds(
            steps([
              ['red', null],
              ['orange', 0],
              ['green', 1],
            ]),
          );
          b.colorMode(common.BigValueColorMode.Background).graphMode(common.BigValueGraphMode.None);
        },
      }),
      { w: 12, h: 6 },
    ],
    [
      statPanel({
        title: `Fleet within RTO (${slo.period})`,
        noDataText: 'no episodes',
        description: `Share of all groups' completed episodes that ended within their RTO over ${slo.period}. Target: ${num(slo.target * 100)} %.`,
        queries: [{ expr: `${fleetWithinRtoRecord}{${selectors.clusterLabel}=~"$cluster"}`, legend: 'fleet {{cluster}}', instant: true }],
        configure: (b) => {
          b.unit('percentunit').decimals(1).min(0).max(1);
          b.thresholds(
            steps([
              ['red', null],
              ['green', slo.target],
            ]),
          );
          b.colorMode(common.BigValueColorMode.Background).graphMode(common.BigValueGraphMode.None);
        },
      }),
      { w: 12, h: 6 },
    ],
    [
      timeseriesPanel({
        title: 'Burn rate',
        description: 'How fast the error budget is being spent (1 = exactly the budget over the SLO period). Dashed lines are the alert factors.',
        queries: slo.burnRateAlerts.map((a) => ({
          expr: `${burnRateRecord(a.longWindow)}${G}`,
          legend: `{{group}} ${a.longWindow}`,
        })),
        configure: (b) => {
          b.unit('x').min(0);
          // One dashed line per alert factor (ticket orange, page red), as the description says.
          const factors = slo.burnRateAlerts.map((a) => [a.severity === 'critical' ? 'red' : 'orange', Number(num(burnRateFactor(a)))] as [string, number]);
          b.thresholds(steps([['green', null], ...factors.sort((x, y) => x[1] - y[1])]));
          dashedThresholds(b);
        },
      }),
      { w: 12, h: 8 },
    ],
    [sloExplanation(), { w: 12, h: 8 }],
    [
      timeseriesPanel({
        title: 'Recovery duration percentiles',
        description: `p50, p90 and p99 of episode durations over ${slo.period}, rather than MTTR alone: the tail is what breaks the SLO.`,
        queries: slo.durationQuantiles.map((q) => ({
          expr: `${quantileRecord(q)}${G}`,
          legend: `{{group}} p${Math.round(q * 100)}`,
        })),
        configure: (b) => b.unit('s').min(0),
      }),
      { w: 12, h: 8 },
    ],
    [
      tablePanel({
        title: 'Episodes per group',
        description: `Episodes completed in ${slo.period}, the RTO in force now (each episode was judged against the RTO it ran under) and the duration percentiles.`,
        queries: [
          { refId: 'episodes', expr: `${episodesRecord(slo.period)}${G}`, instant: true, table: true },
          { refId: 'within', expr: `${withinRtoRecord}${G}`, instant: true, table: true },
          { refId: 'rto', expr: `${sloRtoRecord}${G}`, instant: true, table: true },
          { refId: 'objective', expr: `${objectiveRecord}${G}`, instant: true, table: true },
          ...slo.durationQuantiles.map((q) => ({
            refId: `p${Math.round(q * 100)}`,
            expr: `${quantileRecord(q)}${G}`,
            instant: true,
            table: true,
          })),
        ],
        configure: (b) => {
          b.withTransformation({ id: 'merge', options: {} });
          b.dataLinks([dataLink('Open group detail', detailLink('${__data.fields.group}'))]);
          hideTime(b, {
            'Value #episodes': 'episodes',
            'Value #within': 'within RTO',
            'Value #rto': 'RTO',
            'Value #objective': 'objective',
            ...Object.fromEntries(slo.durationQuantiles.map((q) => [`Value #p${Math.round(q * 100)}`, `p${Math.round(q * 100)}`])),
          });
          b.overrideByName('episodes', [{ id: 'decimals', value: 0 }]);
          b.overrideByRegexp('within RTO|objective', [{ id: 'unit', value: 'percentunit' }]);
          b.overrideByRegexp('^(RTO|p\\d+)$', [{ id: 'unit', value: 's' }]);
        },
      }),
      { w: 12, h: 8 },
    ],
  ]);
  return board.build();
}
