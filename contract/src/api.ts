/**
 * The collector's JSON API (DESIGN.md §4, contract field names): `GET /api/v1/groups` answers
 * `{"groups": GroupView[]}`, `GET /api/v1/episodes[?group=G&limit=N]` answers
 * `{"episodes": EpisodeView[]}`, newest first. Times are RFC 3339 UTC strings; `null` means
 * "not known" (or "not yet", for an open episode), never zero. Apart from the paths, types only.
 */
import type { MemberStatus, Phase, Role } from './states';

/** The collector's HTTP endpoints on `listen.metrics`. */
export const API_PATHS = {
  /** Prometheus exposition (text 0.0.4 or OpenMetrics, optionally gzipped). */
  metrics: '/metrics',
  /** `{"groups": GroupView[]}`. */
  groups: '/api/v1/groups',
  /** `{"episodes": EpisodeView[]}`, newest first; `?group=G&limit=N`. */
  episodes: '/api/v1/episodes',
  /** Maintenance windows: GET lists, POST adds, DELETE removes (bearer token when `listen.auth` is set). */
  maintenance: '/api/v1/maintenance',
  /** `{"status": "ok", "groups": N}` once the collector serves. */
  health: '/healthz',
} as const;

/** `GroupView.members[]`. */
export interface MemberView {
  member: string;
  role: Role | null;
  status: MemberStatus;
  /** Why the member has this status, in words (null when converged). */
  reason: string | null;
  lag_seconds: number | null;
  lag_bytes: number | null;
  permission_drift: boolean;
  observation_age_seconds: number | null;
  /**
   * Age of the permission facts behind `permission_drift` (ACLs, roles, host-based auth) as of the
   * request: a probe reads them on their own cadence (`permissions_interval`, change signals), so
   * this can exceed `observation_age_seconds`. Null when the member's source reports none.
   */
  permissions_age_seconds: number | null;
  dependencies: Readonly<Record<string, string>>;
}

/** `GroupView.findings[]`: most urgent first; `cause` is from the fixed vocabulary of docs/recovery-model.md. */
export interface FindingView {
  cause: string;
  summary: string;
  action: string;
  members: readonly string[];
  since: string;
}

/** `GroupView.signals`. */
export interface SignalsView {
  divergence_ratio: number;
  max_lag_seconds: number | null;
  max_lag_bytes: number | null;
  permission_consistency_ratio: number | null;
  permission_drifted_members: readonly string[];
  /** `not observed` when no member has a permission fingerprint: never "100 % consistent". */
  permissions: 'not observed' | 'drift' | 'consistent';
  independence_ratio: number | null;
  effective_paths: number | null;
  dependency_dimensions: ReadonlyArray<{ dimension: string; distinct_values: number }>;
  shared_failure_domains: ReadonlyArray<{ dimension: string; value: string }>;
  hidden_instability: boolean;
  leader_serving: boolean;
  net_stabilization_per_minute: number;
  failover_load_ratio: number | null;
}

/** One entry of `GET /api/v1/groups`. */
export interface GroupView {
  name: string;
  phase: Phase;
  progress: number;
  /** As of the request; null when there is no ETA (stalled or unknown). */
  eta_seconds: number | null;
  /** The expected completion: it does not age, so a cached or late read stays right. */
  eta_at: string | null;
  elapsed_seconds: number;
  rto_seconds: number;
  leader: string | null;
  episode_id: string | null;
  episode_planned: boolean;
  members: MemberView[];
  findings: FindingView[];
  signals: SignalsView;
}

/** One entry of `GET /api/v1/episodes`. */
export interface EpisodeView {
  id: string;
  group: string;
  start: string;
  /** null while open. */
  end: string | null;
  /** null while open. */
  duration_seconds: number | null;
  rto_seconds: number;
  within_rto: boolean | null;
  worst_phase: Phase;
  phases: Array<{ phase: Phase; at: string }>;
  time_in_phase_seconds: Partial<Record<Phase, number>>;
  hold_down_seconds: number;
  planned: boolean;
  maintenance_reason: string | null;
  members_affected: readonly string[];
  peak_lag_seconds: number | null;
  permission_drift_seen: boolean;
  hidden_instability_seen: boolean;
  converged_at: string | null;
}
