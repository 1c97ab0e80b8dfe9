import type { Finding } from './diagnosis';
import type { PermissionDifference } from './permission-diff';
import type { Dependencies, MemberStatus, Phase, Role } from './types';

/** One member's derived state at a tick (API `members[]`, `recovery_member_*` metrics). */
export interface MemberState {
  member: string;
  role: Role;
  status: MemberStatus;
  /** Why the status is what it is, in words ("split brain: also claims leader", "no observation for 12s"). */
  reason: string | null;
  lagSeconds: number | null;
  lagBytes: number | null;
  permissionDrift: boolean;
  /**
   * What differs from the reference member's permissions, every difference in order
   * (`recovery_member_permission_difference` exports the first few). Absent when the member
   * has no drift or its source does not say what its permissions are.
   */
  permissionDifferences?: readonly PermissionDifference[];
  /** Age of the newest observation; null when never observed (exported as +Inf). */
  observationAgeSeconds: number | null;
  /**
   * Age of the fresh observation's permission facts (read on their own cadence, so possibly older
   * than the observation); null when the member has no fresh permission fingerprint.
   */
  permissionsAgeSeconds: number | null;
  dependencies: Dependencies;
}

/** A dependency dimension where every member shares one value: a shared failure domain. */
export interface SharedDependency {
  dimension: string;
  value: string;
}

export interface IndependenceSignal {
  /** Dimensions with ≥ 2 distinct values ÷ dimensions reported; null when no dimension is reported. */
  ratio: number | null;
  /** Minimum over reported dimensions of the distinct values; null when none reported. */
  effectivePaths: number | null;
  /** Distinct values per reported dimension. */
  dimensions: { dimension: string; distinctValues: number }[];
  sharedDomains: SharedDependency[];
}

/** A group's derived recovery state at one tick (API `groups[]`, `recovery_group_*` metrics). */
export interface GroupState {
  name: string;
  phase: Phase;
  /** 0..1, see DESIGN.md §2.4. Unknown members count as 0, so this is always backed by fresh data. */
  progress: number;
  /**
   * Seconds from this tick until converged at the recent rate; null when stalled or unknown (never invented).
   * Counted from when the progress was observed, then aged to the tick: `etaDeadlineMillis − derivedAtMillis`.
   */
  etaSeconds: number | null;
  /**
   * When every member is expected to be converged (epoch ms): the observation time of the progress plus
   * the ETA from then. Unlike `etaSeconds` it does not age. Null when there is no ETA or nothing left to wait for.
   */
  etaDeadlineMillis: number | null;
  /** Seconds since the open episode started; 0 when there is none. */
  elapsedSeconds: number;
  rtoSeconds: number;
  members: MemberState[];
  /** The member currently used as reference, if any. */
  leader: string | null;
  /** Whether a leader is up and serving. */
  leaderServing: boolean;
  divergenceRatio: number;
  maxLagSeconds: number | null;
  maxLagBytes: number | null;
  /** Members whose permission fingerprint matches the reference ÷ members with one; null when none has one. */
  permissionConsistency: number | null;
  driftedMembers: string[];
  independence: IndependenceSignal;
  hiddenInstability: boolean;
  /** Members becoming converged minus members leaving converged, per minute, over a recent window. */
  netStabilizationPerMinute: number;
  /** New leader's load ÷ old leader's load before the episode; null without a failover or load data. */
  failoverLoadRatio: number | null;
  /** What is wrong and what to do, most urgent first (docs/recovery-model.md, "Diagnosis"); empty when nothing is. */
  findings: Finding[];
  /** Id of the open episode, or null. */
  episodeId: string | null;
  /** The open episode started inside a maintenance window (`recovery_group_episode_planned`). */
  episodePlanned: boolean;
  /** The tick time this state was derived at (epoch ms). */
  derivedAtMillis: number;
}

/** A recovery episode (DESIGN.md §2.3, JSON API contract). Times are epoch ms here; the API renders RFC 3339. */
export interface Episode {
  id: string;
  group: string;
  startMillis: number;
  endMillis: number | null;
  /** Start → moment all members converged (hold-down excluded); null while open or before convergence. */
  durationSeconds: number | null;
  worstPhase: Phase;
  phases: { phase: Phase; atMillis: number }[];
  membersAffected: string[];
  peakLagSeconds: number | null;
  permissionDriftSeen: boolean;
  hiddenInstabilitySeen: boolean;
  /** When all members converged (hold-down running); null otherwise. Kept so a restart resumes hold-down. */
  convergedAtMillis: number | null;
  rtoSeconds: number;
  /**
   * Started inside a maintenance window (API or config): recorded and shown like any other,
   * but kept out of the recovery SLO. Absent on episodes stored before this existed (unplanned).
   */
  planned?: boolean;
  /** The window's reason, when planned. */
  maintenanceReason?: string;
}

/**
 * The recovery SLO's verdict on an episode: converged within the RTO in force
 * when it ran. Judged once, when the episode completes; null while it has no duration.
 */
export function isWithinRto(episode: Pick<Episode, 'durationSeconds' | 'rtoSeconds'>): boolean | null {
  return episode.durationSeconds === null ? null : episode.durationSeconds <= episode.rtoSeconds;
}
