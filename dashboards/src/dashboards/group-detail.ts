import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS, seriesName } from '@rebound/contract';
import { grafana } from '../config';
import { maxBy, sumBy } from '../promql';
import { keptVariables, panelSeries } from './panel-series';
import { recoveryPanelQueries } from './recovery-panel-queries';
import {
  groupVariable,
  layout,
  recoveryAnnotations,
  reboundDashboard,
  recoveryPanel,
  stateTimelinePanel,
  statPanel,
  statusHistoryPanel,
  steps,
  tablePanel,
  textPanel,
  timeseriesPanel,
} from './panels';
import { phaseCodeExpr, phaseMappings, statusCodeExpr, statusMappings } from './phases';
import { colourBackground, hazardMappings, hideTime, sortDescending } from './table-helpers';

const G = 'group="$group"';
const groupSeries = (metric: string, ...matchers: string[]): string => panelSeries(metric, G, ...matchers);

/**
 * Episodes live in the collector's JSON API (`GET /api/v1/episodes?group=G`). Grafana has no
 * JSON data source built in and Infinity is not available offline, so the dashboard shows what
 * Prometheus knows (counts and duration distribution of completed episodes) and links to the API
 * for the per-episode record. See dashboards/README.md, "Decisions".
 */
function episodesNote(): ReturnType<typeof textPanel> {
  const url = '${collector_url}/api/v1/episodes?group=$group';
  return textPanel(
    'Episode log',
    [
      'Each episode — start, end, duration, worst phase, phases with timestamps, members affected, peak lag, whether permission drift or hidden instability was seen — is kept by the collector:',
      '',
      `**[Open the episodes of $group](${url})** (\`GET /api/v1/episodes?group=$group\`, JSON, newest first).`,
      '',
      'The tables beside this come from Prometheus: completed episodes in the time range and how long they took.',
    ].join('\n'),
  );
}

/**
 * Where a browser reaches the collector's JSON API: set it in the variable bar (or provision
 * another default in dashboards/src/config.ts) rather than a link hard-wired to one host.
 */
function collectorUrlVariable(): dashboard.TextBoxVariableBuilder {
  return new dashboard.TextBoxVariableBuilder('collector_url')
    .label('Collector API')
    .defaultValue(grafana.collectorApiUrl)
    .current({ text: grafana.collectorApiUrl, value: grafana.collectorApiUrl });
}

/** To the SLO report of this group, keeping data source, job, cluster and time range. */
function sloReportLink(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder('SLO report of $group')
    .type(dashboard.DashboardLinkType.Link)
    .url(`/d/${grafana.dashboardUids.sloReport}?var-group=$group&${keptVariables}`)
    .icon('dashboard');
}

