import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '@rebound/contract';
import { grafana } from '../config';
import { maxBy, on } from '../promql';
import { keptVariables, panelSeries } from './panel-series';
import { recoveryPanelQueries } from './recovery-panel-queries';
import { dataLink, layout, reboundDashboard, recoveryAnnotations, recoveryPanel, stateTimelinePanel, statPanel, steps, tablePanel } from './panels';
import { PHASES, PHASE_COLOURS, phaseCodeExpr, phaseMappings } from './phases';
import { colourBackground, hazardMappings, hideTime, sortDescending } from './table-helpers';

const elapsed = maxBy('group', panelSeries(METRICS.groupElapsed.name));
const rto = maxBy('group', panelSeries(METRICS.groupRto.name));
const detailLink = `/d/${grafana.dashboardUids.groupDetail}?var-group=\${__data.fields.group}&${keptVariables}`;

function phaseCounts(): ReturnType<typeof statPanel> {
  return statPanel({
    title: 'Groups per phase',
    description: 'How many recovery groups are in each phase now. Unknown means too little fresh data to tell — it never counts as healthy.',
    queries: PHASES.map((phase) => ({
      expr: `count(${maxBy('group', panelSeries(METRICS.groupPhase.name, `phase="${phase}"`))} == 1) or vector(0)`,
      legend: phase,
      instant: true,
    })),
    configure: (b) => {
      b.colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .textMode(common.BigValueTextMode.ValueAndName)
        .thresholds(steps([['text', null]]));
      for (const phase of PHASES) {
        b.overrideByName(phase, [{ id: 'color', value: { mode: 'fixed', fixedColor: PHASE_COLOURS[phase] } }]);
      }
    },
  });
}

export function overviewDashboard(): dashboard.Dashboard {
  const board = reboundDashboard(
    grafana.dashboardUids.overview,
    'Recovery overview',
    'Every redundant system by recovery phase: how far along each recovery is, against its RTO, and what hidden dangers remain.',
  )
    .time({ from: 'now-6h', to: 'now' })
    .annotations(recoveryAnnotations('group=~".+"'));

  layout(board, [
    [phaseCounts(), { w: 18, h: 4 }],
    [
      statPanel({
        title: 'Groups over RTO',
        description: 'Groups whose open recovery episode has lasted longer than their recovery-time objective.',
        queries: [{ expr: `count(${elapsed} > ${on('group')} ${rto}) or vector(0)`, legend: 'over RTO', instant: true }],
        configure: (b) =>
          b.colorMode(common.BigValueColorMode.Background).thresholds(
            steps([
              ['green', null],
              ['red', 1],
            ]),
          ),
      }),
      { w: 6, h: 4 },
    ],
    [
      recoveryPanel({
        title: 'Recovery state',
        description: 'One row per group, worst first: phase, elapsed against RTO, progress and ETA, lag, and the hazards behind them.',
        queries: recoveryPanelQueries(),
      }),
      { w: 24, h: 14 },
    ],
    [
      tablePanel({
        title: 'Elapsed against RTO',
        description: 'Share of its RTO that each group has spent in its open episode (0 when healthy). Above 100 % the recovery is over its objective.',
        queries: [{ expr: `${elapsed} / ${on('group')} ${rto}`, instant: true, table: true }],
        configure: (b) => {
          hideTime(b, { Value: 'RTO used' });
          sortDescending(b, 'RTO used');
          colourBackground(b);
          b.unit('percentunit').thresholds(
            steps([
              ['green', null],
              ['orange', 0.8],
              ['red', 1.0000001],
            ]),
          );
          b.dataLinks([dataLink('Open group detail', detailLink)]);
        },
      }),
      { w: 8, h: 9 },
    ],
    [
      tablePanel({
        title: 'Hidden instability',
        description: 'Groups that serve requests while some member is still not converged or permissions drift: "requests work again" hiding lost redundancy.',
        queries: [{ expr: maxBy('group', panelSeries(METRICS.groupHiddenInstability.name)), instant: true, table: true }],
        configure: (b) => {
          hideTime(b, { Value: 'hidden instability' });
          sortDescending(b, 'hidden instability');
          colourBackground(b);
          b.mappings(hazardMappings('none', 'serving, not converged'));
          b.dataLinks([dataLink('Open group detail', detailLink)]);
        },
      }),
      { w: 8, h: 9 },
    ],
    [
      tablePanel({
        title: 'Permission drift',
        description:
          "Members whose permissions (ACLs, roles, pg_hba rules, auth/TLS requirements) differ from their leader's. These are not replicated and drift silently after a failover.",
        queries: [{ expr: maxBy('group, member', panelSeries(METRICS.memberPermissionDrift.name)), instant: true, table: true }],
        configure: (b) => {
          hideTime(b, { Value: 'permissions' });
          sortDescending(b, 'permissions');
          colourBackground(b);
          b.mappings(hazardMappings('in sync', 'drifted'));
          b.dataLinks([dataLink('Open group detail', detailLink)]);
        },
      }),
      { w: 8, h: 9 },
    ],
    [
      stateTimelinePanel({
        title: 'Phases',
        description: 'Recovery phase of every group over time. Gaps are missing data, not health.',
        queries: [{ expr: phaseCodeExpr(), legend: '{{group}}' }],
        configure: (b) =>
          b
            .mappings(phaseMappings() as dashboard.ValueMapping[])
            .mergeValues(true)
            .showValue(common.VisibilityMode.Never),
      }),
      { w: 24, h: 10 },
    ],
  ]);
  return board.build();
}
