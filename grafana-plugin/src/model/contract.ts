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
  memberLagBytes: 'recovery_member_lag_bytes',
  /** 1 for each diagnosis cause the group has now (`cause` label, FINDING_CAUSES); absent otherwise. */
  finding: 'recovery_group_finding',
  /** 1 while the open episode started inside a maintenance window. */
  episodePlanned: 'recovery_group_episode_planned',
  failoverLoad: 'recovery_group_failover_load_ratio',
} as const;

/** Diagnosis causes (docs/recovery-model.md "Diagnosis"), most urgent first: the order findings are shown in. */
export const FINDING_CAUSES = [
  'no_leader',
  'split_brain',
  'member_unreachable',
  'no_fresh_data',
  'not_observable',
  'replication_link_down',
  'replication_stopped',
  'diverged',
  'failover_overload',
  'full_resync',
  'replica_lagging',
  'permission_drift',
  'shared_failure_domain',
] as const;
export type FindingCause = (typeof FINDING_CAUSES)[number];

export function isFindingCause(value: string | undefined): value is FindingCause {
  return value !== undefined && (FINDING_CAUSES as readonly string[]).includes(value);
}

export type MetricKey = keyof typeof METRICS;
/** Named in the panel's words (a finding's action), not read: which source is down. */
export const SOURCE_UP_METRIC = 'recovery_source_up';
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
