import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isWithinRto, type Episode, type GroupState, type MemberState } from '../../model/group-state';
import { MEMBER_STATUSES, PHASES } from '../../model/types';
import { METRICS, RECOVERY_DURATION_BUCKETS_SECONDS, type MetricDefinition } from '../metric-definitions';
import { etaSecondsAt } from '../../model/eta';

type Labels<T extends string> = Partial<Record<T, string | number>>;

/**
 * Keeps prom-client's registry in step with the derived state. `update()` runs
 * after every tick and only touches series whose value changed (a 100k-member
 * fleet changes little between ticks), so a scrape costs what serializing a
 * bare registry costs. Observation ages change every tick for every member, so
 * they are filled at scrape time instead.
 */
export class PrometheusExporter {
  readonly registry: Registry;
  private readonly gauges: Record<Exclude<keyof typeof METRICS, 'duration' | 'episodes' | 'episodesWithinRto' | 'plannedEpisodes' | 'blips'>, Gauge<string>>;
  private readonly duration: Histogram<string>;
  private readonly episodes: Counter<string>;
  private readonly episodesWithinRto: Counter<string>;
  private readonly plannedEpisodes: Counter<string>;
  private readonly blips: Counter<string>;
  private readonly previous = new Map<string, GroupState>();
  private readonly sharedSeries = new Map<string, string[]>();
  private readonly sources = new Set<string>();
  private latest: readonly GroupState[] = [];

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const gauge = (d: MetricDefinition, collect?: () => void) =>
      new Gauge({ name: d.name, help: d.help, labelNames: d.labels, registers: [registry], ...(collect ? { collect } : {}) });
    const m = METRICS;
    this.gauges = {
      groupPhase: gauge(m.groupPhase),
      groupProgress: gauge(m.groupProgress),
      groupEta: gauge(m.groupEta, () => this.collectEtas()),
      groupEtaTimestamp: gauge(m.groupEtaTimestamp),
      groupElapsed: gauge(m.groupElapsed),
      groupEpisodePlanned: gauge(m.groupEpisodePlanned),
      groupFinding: gauge(m.groupFinding),
      groupRto: gauge(m.groupRto),
      groupMembers: gauge(m.groupMembers),
      memberStatus: gauge(m.memberStatus),
      memberLagSeconds: gauge(m.memberLagSeconds),
      memberLagBytes: gauge(m.memberLagBytes),
      groupDivergence: gauge(m.groupDivergence),
      groupPermissionConsistency: gauge(m.groupPermissionConsistency),
      memberPermissionDrift: gauge(m.memberPermissionDrift),
      groupIndependence: gauge(m.groupIndependence),
      groupEffectivePaths: gauge(m.groupEffectivePaths),
      groupSharedDependency: gauge(m.groupSharedDependency),
      groupHiddenInstability: gauge(m.groupHiddenInstability),
      groupNetStabilization: gauge(m.groupNetStabilization),
      groupFailoverLoad: gauge(m.groupFailoverLoad),
      memberObservationAge: gauge(m.memberObservationAge, () => this.collectObservationAges()),
      sourceUp: gauge(m.sourceUp),
      storeUp: gauge(m.storeUp),
    };
    this.duration = new Histogram({
      name: m.duration.name, help: m.duration.help, labelNames: m.duration.labels,
      buckets: [...RECOVERY_DURATION_BUCKETS_SECONDS], registers: [registry],
    });
    const counter = (d: MetricDefinition) => new Counter({ name: d.name, help: d.help, labelNames: d.labels, registers: [registry] });
    this.episodes = counter(m.episodes);
    this.episodesWithinRto = counter(m.episodesWithinRto);
    this.plannedEpisodes = counter(m.plannedEpisodes);
    this.blips = counter(m.blips);
  }

  /**
   * Start a group's episode counters and histogram at zero, so Prometheus sees
   * the group's first-ever episode as an increase (the SLO counts it).
   */
  declareGroup(group: string): void {
    this.duration.zero({ group });
    this.episodes.inc({ group }, 0);
    this.episodesWithinRto.inc({ group }, 0);
    this.plannedEpisodes.inc({ group }, 0);
    this.blips.inc({ group }, 0);
  }

  /** A non-healthy run that ended within the onset delay (no episode). */
  recordBlip(group: string): void {
    this.blips.inc({ group });
  }

  /**
   * Count a completed episode in the histogram and the counters. It is judged
   * once, here, against the RTO it ran under, so raising an RTO later does not
   * rewrite the SLO's past. Counters start at zero in every process (plain
   * Prometheus counter semantics: `increase()` handles the reset); replaying the
   * store into them made a collector started on an older store copy look like a
   * counter reset followed by new episodes.
   */
  recordEpisode(episode: Pick<Episode, 'group' | 'durationSeconds' | 'rtoSeconds' | 'planned'>): void {
    // Planned maintenance is kept out of the SLO's counters and duration histogram.
    if (episode.planned === true) return void this.plannedEpisodes.inc({ group: episode.group });
    this.episodes.inc({ group: episode.group });
    if (episode.durationSeconds === null) return;
    this.duration.observe({ group: episode.group }, episode.durationSeconds);
    if (isWithinRto(episode) === true) this.episodesWithinRto.inc({ group: episode.group });
  }

  /** Bring the series in line with this tick's states. */
  update(states: readonly GroupState[], sources: ReadonlyMap<string, boolean>): void {
    this.latest = states;
    for (const state of states) {
      const before = this.previous.get(state.name);
      this.updateGroup(state, before);
      this.updateMembers(state, before);
      this.previous.set(state.name, state);
    }
    for (const [source, up] of sources) {
      this.gauges.sourceUp.set({ source }, up ? 1 : 0);
      this.sources.add(source);
    }
  }

  /** `recovery_store_up`: whether the episode store accepts writes. */
  storeUp(up: boolean): void {
    this.gauges.storeUp.set(up ? 1 : 0);
  }

  /** Prometheus text exposition of everything. */
  async metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  private updateGroup(state: GroupState, before: GroupState | undefined): void {
    const g = this.gauges;
    const group = { group: state.name };
    if (before?.phase !== state.phase) for (const phase of PHASES) g.groupPhase.set({ group: state.name, phase }, phase === state.phase ? 1 : 0);
    setIfChanged(g.groupProgress, group, state.progress, before?.progress);
    setOrRemove(g.groupEtaTimestamp, group, state.etaDeadlineMillis === null ? null : state.etaDeadlineMillis / 1000, before?.etaDeadlineMillis === undefined ? undefined : before.etaDeadlineMillis === null ? null : before.etaDeadlineMillis / 1000);
    setIfChanged(g.groupElapsed, group, state.elapsedSeconds, before?.elapsedSeconds);
    setIfChanged(g.groupEpisodePlanned, group, state.episodePlanned ? 1 : 0, before === undefined ? undefined : before.episodePlanned ? 1 : 0);
    setIfChanged(g.groupRto, group, state.rtoSeconds, before?.rtoSeconds);
    setIfChanged(g.groupDivergence, group, state.divergenceRatio, before?.divergenceRatio);
    setOrRemove(g.groupPermissionConsistency, group, state.permissionConsistency, before === undefined ? undefined : before.permissionConsistency);
    setOrRemove(g.groupIndependence, group, state.independence.ratio, before?.independence.ratio);
    setOrRemove(g.groupEffectivePaths, group, state.independence.effectivePaths, before?.independence.effectivePaths);
    setIfChanged(g.groupHiddenInstability, group, state.hiddenInstability ? 1 : 0, before === undefined ? undefined : before.hiddenInstability ? 1 : 0);
    setIfChanged(g.groupNetStabilization, group, state.netStabilizationPerMinute, before?.netStabilizationPerMinute);
    setOrRemove(g.groupFailoverLoad, group, state.failoverLoadRatio, before === undefined ? undefined : before.failoverLoadRatio);
    this.updateSharedDependencies(state);
    this.updateFindings(state, before);
  }

  /** One series per cause present; a cause that went away loses its series. */
  private updateFindings(state: GroupState, before: GroupState | undefined): void {
    const old = before?.findings ?? [];
    if (old === state.findings) return;
    const now = new Set(state.findings.map((f) => f.cause));
    for (const f of old) if (!now.has(f.cause)) this.gauges.groupFinding.remove({ group: state.name, cause: f.cause });
    for (const cause of now) this.gauges.groupFinding.set({ group: state.name, cause }, 1);
  }

  private updateSharedDependencies(state: GroupState): void {
    const keys = state.independence.sharedDomains.map((d) => `${d.dimension}\u0000${d.value}`);
    const old = this.sharedSeries.get(state.name) ?? [];
    if (old.length === keys.length && old.every((k, i) => k === keys[i])) return;
    for (const key of old) {
      const [dimension, value] = key.split('\u0000');
      this.gauges.groupSharedDependency.remove({ group: state.name, dimension: dimension!, value: value! });
    }
    for (const domain of state.independence.sharedDomains) {
      this.gauges.groupSharedDependency.set({ group: state.name, dimension: domain.dimension, value: domain.value }, 1);
    }
    this.sharedSeries.set(state.name, keys);
  }

  private updateMembers(state: GroupState, before: GroupState | undefined): void {
    const g = this.gauges;
    const counts = new Map<string, number>(MEMBER_STATUSES.map((s) => [s, 0]));
    const sameLayout = before !== undefined && before.members.length === state.members.length;
    // Members only leave a group when retired (OTLP member_expiry); the common tick, same members in the same order, skips the search.
    let membersMoved = !sameLayout;
    for (let i = 0; i < state.members.length; i++) {
      const member = state.members[i]!;
      counts.set(member.status, counts.get(member.status)! + 1);
      let old: MemberState | undefined = sameLayout ? before.members[i] : undefined;
      if (old !== undefined && old.member !== member.member) {
        old = undefined;
        membersMoved = true;
      }
      if (old === undefined && before !== undefined && !sameLayout) old = before.members.find((m) => m.member === member.member);
      const labels = { group: state.name, member: member.member };
      if (old?.status !== member.status) {
        for (const status of MEMBER_STATUSES) g.memberStatus.set({ ...labels, status }, status === member.status ? 1 : 0);
      }
      setOrRemove(g.memberLagSeconds, labels, member.lagSeconds, old === undefined ? undefined : old.lagSeconds);
      setOrRemove(g.memberLagBytes, labels, member.lagBytes, old === undefined ? undefined : old.lagBytes);
      setIfChanged(g.memberPermissionDrift, labels, member.permissionDrift ? 1 : 0, old === undefined ? undefined : old.permissionDrift ? 1 : 0);
    }
    if (before !== undefined && membersMoved) this.removeGoneMembers(state, before);
    const oldCounts = before === undefined ? undefined : countByStatus(before);
    for (const [status, count] of counts) setIfChanged(g.groupMembers, { group: state.name, status }, count, oldCounts?.get(status));
  }

  /** A member no longer in the group loses every series it had: a retired member must not linger as a frozen value. */
  private removeGoneMembers(state: GroupState, before: GroupState): void {
    const g = this.gauges;
    const present = new Set(state.members.map((m) => m.member));
    for (const { member } of before.members) {
      if (present.has(member)) continue;
      const labels = { group: state.name, member };
      for (const status of MEMBER_STATUSES) g.memberStatus.remove({ ...labels, status });
      g.memberLagSeconds.remove(labels);
      g.memberLagBytes.remove(labels);
      g.memberPermissionDrift.remove(labels);
      g.memberObservationAge.remove(labels);
    }
  }

  /**
   * The ETA is the deadline minus the scrape's now: read a tick (or a scrape
   * interval) late it still says what is left, instead of the tick's figure.
   */
  private collectEtas(): void {
    const gauge = this.gauges.groupEta;
    const nowMillis = Date.now();
    for (const state of this.latest) {
      const eta = etaSecondsAt(state, nowMillis);
      if (eta === null) gauge.remove({ group: state.name });
      else gauge.set({ group: state.name }, eta);
    }
  }

  private collectObservationAges(): void {
    const gauge = this.gauges.memberObservationAge;
    const nowMillis = Date.now();
    for (const state of this.latest) {
      // Ages move on between ticks; add the time since the state was derived so a slow scrape isn't flattering.
      const sinceTickSeconds = Math.max(0, (nowMillis - state.derivedAtMillis) / 1000);
      for (const member of state.members) {
        const age = member.observationAgeSeconds === null ? Infinity : member.observationAgeSeconds + sinceTickSeconds;
        gauge.set({ group: state.name, member: member.member }, age);
      }
    }
  }
}

function countByStatus(state: GroupState): Map<string, number> {
  const counts = new Map<string, number>(MEMBER_STATUSES.map((s) => [s, 0]));
  for (const m of state.members) counts.set(m.status, counts.get(m.status)! + 1);
  return counts;
}

function setIfChanged<T extends string>(gauge: Gauge<T>, labels: Labels<T>, value: number, old: number | undefined): void {
  if (old === value) return;
  gauge.set(labels, value);
}

/** Absent means unknown: a null value removes the series rather than exporting a made-up number. */
function setOrRemove<T extends string>(gauge: Gauge<T>, labels: Labels<T>, value: number | null, old: number | null | undefined): void {
  if (old === value) return;
  if (value === null) gauge.remove(labels);
  else gauge.set(labels, value);
}

