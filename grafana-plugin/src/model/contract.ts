// The names the panel reads, from @rebound/contract (DESIGN.md §4). The panel reads these and nothing else.
import { METRICS as CONTRACT_METRICS, PANEL_METRICS, PHASE_RANK, type Phase } from '@rebound/contract';

export { MEMBER_STATUSES, MEMBER_STATUS_RANK, PHASES, PHASE_COLOURS, isMemberStatus, isPhase, type MemberStatus, type Phase } from '@rebound/contract';

/** The panel's short keys for the contract metrics it reads (PANEL_METRICS, a test keeps them equal). */
export const METRICS = {
  phase: CONTRACT_METRICS.groupPhase.name,
  progress: CONTRACT_METRICS.groupProgress.name,
  eta: CONTRACT_METRICS.groupEta.name,
  /** Expected completion (Unix seconds); the panel's ETA is this minus now, so it does not age with the scrape. */
  etaTimestamp: CONTRACT_METRICS.groupEtaTimestamp.name,
  elapsed: CONTRACT_METRICS.groupElapsed.name,
  rto: CONTRACT_METRICS.groupRto.name,
  members: CONTRACT_METRICS.groupMembers.name,
  memberStatus: CONTRACT_METRICS.memberStatus.name,
  memberLag: CONTRACT_METRICS.memberLagSeconds.name,
  permissionDrift: CONTRACT_METRICS.memberPermissionDrift.name,
  permissionConsistency: CONTRACT_METRICS.groupPermissionConsistency.name,
  sharedDependency: CONTRACT_METRICS.groupSharedDependency.name,
  hiddenInstability: CONTRACT_METRICS.groupHiddenInstability.name,
  divergence: CONTRACT_METRICS.groupDivergence.name,
  independence: CONTRACT_METRICS.groupIndependence.name,
  effectivePaths: CONTRACT_METRICS.groupEffectivePaths.name,
  observationAge: CONTRACT_METRICS.memberObservationAge.name,
  memberLagBytes: CONTRACT_METRICS.memberLagBytes.name,
  /** 1 for each diagnosis cause the group has now (`cause` label, FINDING_CAUSES); absent otherwise. */
  finding: CONTRACT_METRICS.groupFinding.name,
  /** 1 while the open episode started inside a maintenance window. */
  episodePlanned: CONTRACT_METRICS.groupEpisodePlanned.name,
  failoverLoad: CONTRACT_METRICS.groupFailoverLoad.name,
  /** Always 1: the member's role (`role` label). */
  memberRole: CONTRACT_METRICS.memberRole.name,
  /** Always 1: one failure-domain value of the member (`dimension`, `value` labels). */
  failureDomain: CONTRACT_METRICS.memberFailureDomain.name,
  /** 1 for each of the first few permission entries that differ from the reference (`change`, `entry` labels). */
  permissionDifference: CONTRACT_METRICS.memberPermissionDifference.name,
} as const;

export { MAX_PERMISSION_DIFFERENCE_SERIES, PERMISSION_CHANGES, isRole, type PermissionChange, type Role } from '@rebound/contract';

/** Diagnosis causes (docs/recovery-model.md "Diagnosis"), most urgent first: the order findings are shown in. */
export { FINDING_CAUSES, isFindingCause, type FindingCause } from '@rebound/contract';

export type MetricKey = keyof typeof METRICS;
/** Named in the panel's words (a finding's action), not read: which source is down. */
export const SOURCE_UP_METRIC = CONTRACT_METRICS.sourceUp.name;
export const METRIC_NAMES: ReadonlySet<string> = new Set(PANEL_METRICS.map((key) => CONTRACT_METRICS[key].name));

/**
 * The contract's one phase rank: higher is worse (healthy 0 … degraded 5), the same number the
 * collector uses for an episode's worst phase and the dashboards' state timelines plot. Unknown
 * ranks above recovering: absence of data is never health.
 */
export function phaseRank(phase: Phase): number {
  return PHASE_RANK[phase];
}
