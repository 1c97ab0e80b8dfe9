import { Labels } from '@grafana/data';

import { FINDING_CAUSES, FindingCause, MEMBER_STATUS_RANK, MemberStatus, METRICS, Phase, isFindingCause, isMemberStatus, isPhase, phaseRank } from './contract';
import { lagHistory, phaseHistory } from './history';
import { MemberDetails, addMemberDetails } from './member-details';
import { Series } from './series';

/** Role, failure-domain values and permission differences: see member-details.ts. */
export interface MemberModel extends MemberDetails {
  member: string;
  status: MemberStatus;
  lagSeconds?: number;
  /** Bytes behind the leader, where the source reports bytes. */
  lagBytes?: number;
  permissionDrift: boolean;
  observationAgeSeconds?: number;
}

export interface SharedDomain {
  dimension: string;
  value: string;
}

export interface PhaseSegment {
  /** `nodata`: no phase sample covers this stretch (scrape gap or collector down). */
  phase: Phase | 'nodata';
  fromMs: number;
  toMs: number;
}

export interface LagPoint {
  timeMs: number;
  /** Largest member lag at that instant. */
  lagSeconds: number;
}

export interface GroupModel {
  group: string;
  /** The collector's phase at the newest sample; `unknown` when there is no phase series. */
  phase: Phase;
  /** The newest phase sample is older than the stale threshold: the phase is history, not now. */
  stale: boolean;
  /** Time of the newest phase sample (epoch ms), absent without phase series. */
  lastSampleMs?: number;
  progressRatio?: number;
  /**
   * Seconds left as of the panel's now: the collector's expected completion time minus now (it does not
   * age between scrapes), else — from a collector without it — the newest `recovery_group_eta_seconds`.
   */
  etaSeconds?: number;
  elapsedSeconds?: number;
  rtoSeconds?: number;
  divergenceRatio?: number;
  independenceRatio?: number;
  effectivePaths?: number;
  hiddenInstability: boolean;
  /** Diagnosis causes present now (`recovery_group_finding`), most urgent first. */
  findings: FindingCause[];
  /** The open episode started inside a maintenance window (`recovery_group_episode_planned`). */
  planned: boolean;
  /** New leader's load ÷ the old leader's before the failover, when the collector reports it. */
  failoverLoadRatio?: number;
  /**
   * False when the queries carry permission consistency (some group has the ratio) but this
   * group has none: no member has a permission fingerprint (e.g. it is read through exporters),
   * so its permissions are not observed — never "consistent". Undefined when nothing says.
   */
  permissionsObserved?: boolean;
  members: MemberModel[];
  /** Member counts by status from `recovery_group_members`, or counted from member series. */
  memberCounts: Partial<Record<MemberStatus, number>>;
  sharedDomains: SharedDomain[];
  /**
   * History over the time range, computed on first read and kept: only the cards in view draw
   * it, and across 500 groups it is most of the model's work (every sample, not just the newest).
   */
  readonly lagHistory: LagPoint[];
  readonly phaseHistory: PhaseSegment[];
  /** Each member's own lag over the time range (the drill-down's sparklines), computed on first read. */
  readonly memberLagHistory: ReadonlyMap<string, LagPoint[]>;
}

export interface GroupModelSettings {
  groupLabel: string;
  memberLabel: string;
  rtoOverrideSeconds: number;
  staleAfterSeconds: number;
  /** End of the panel's time range (epoch ms): "now" for staleness. */
  nowMs: number;
}

/** Series (already read from frames) → one model per group, unsorted. */
export function buildGroups(series: Series[], settings: GroupModelSettings): GroupModel[] {
  const byGroup = new Map<string, Series[]>();
  for (const s of series) {
    const group = s.labels[settings.groupLabel];
    if (group === undefined || group === '') {
      continue;
    }
    let list = byGroup.get(group);
    if (!list) {
      byGroup.set(group, (list = []));
    }
    list.push(s);
  }
  const groups = Array.from(byGroup, ([group, list]) => buildGroup(group, list, settings));
  // Absent for a group means "not observed" only if the queries ask for it: some group has it.
  const consistencyQueried = series.some((s) => s.metric === METRICS.permissionConsistency);
  if (consistencyQueried) {
    for (const g of groups) {
      const ratio = byGroup.get(g.group)?.some((s) => s.metric === METRICS.permissionConsistency && s.values.some((v) => v !== null && Number.isFinite(v)));
      g.permissionsObserved = ratio === true;
    }
  }
  return groups;
}

