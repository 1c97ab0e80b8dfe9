/**
 * The reference the cached exposition is checked against: the same states put
 * into a fresh prom-client registry the plain way (every series set, every tick,
 * nothing cached). Test-only.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isWithinRto, type Episode, type GroupState } from '../../../model/group-state';
import { etaSecondsAt } from '../../../model/eta';
import { MEMBER_STATUSES, PHASES } from '../../../model/types';
import { METRICS, RECOVERY_DURATION_BUCKETS_SECONDS, type MetricDefinition, type MetricKey } from '../../metric-definitions';
import { exportedPermissionDifferences } from '../../permission-difference-series';

export interface ReferenceInput {
  /** Groups declared (counters and histogram at zero), in any order. */
  declared: readonly string[];
  episodes: readonly Pick<Episode, 'group' | 'durationSeconds' | 'rtoSeconds' | 'planned'>[];
  /** Blips (non-healthy runs shorter than the onset delay), one entry per blip, by group. */
  blips?: readonly string[];
  states: readonly GroupState[];
  sources: ReadonlyMap<string, boolean>;
  storeUp: boolean;
  /** `recovery_collector_active`; 1 when absent. */
  collectorActive?: boolean;
  nowMillis: number;
}

export function promClientRegistry(input: ReferenceInput): Registry {
  const registry = new Registry();
  const gauge = (key: MetricKey) => {
    const d: MetricDefinition = METRICS[key];
    return new Gauge({ name: d.name, help: d.help, labelNames: d.labels, registers: [registry] });
  };
  const g = Object.fromEntries((Object.keys(METRICS) as MetricKey[]).filter((k) => METRICS[k].type === 'gauge').map((k) => [k, gauge(k)])) as Record<
    MetricKey,
    Gauge<string>
  >;
  const duration = new Histogram({
    name: METRICS.duration.name,
    help: METRICS.duration.help,
    labelNames: METRICS.duration.labels,
    buckets: [...RECOVERY_DURATION_BUCKETS_SECONDS],
    registers: [registry],
  });
  const counter = (d: MetricDefinition) => new Counter({ name: d.name, help: d.help, labelNames: d.labels, registers: [registry] });
  const episodes = counter(METRICS.episodes);
  const within = counter(METRICS.episodesWithinRto);
  const planned = counter(METRICS.plannedEpisodes);
  const blips = counter(METRICS.blips);
  for (const group of input.declared) {
    duration.zero({ group });
    episodes.inc({ group }, 0);
    within.inc({ group }, 0);
    planned.inc({ group }, 0);
    blips.inc({ group }, 0);
  }
  for (const group of input.blips ?? []) blips.inc({ group });
  for (const e of input.episodes) {
    if (e.planned === true) {
      planned.inc({ group: e.group });
      continue;
    }
    episodes.inc({ group: e.group });
    if (e.durationSeconds === null) continue;
    duration.observe({ group: e.group }, e.durationSeconds);
    if (isWithinRto(e) === true) within.inc({ group: e.group });
  }
  const setIfKnown = (gauge: Gauge<string>, labels: Record<string, string>, value: number | null) => {
    if (value !== null) gauge.set(labels, value);
  };
  for (const s of input.states) {
    const group = { group: s.name };
    for (const phase of PHASES) g.groupPhase.set({ ...group, phase }, phase === s.phase ? 1 : 0);
    g.groupProgress.set(group, s.progress);
    setIfKnown(g.groupEta, group, etaSecondsAt(s, input.nowMillis));
    setIfKnown(g.groupEtaTimestamp, group, s.etaDeadlineMillis === null ? null : s.etaDeadlineMillis / 1000);
    g.groupElapsed.set(group, s.elapsedSeconds);
    g.groupEpisodePlanned.set(group, s.episodePlanned ? 1 : 0);
    for (const f of s.findings) g.groupFinding.set({ ...group, cause: f.cause }, 1);
    g.groupRto.set(group, s.rtoSeconds);
    g.groupDivergence.set(group, s.divergenceRatio);
    setIfKnown(g.groupPermissionConsistency, group, s.permissionConsistency);
    setIfKnown(g.groupIndependence, group, s.independence.ratio);
    setIfKnown(g.groupEffectivePaths, group, s.independence.effectivePaths);
    for (const d of s.independence.sharedDomains) g.groupSharedDependency.set({ ...group, dimension: d.dimension, value: d.value }, 1);
    g.groupHiddenInstability.set(group, s.hiddenInstability ? 1 : 0);
    g.groupNetStabilization.set(group, s.netStabilizationPerMinute);
    setIfKnown(g.groupFailoverLoad, group, s.failoverLoadRatio);
    for (const status of MEMBER_STATUSES) g.groupMembers.set({ ...group, status }, s.members.filter((m) => m.status === status).length);
    const sinceTickSeconds = Math.max(0, (input.nowMillis - s.derivedAtMillis) / 1000);
    for (const m of s.members) {
      const labels = { ...group, member: m.member };
      for (const status of MEMBER_STATUSES) g.memberStatus.set({ ...labels, status }, status === m.status ? 1 : 0);
      setIfKnown(g.memberLagSeconds, labels, m.lagSeconds);
      setIfKnown(g.memberLagBytes, labels, m.lagBytes);
      g.memberPermissionDrift.set(labels, m.permissionDrift ? 1 : 0);
      g.memberRole.set({ ...labels, role: m.role }, 1);
      for (const [dimension, value] of Object.entries(m.dependencies)) g.memberFailureDomain.set({ ...labels, dimension, value }, 1);
      for (const d of exportedPermissionDifferences(m)) g.memberPermissionDifference.set({ ...labels, change: d.change, entry: d.subject }, 1);
      g.memberObservationAge.set(labels, m.observationAgeSeconds === null ? Infinity : m.observationAgeSeconds + sinceTickSeconds);
    }
  }
  for (const [source, up] of input.sources) g.sourceUp.set({ source }, up ? 1 : 0);
  g.storeUp.set(input.storeUp ? 1 : 0);
  g.collectorActive.set(input.collectorActive === false ? 0 : 1);
  return registry;
}
