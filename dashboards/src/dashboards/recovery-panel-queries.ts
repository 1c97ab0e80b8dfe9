import { panelSeries } from './panel-series';
import type { Query } from './panels';

/**
 * What the Rebound recovery panel reads: the contract metrics as raw series, so each frame
 * keeps `__name__` and every label (DESIGN.md §5). The refId is the metric name too: the panel
 * falls back to it when a query aggregates `__name__` away (grafana-plugin/src/model/series.ts).
 */
export function recoveryPanelQueries(...matchers: string[]): Query[] {
  const metrics: string[] = [
    'recovery_group_phase',
    'recovery_group_progress_ratio',
    'recovery_group_eta_seconds',
    'recovery_group_eta_timestamp_seconds',
    'recovery_group_episode_elapsed_seconds',
    'recovery_group_rto_seconds',
    'recovery_member_status',
    'recovery_member_lag_seconds',
    'recovery_group_members',
    'recovery_group_divergence_ratio',
    'recovery_member_permission_drift',
    // Absent for a group while other groups have it: the panel says "permissions: not observed".
    'recovery_group_permission_consistency_ratio',
    'recovery_group_shared_dependency',
    'recovery_group_effective_paths',
    'recovery_group_independence_ratio',
    'recovery_group_hidden_instability',
    'recovery_member_observation_age_seconds',
    'recovery_member_lag_bytes',
    // The panel words the top finding and the drill-down's list from the causes and member series.
    'recovery_group_finding',
    'recovery_group_episode_planned',
    'recovery_group_failover_load_ratio',
  ];
  return metrics.map((metric) => ({ refId: metric, expr: panelSeries(metric, ...matchers), legend: '__auto' }));
}
