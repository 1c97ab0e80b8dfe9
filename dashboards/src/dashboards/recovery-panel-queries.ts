import { series } from '../promql';
import type { Query } from './panels';

/**
 * What the Rebound recovery panel reads: the contract metrics as raw series, so each frame
 * keeps `__name__` and every label (DESIGN.md §5). refIds name the metric for readers of the JSON.
 */
export function recoveryPanelQueries(...matchers: string[]): Query[] {
  const metrics: [string, string][] = [
    ['phase', 'recovery_group_phase'],
    ['progress', 'recovery_group_progress_ratio'],
    ['eta', 'recovery_group_eta_seconds'],
    ['elapsed', 'recovery_group_episode_elapsed_seconds'],
    ['rto', 'recovery_group_rto_seconds'],
    ['members', 'recovery_member_status'],
    ['lag', 'recovery_member_lag_seconds'],
    ['divergence', 'recovery_group_divergence_ratio'],
    ['drift', 'recovery_member_permission_drift'],
    ['shared', 'recovery_group_shared_dependency'],
    ['hidden', 'recovery_group_hidden_instability'],
    ['age', 'recovery_member_observation_age_seconds'],
  ];
  return metrics.map(([refId, metric]) => ({ refId, expr: series(metric, ...matchers), legend: '__auto' }));
}