function buildGroup(group: string, all: Series[], settings: GroupModelSettings): GroupModel {
  const byMetric = new Map<string, Series[]>();
  for (const s of all) {
    const list = byMetric.get(s.metric);
    if (list) {
      list.push(s);
    } else {
      byMetric.set(s.metric, [s]);
    }
  }
  const of = (key: keyof typeof METRICS) => byMetric.get(METRICS[key]) ?? [];
  const phaseSeries = of('phase');
  const newestMs = newestTime(phaseSeries);
  let stepMs = 0;
  for (const s of phaseSeries) {
    stepMs = Math.max(stepMs, s.stepMs ?? 0);
  }
  const staleMs = Math.max(settings.staleAfterSeconds * 1000, 2 * stepMs);
  const stale = newestMs === undefined ? false : newestMs < settings.nowMs - staleMs;
  // A series that ended well before the newest phase sample belongs to a collector that went away
  // (duplicated labels from an old instance): it must not speak for the present.
  const cutoffMs = (newestMs ?? settings.nowMs) - Math.max(stepMs, 1000) * 1.5;
  const current = (key: keyof typeof METRICS) => freshValues(of(key), cutoffMs);

  const rto = settings.rtoOverrideSeconds > 0 ? settings.rtoOverrideSeconds : first(current('rto'));
  const members = buildMembers(of, settings.memberLabel, cutoffMs);
  const shared = sharedDomains(of('sharedDependency'), cutoffMs);
  addMemberDetails(members, of, settings.memberLabel, cutoffMs, shared);
  const summary: GroupSummary = {
    group,
    phase: currentPhase(phaseSeries, cutoffMs),
    stale,
    lastSampleMs: newestMs,
    progressRatio: min(current('progress')),
    etaSeconds: etaAt(current('etaTimestamp'), current('eta'), settings.nowMs),
    elapsedSeconds: max(current('elapsed')),
    rtoSeconds: rto,
    divergenceRatio: max(current('divergence')),
    independenceRatio: min(current('independence')),
    effectivePaths: min(current('effectivePaths')),
    hiddenInstability: (max(current('hiddenInstability')) ?? 0) >= 1,
    findings: findings(of('finding'), cutoffMs),
    planned: (max(current('episodePlanned')) ?? 0) >= 1,
    failoverLoadRatio: max(current('failoverLoad')),
    members,
    memberCounts: memberCounts(of('members'), members, cutoffMs),
    sharedDomains: shared,
  };
  return withHistory(summary, phaseSeries, of('memberLag'), stepMs, settings.memberLabel);
}

type GroupSummary = Omit<GroupModel, 'lagHistory' | 'phaseHistory' | 'memberLagHistory'>;

/**
 * The lazily computed history, in its own scope: the getters keep only the two series
 * lists they read alive, not the group's index by metric (which would otherwise survive
 * young-generation collections for every group, most of this model's GC time).
 */
function withHistory(summary: GroupSummary, phaseSeries: Series[], lagSeries: Series[], stepMs: number, memberLabel: string): GroupModel {
  let lag: LagPoint[] | undefined;
  let phases: PhaseSegment[] | undefined;
  let byMember: Map<string, LagPoint[]> | undefined;
  return {
    ...summary,
    get lagHistory() {
      return (lag ??= lagHistory(lagSeries));
    },
    get phaseHistory() {
      return (phases ??= phaseHistory(phaseSeries, stepMs));
    },
    get memberLagHistory() {
      return (byMember ??= memberLagHistories(lagSeries, memberLabel));
    },
  };
}

function memberLagHistories(lagSeries: Series[], memberLabel: string): Map<string, LagPoint[]> {
  const byName = new Map<string, Series[]>();
  for (const s of lagSeries) {
    const name = s.labels[memberLabel];
    if (name) {
      const list = byName.get(name);
      if (list) {
        list.push(s);
      } else {
        byName.set(name, [s]);
      }
    }
  }
  const out = new Map<string, LagPoint[]>();
  for (const [name, list] of byName) {
    out.set(name, lagHistory(list));
  }
  return out;
}

/** Causes whose newest sample is fresh and 1, in the vocabulary's order (most urgent first). */
function findings(series: Series[], cutoffMs: number): FindingCause[] {
  if (series.length === 0) {
    return [];
  }
  const present = new Set<FindingCause>();
  for (const s of series) {
    const cause = s.labels.cause;
    if (freshLatest(s, cutoffMs) >= 1 && isFindingCause(cause)) {
      present.add(cause);
    }
  }
  return FINDING_CAUSES.filter((c) => present.has(c));
}

function currentPhase(phaseSeries: Series[], cutoffMs: number): Phase {
  let worst: Phase | undefined;
  for (const s of phaseSeries) {
    const phase = s.labels.phase;
    if (freshLatest(s, cutoffMs) !== 1 || !isPhase(phase)) {
      continue;
    }
    if (worst === undefined || phaseRank(phase) > phaseRank(worst)) {
      worst = phase;
    }
  }
  return worst ?? 'unknown';
}

