import type { GroupState } from '../../model/group-state';
import { etaSecondsAt } from '../../model/eta';
import { MEMBER_STATUSES, PHASES } from '../../model/types';
import type { MetricKey } from '../metric-definitions';
import { exportedPermissionDifferences } from '../permission-difference-series';

/** The gauges read from the snapshot at each export (the histogram and counter are recorded, not read). */
export type GaugeKey = Exclude<MetricKey, 'duration' | 'episodes' | 'episodesWithinRto' | 'plannedEpisodes' | 'blips'>;

export type Attributes = Record<string, string>;

/**
 * Walk every gauge data point the snapshot implies, calling `emit` for each.
 * Unknown values (null) emit nothing: an absent series, never a made-up
 * number. Same values and attributes as the Prometheus exporter, except that a
 * never-observed member's observation age is absent here (OTLP/JSON cannot
 * carry +Inf).
 */
export function forEachGaugePoint(
  states: readonly GroupState[],
  sources: ReadonlyMap<string, boolean>,
  nowMillis: number,
  emit: (key: GaugeKey, value: number, attributes: Attributes) => void,
): void {
  for (const state of states) {
    const group = { group: state.name };
    for (const phase of PHASES) emit('groupPhase', phase === state.phase ? 1 : 0, { group: state.name, phase });
    emit('groupProgress', state.progress, group);
    const eta = etaSecondsAt(state, nowMillis);
    if (eta !== null) emit('groupEta', eta, group);
    if (state.etaDeadlineMillis !== null) emit('groupEtaTimestamp', state.etaDeadlineMillis / 1000, group);
    emit('groupElapsed', state.elapsedSeconds, group);
    emit('groupEpisodePlanned', state.episodePlanned ? 1 : 0, group);
    for (const finding of state.findings) emit('groupFinding', 1, { group: state.name, cause: finding.cause });
    emit('groupRto', state.rtoSeconds, group);
    emit('groupDivergence', state.divergenceRatio, group);
    if (state.permissionConsistency !== null) emit('groupPermissionConsistency', state.permissionConsistency, group);
    if (state.independence.ratio !== null) emit('groupIndependence', state.independence.ratio, group);
    if (state.independence.effectivePaths !== null) emit('groupEffectivePaths', state.independence.effectivePaths, group);
    for (const domain of state.independence.sharedDomains) {
      emit('groupSharedDependency', 1, { group: state.name, dimension: domain.dimension, value: domain.value });
    }
    emit('groupHiddenInstability', state.hiddenInstability ? 1 : 0, group);
    emit('groupNetStabilization', state.netStabilizationPerMinute, group);
    if (state.failoverLoadRatio !== null) emit('groupFailoverLoad', state.failoverLoadRatio, group);

    const counts = new Map<string, number>(MEMBER_STATUSES.map((status) => [status, 0]));
    // Ages move on between ticks; add the time since the state was derived so a late export is not flattering.
    const sinceTickSeconds = Math.max(0, (nowMillis - state.derivedAtMillis) / 1000);
    for (const member of state.members) {
      counts.set(member.status, counts.get(member.status)! + 1);
      const labels = { group: state.name, member: member.member };
      for (const status of MEMBER_STATUSES) emit('memberStatus', status === member.status ? 1 : 0, { ...labels, status });
      if (member.lagSeconds !== null) emit('memberLagSeconds', member.lagSeconds, labels);
      if (member.lagBytes !== null) emit('memberLagBytes', member.lagBytes, labels);
      emit('memberPermissionDrift', member.permissionDrift ? 1 : 0, labels);
      emit('memberRole', 1, { ...labels, role: member.role });
      for (const dimension in member.dependencies) emit('memberFailureDomain', 1, { ...labels, dimension, value: member.dependencies[dimension]! });
      for (const d of exportedPermissionDifferences(member)) emit('memberPermissionDifference', 1, { ...labels, change: d.change, entry: d.subject });
      if (member.observationAgeSeconds !== null) emit('memberObservationAge', member.observationAgeSeconds + sinceTickSeconds, labels);
    }
    for (const [status, count] of counts) emit('groupMembers', count, { group: state.name, status });
  }
  for (const [source, up] of sources) emit('sourceUp', up ? 1 : 0, { source });
}