export function groupDetailDashboard(): dashboard.Dashboard {
  const board = reboundDashboard(
    grafana.dashboardUids.groupDetail,
    'Recovery group detail',
    'One recovery group: phase, progress and ETA, members, lag, permissions, independence and episodes.',
  )
    .time({ from: 'now-3h', to: 'now' })
    .withVariable(groupVariable({ multi: false }))
    .withVariable(collectorUrlVariable())
    .annotations(recoveryAnnotations('group="$group"'))
    .link(sloReportLink());

  layout(board, [
    [
      recoveryPanel({
        title: 'Recovery state of $group',
        description: 'Phase, elapsed against RTO, progress and ETA, and the hazards of this group.',
        queries: recoveryPanelQueries(G),
      }),
      { w: 24, h: 6 },
    ],
    [
      stateTimelinePanel({
        title: 'Phase',
        description: 'Recovery phase over time. Gaps are missing data, not health.',
        queries: [{ expr: phaseCodeExpr(G), legend: '{{group}}' }],
        configure: (b) =>
          b
            .mappings(phaseMappings() as dashboard.ValueMapping[])
            .mergeValues(true)
            .showValue(common.VisibilityMode.Never),
      }),
      { w: 24, h: 4 },
    ],
    [
      timeseriesPanel({
        title: 'Progress and ETA',
        description:
          'Progress toward all members converged (left) and the estimated time to get there (right). No ETA line means stalled or unknown — never a made-up number.',
        queries: [
          { expr: maxBy('group', groupSeries(METRICS.groupProgress.name)), legend: 'progress' },
          { expr: maxBy('group', groupSeries(METRICS.groupEta.name)), legend: 'ETA' },
        ],
        configure: (b) => {
          b.unit('percentunit').min(0).max(1);
          b.overrideByName('ETA', [{ id: 'unit', value: 's' }, { id: 'min', value: 0 }, { id: 'max' }, { id: 'custom.axisPlacement', value: 'right' }]);
        },
      }),
      { w: 12, h: 8 },
    ],
    [
      timeseriesPanel({
        title: 'Elapsed against RTO',
        description: 'How long the open episode has lasted, against the RTO of the group.',
        queries: [
          { expr: maxBy('group', groupSeries(METRICS.groupElapsed.name)), legend: 'elapsed' },
          { expr: maxBy('group', groupSeries(METRICS.groupRto.name)), legend: 'RTO' },
        ],
        configure: (b) => {
          b.unit('s').min(0);
          b.overrideByName('RTO', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }]);
        },
      }),
      { w: 12, h: 8 },
    ],
    [
      statusHistoryPanel({
        title: 'Member status',
        description: 'Status of each member over time: converged, lagging, diverged, unreachable, unknown (no fresh data).',
        queries: [{ expr: statusCodeExpr(G), legend: '{{member}}' }],
        configure: (b) => b.mappings(statusMappings() as dashboard.ValueMapping[]).showValue(common.VisibilityMode.Never),
      }),
      { w: 24, h: 7 },
    ],
    [
      timeseriesPanel({
        title: 'Replication lag (seconds)',
        description: 'How far each member is behind the leader in time.',
        queries: [{ expr: maxBy('member', groupSeries(METRICS.memberLagSeconds.name)), legend: '{{member}}' }],
        configure: (b) => b.unit('s').min(0),
      }),
      { w: 12, h: 8 },
    ],
    [
      timeseriesPanel({
        title: 'Replication lag (bytes)',
        description: 'How far each member is behind the leader in data.',
        queries: [{ expr: maxBy('member', groupSeries(METRICS.memberLagBytes.name)), legend: '{{member}}' }],
        configure: (b) => b.unit('bytes').min(0),
      }),
      { w: 12, h: 8 },
    ],
    [
      timeseriesPanel({
        title: 'Convergence',
        description:
          'Permission consistency (members whose permissions match the leader) and divergence ratio (members not converged), plus the failover load ratio when the leader changed during the episode.',
        queries: [
          { expr: maxBy('group', groupSeries(METRICS.groupPermissionConsistency.name)), legend: 'permission consistency' },
          { expr: maxBy('group', groupSeries(METRICS.groupDivergence.name)), legend: 'divergence' },
          { expr: maxBy('group', groupSeries(METRICS.groupFailoverLoad.name)), legend: 'failover load' },
        ],
        configure: (b) => {
          b.unit('percentunit').min(0);
          b.overrideByName('failover load', [
            { id: 'unit', value: 'x' },
            { id: 'custom.axisPlacement', value: 'right' },
          ]);
        },
      }),
      { w: 8, h: 8 },
    ],
    [
      tablePanel({
        title: 'Permissions by member',
        description: "Whether each member's permissions (ACLs, roles, pg_hba rules, auth/TLS) match the leader's.",
        queries: [{ expr: maxBy('member', groupSeries(METRICS.memberPermissionDrift.name)), instant: true, table: true }],
        configure: (b) => {
          hideTime(b, { Value: 'permissions' });
          sortDescending(b, 'permissions');
          colourBackground(b);
          b.mappings(hazardMappings('in sync', 'drifted'));
        },
      }),
      { w: 8, h: 8 },
    ],
    [
      timeseriesPanel({
        title: 'Net stabilization rate',
        description: 'Members becoming converged minus members leaving converged, per minute. Positive: recovering faster than failing.',
        queries: [{ expr: maxBy('group', groupSeries(METRICS.groupNetStabilization.name)), legend: 'net per minute' }],
        configure: (b) => b.unit('suffix: members/min'),
      }),
      { w: 8, h: 8 },
    ],
    [
      statPanel({
        title: 'Independence',
        description:
          'Effective independent paths (fewest distinct values over the reported failure-domain dimensions) and the share of dimensions that are not shared.',
        queries: [
          { expr: maxBy('group', groupSeries(METRICS.groupEffectivePaths.name)), legend: 'effective paths', instant: true },
          { expr: maxBy('group', groupSeries(METRICS.groupIndependence.name)), legend: 'independence', instant: true },
        ],
        configure: (b) => {
          b.textMode(common.BigValueTextMode.ValueAndName).colorMode(common.BigValueColorMode.Value);
          b.thresholds(
            steps([
              ['red', null],
              ['orange', 2],
              ['green', 3],
            ]),
          );
          b.overrideByName('independence', [
            { id: 'unit', value: 'percentunit' },
            {
              id: 'thresholds',
              value: steps([
                ['red', null],
                ['orange', 0.5],
                ['green', 1],
              ]).build(),
            },
          ]);
        },
      }),
      { w: 8, h: 7 },
    ],
    [
      tablePanel({
        title: 'Shared failure domains',
        description: 'Dependency dimensions where every member has the same value: one failure there takes the whole group down.',
        queries: [{ expr: maxBy('dimension, value', groupSeries(METRICS.groupSharedDependency.name)), instant: true, table: true }],
        configure: (b) => hideTime(b, { Value: 'shared' }),
      }),
      { w: 16, h: 7 },
    ],
    [episodesNote(), { w: 8, h: 8 }],
    [
      tablePanel({
        title: 'Completed episodes in range',
        description: 'Recovery episodes of $group that completed in the time range, and how long they took (from the duration histogram).',
        queries: [
          { refId: 'episodes', expr: sumBy('group', `increase(${groupSeries(METRICS.episodes.name)}[$__range])`), instant: true, table: true },
          {
            refId: 'p50',
            expr: `histogram_quantile(0.5, ${sumBy('group, le', `increase(${groupSeries(seriesName(METRICS.duration, 'bucket'))}[$__range])`)})`,
            instant: true,
            table: true,
          },
          {
            refId: 'p90',
            expr: `histogram_quantile(0.9, ${sumBy('group, le', `increase(${groupSeries(seriesName(METRICS.duration, 'bucket'))}[$__range])`)})`,
            instant: true,
            table: true,
          },
          { refId: 'max', expr: `max_over_time(${maxBy('group', groupSeries(METRICS.groupElapsed.name))}[$__range:])`, instant: true, table: true },
        ],
        configure: (b) => {
          b.withTransformation({ id: 'merge', options: {} });
          hideTime(b, { 'Value #episodes': 'episodes', 'Value #p50': 'p50 duration', 'Value #p90': 'p90 duration', 'Value #max': 'longest elapsed' });
          b.overrideByRegexp('.*duration|longest elapsed', [{ id: 'unit', value: 's' }]);
          b.overrideByName('episodes', [{ id: 'decimals', value: 0 }]);
        },
      }),
      { w: 8, h: 8 },
    ],
    [
      tablePanel({
        title: 'Episode durations by bucket',
        description:
          'Completed episodes of $group in the time range that took at most `le` seconds (cumulative). The bucket equal to the RTO counts the episodes within it.',
        queries: [{ expr: sumBy('le', `increase(${groupSeries(seriesName(METRICS.duration, 'bucket'))}[$__range])`), instant: true, table: true }],
        configure: (b) => {
          hideTime(b, { le: 'at most (s)', Value: 'episodes' });
          b.decimals(0);
        },
      }),
      { w: 8, h: 8 },
    ],
  ]);
  return board.build();
}