/** The member series of one group → one model per member, by name. Reads the newest sample of each only. */
function buildMembers(of: (key: keyof typeof METRICS) => Series[], memberLabel: string, cutoffMs: number): MemberModel[] {
  const byName = new Map<string, MemberModel>();
  const member = (labels: Labels) => {
    const name = labels[memberLabel];
    if (!name) {
      return undefined;
    }
    let m = byName.get(name);
    if (!m) {
      byName.set(name, (m = { member: name, status: 'unknown', permissionDrift: false }));
    }
    return m;
  };
  for (const s of of('memberStatus')) {
    const m = member(s.labels);
    const status = s.labels.status;
    if (m && freshLatest(s, cutoffMs) === 1 && isMemberStatus(status)) {
      m.status = worseStatus(m.status, status);
    }
  }
  for (const s of of('memberLag')) {
    const m = member(s.labels);
    const v = freshLatest(s, cutoffMs);
    if (m && !Number.isNaN(v)) {
      m.lagSeconds = Math.max(m.lagSeconds ?? 0, v);
    }
  }
  for (const s of of('memberLagBytes')) {
    const m = member(s.labels);
    const v = freshLatest(s, cutoffMs);
    if (m && !Number.isNaN(v)) {
      m.lagBytes = Math.max(m.lagBytes ?? 0, v);
    }
  }
  for (const s of of('permissionDrift')) {
    const m = member(s.labels);
    if (m && freshLatest(s, cutoffMs) >= 1) {
      m.permissionDrift = true;
    }
  }
  for (const s of of('observationAge')) {
    const m = member(s.labels);
    const v = freshLatest(s, cutoffMs);
    if (m && !Number.isNaN(v)) {
      m.observationAgeSeconds = Math.max(m.observationAgeSeconds ?? 0, v);
    }
  }
  return Array.from(byName.values()).sort((a, b) => a.member.localeCompare(b.member));
}

/** The newest sample's value when it is not older than the cutoff; NaN otherwise (no allocation: 2,000 groups × 40 series). */
function freshLatest(s: Series, cutoffMs: number): number {
  const i = s.times.length - 1;
  return i < 0 || s.times[i] < cutoffMs ? NaN : (s.values[i] ?? NaN);
}

/** Two series claiming different statuses (duplicated labels): believe the worse one. */
function worseStatus(current: MemberStatus, claimed: MemberStatus): MemberStatus {
  // `unknown` is the placeholder before any status series was read, so any claim replaces it once.
  if (current === 'unknown') {
    return claimed;
  }
  return MEMBER_STATUS_RANK[claimed] > MEMBER_STATUS_RANK[current] ? claimed : current;
}

function memberCounts(countSeries: Series[], members: MemberModel[], cutoffMs: number): Partial<Record<MemberStatus, number>> {
  const counts: Partial<Record<MemberStatus, number>> = {};
  for (const s of countSeries) {
    const v = freshLatest(s, cutoffMs);
    const status = s.labels.status;
    if (!Number.isNaN(v) && isMemberStatus(status)) {
      counts[status] = Math.max(counts[status] ?? 0, v);
    }
  }
  if (Object.keys(counts).length > 0) {
    return counts;
  }
  for (const m of members) {
    counts[m.status] = (counts[m.status] ?? 0) + 1;
  }
  return counts;
}

function sharedDomains(series: Series[], cutoffMs: number): SharedDomain[] {
  const seen = new Map<string, SharedDomain>();
  for (const s of series) {
    const { dimension, value } = s.labels;
    if (freshLatest(s, cutoffMs) >= 1 && dimension && value !== undefined) {
      seen.set(`${dimension}\u0000${value}`, { dimension, value });
    }
  }
  return Array.from(seen.values()).sort((a, b) => a.dimension.localeCompare(b.dimension));
}

function newestTime(series: Series[]): number | undefined {
  let newest: number | undefined;
  for (const s of series) {
    const t = s.times[s.times.length - 1];
    if (t !== undefined && (newest === undefined || t > newest)) {
      newest = t;
    }
  }
  return newest;
}

/** The newest sample of each series, when it is fresh (not before the cutoff) and a number. */
function freshValues(series: Series[], cutoffMs: number): number[] {
  const out: number[] = [];
  for (const s of series) {
    const i = s.times.length - 1;
    const value = i < 0 || s.times[i] < cutoffMs ? NaN : (s.values[i] ?? NaN);
    if (!Number.isNaN(value)) {
      out.push(value);
    }
  }
  return out;
}

const first = (values: number[]) => values[0];
const min = (values: number[]) => (values.length ? Math.min(...values) : undefined);
/** The ETA as of `nowMs`: from the latest expected completion when there is one (several collectors: the later). */
function etaAt(deadlinesSeconds: number[], etas: number[], nowMs: number): number | undefined {
  const deadline = max(deadlinesSeconds);
  return deadline === undefined ? max(etas) : Math.max(0, deadline - nowMs / 1000);
}

const max = (values: number[]) => (values.length ? Math.max(...values) : undefined);
