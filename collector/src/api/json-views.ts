import type { EpisodeView, GroupView } from '@rebound/contract';
import { etaSecondsAt } from '../model/eta';
import { isWithinRto, type Episode, type GroupState } from '../model/group-state';
import { holdDownSeconds, timeInPhaseSeconds } from '../model/time-in-phase';

/** `GET /api/v1/groups` entry (DESIGN.md §4, contract field names); the ETA and observation ages as of the request (`nowMillis`). */
export function groupView(state: GroupState, nowMillis: number = Date.now()): GroupView {
  const eta = etaSecondsAt(state, nowMillis);
  // Ages move on after the state was derived (a group with nothing new is not derived every tick): aged to the request.
  const sinceDerivedSeconds = Math.max(0, (nowMillis - state.derivedAtMillis) / 1000);
  return {
    name: state.name,
    phase: state.phase,
    progress: round(state.progress),
    eta_seconds: eta === null ? null : round(eta),
    // The expected completion (RFC 3339): it does not age, so a cached or late read stays right.
    eta_at: state.etaDeadlineMillis === null ? null : new Date(state.etaDeadlineMillis).toISOString(),
    elapsed_seconds: round(state.elapsedSeconds),
    rto_seconds: state.rtoSeconds,
    leader: state.leader,
    episode_id: state.episodeId,
    episode_planned: state.episodePlanned,
    members: state.members.map((m) => ({
      member: m.member,
      role: m.role,
      status: m.status,
      reason: m.reason,
      lag_seconds: m.lagSeconds,
      lag_bytes: m.lagBytes,
      permission_drift: m.permissionDrift,
      observation_age_seconds: m.observationAgeSeconds === null ? null : round(m.observationAgeSeconds + sinceDerivedSeconds),
      permissions_age_seconds: m.permissionsAgeSeconds === null ? null : round(m.permissionsAgeSeconds + sinceDerivedSeconds),
      dependencies: m.dependencies,
    })),
    // Most urgent first; the cause is from a fixed vocabulary (docs/recovery-model.md, "Diagnosis").
    findings: state.findings.map((f) => ({
      cause: f.cause,
      summary: f.summary,
      action: f.action,
      members: f.members,
      since: new Date(f.sinceMillis).toISOString(),
    })),
    signals: {
      divergence_ratio: round(state.divergenceRatio),
      max_lag_seconds: state.maxLagSeconds,
      max_lag_bytes: state.maxLagBytes,
      permission_consistency_ratio: state.permissionConsistency === null ? null : round(state.permissionConsistency),
      permission_drifted_members: state.driftedMembers,
      // No member has a permission fingerprint (e.g. a group read through exporters): say so, never "100 % consistent".
      permissions: state.permissionConsistency === null ? 'not observed' : state.driftedMembers.length > 0 ? 'drift' : 'consistent',
      independence_ratio: state.independence.ratio === null ? null : round(state.independence.ratio),
      effective_paths: state.independence.effectivePaths,
      dependency_dimensions: state.independence.dimensions.map((d) => ({ dimension: d.dimension, distinct_values: d.distinctValues })),
      shared_failure_domains: state.independence.sharedDomains,
      hidden_instability: state.hiddenInstability,
      leader_serving: state.leaderServing,
      net_stabilization_per_minute: round(state.netStabilizationPerMinute),
      failover_load_ratio: state.failoverLoadRatio === null ? null : round(state.failoverLoadRatio),
    },
  };
}

/**
 * `GET /api/v1/episodes` entry (contract field names; times RFC 3339 UTC). `time_in_phase_seconds`
 * runs to `nowMillis` for an open episode (the current phase's time so far).
 */
export function episodeView(episode: Episode, nowMillis: number = Date.now()): EpisodeView {
  return {
    id: episode.id,
    group: episode.group,
    start: new Date(episode.startMillis).toISOString(),
    end: episode.endMillis === null ? null : new Date(episode.endMillis).toISOString(),
    duration_seconds: episode.durationSeconds,
    rto_seconds: episode.rtoSeconds,
    within_rto: isWithinRto(episode),
    worst_phase: episode.worstPhase,
    phases: episode.phases.map((p) => ({ phase: p.phase, at: new Date(p.atMillis).toISOString() })),
    time_in_phase_seconds: roundValues(timeInPhaseSeconds(episode, nowMillis)),
    hold_down_seconds: round(holdDownSeconds(episode)),
    planned: episode.planned === true,
    maintenance_reason: episode.maintenanceReason ?? null,
    members_affected: episode.membersAffected,
    peak_lag_seconds: episode.peakLagSeconds,
    permission_drift_seen: episode.permissionDriftSeen,
    hidden_instability_seen: episode.hiddenInstabilitySeen,
    converged_at: episode.convergedAtMillis === null ? null : new Date(episode.convergedAtMillis).toISOString(),
  };
}

function roundValues<K extends string>(values: Partial<Record<K, number>>): Partial<Record<K, number>> {
  const rounded: Partial<Record<K, number>> = {};
  for (const key of Object.keys(values) as K[]) rounded[key] = round(values[key]!);
  return rounded;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
