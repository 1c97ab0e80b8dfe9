// Names from DESIGN.md §4 (contract). The panel reads these and nothing else.
export const PHASES = ['healthy', 'degraded', 'recovering', 'partial', 'stabilizing', 'unknown'] as const;
export type Phase = (typeof PHASES)[number];

export const MEMBER_STATUSES = ['converged', 'lagging', 'diverged', 'unreachable', 'unknown'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const METRICS = {
  phase: 'recovery_group_phase',
  progress: 'recovery_group_progress_ratio',
  eta: 'recovery_group_eta_seconds',
  /** Expected completion (Unix seconds); the panel's ETA is this minus now, so it does not age with the scrape. */
  etaTimestamp: 'recovery_group_eta_timestamp_seconds',
  elapsed: 'recovery_group_episode_elapsed_seconds',
  rto: 'recovery_group_rto_seconds',
  members: 'recovery_group_members',
  memberStatus: 'recovery_member_status',
  memberLag: 'recovery_member_lag_seconds',
  permissionDrift: 'recovery_member_permission_drift',
  permissionConsistency: 'recovery_group_permission_consistency_ratio',
  sharedDependency: 'recovery_group_shared_dependency',
  hiddenInstability: 'recovery_group_hidden_instability',
  divergence: 'recovery_group_divergence_ratio',
  independence: 'recovery_group_independence_ratio',
  effectivePaths: 'recovery_group_effective_paths',
  observationAge: 'recovery_member_observation_age_seconds',
} as const;

export type MetricKey = keyof typeof METRICS;
export const METRIC_NAMES: ReadonlySet<string> = new Set(Object.values(METRICS));

/** Worst first: the order an SRE triages in. Unknown ranks above recovering: absence of data is never health. */
const SEVERITY: Record<Phase, number> = {
  degraded: 0,
  partial: 1,
  unknown: 2,
  recovering: 3,
  stabilizing: 4,
  healthy: 5,
};

/** Lower is worse. */
export function phaseSeverity(phase: Phase): number {
  return SEVERITY[phase];
}

export function isPhase(value: string | undefined): value is Phase {
  return value !== undefined && (PHASES as readonly string[]).includes(value);
}

export function isMemberStatus(value: string | undefined): value is MemberStatus {
  return value !== undefined && (MEMBER_STATUSES as readonly string[]).includes(value);
}
