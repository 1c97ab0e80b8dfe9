import { Labels } from '@grafana/data';

import { FINDING_CAUSES, FindingCause, MEMBER_STATUS_RANK, MemberStatus, METRICS, Phase, isFindingCause, isMemberStatus, isPhase, phaseRank } from './contract';
import { lagHistory, phaseHistory } from './history';
import { MemberDetails, addMemberDetails } from './member-details';
import { freshFirst, freshLatest, freshMax, freshMin, newestTime } from './newest-sample';
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

/** Series (already read from frames with `settings.groupLabel`) → one model per group, unsorted. */
export function buildGroups(series: Series[], settings: GroupModelSettings): GroupModel[] {
  const byGroup = new Map<string, Series[]>();
  // Absent for a group means "not observed" only if the queries ask for it: some group has it.
  let consistencyQueried = false;
  for (const s of series) {
    if (s.metric === METRICS.permissionConsistency) {
      consistencyQueried = true;
    }
    const group = s.group;
    if (group === undefined || group === '') {
      continue;
    }
    let list = byGroup.get(group);
    if (!list) {
      byGroup.set(group, (list = []));
    }
    list.push(s);
  }
  const groups: GroupModel[] = [];
  for (const [group, list] of byGroup) {
    groups.push(buildGroup(group, list, settings, consistencyQueried));
  }
  return groups;
}

function buildGroup(group: string, all: Series[], settings: GroupModelSettings, consistencyQueried: boolean): GroupModel {
  const byMetric = new Map<string, Series[]>();
  for (const s of all) {
    const list = byMetric.get(s.metric);
    if (list) {
      list.push(s);
    } else {
      byMetric.set(s.metric, [s]);
    }
  }
  const of = (key: keyof typeof METRICS) => byMetric.get(METRICS[key]) ?? NO_SERIES;
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

  const rto = settings.rtoOverrideSeconds > 0 ? settings.rtoOverrideSeconds : freshFirst(of('rto'), cutoffMs);
  const members = buildMembers(of, settings.memberLabel, cutoffMs);
  const shared = sharedDomains(of('sharedDependency'), cutoffMs);
  addMemberDetails(members, of, settings.memberLabel, cutoffMs, shared);
  const summary: GroupSummary = {
    group,
    phase: currentPhase(phaseSeries, cutoffMs),
    stale,
    lastSampleMs: newestMs,
    progressRatio: freshMin(of('progress'), cutoffMs),
    etaSeconds: etaAt(freshMax(of('etaTimestamp'), cutoffMs), freshMax(of('eta'), cutoffMs), settings.nowMs),
    elapsedSeconds: freshMax(of('elapsed'), cutoffMs),
    rtoSeconds: rto,
    divergenceRatio: freshMax(of('divergence'), cutoffMs),
    independenceRatio: freshMin(of('independence'), cutoffMs),
    effectivePaths: freshMin(of('effectivePaths'), cutoffMs),
    hiddenInstability: (freshMax(of('hiddenInstability'), cutoffMs) ?? 0) >= 1,
    findings: findings(of('finding'), cutoffMs),
    planned: (freshMax(of('episodePlanned'), cutoffMs) ?? 0) >= 1,
    failoverLoadRatio: freshMax(of('failoverLoad'), cutoffMs),
    permissionsObserved: consistencyQueried ? hasSomeNumber(of('permissionConsistency')) : undefined,
    members,
    memberCounts: memberCounts(of('members'), members, cutoffMs),
    sharedDomains: shared,
  };
  return new GroupWithHistory(summary, phaseSeries, of('memberLag'), stepMs, settings.memberLabel);
}

/** Shared by every group without series of a metric: never written to. */
const NO_SERIES: Series[] = [];

/** Some sample of the series, at any time in the range, is a number (not a gap, not NaN or ±Inf). */
function hasSomeNumber(series: readonly Series[]): boolean {
  for (const s of series) {
    for (const v of s.values) {
      if (v !== null && Number.isFinite(v)) {
        return true;
      }
    }
  }
  return false;
}

type GroupSummary = Omit<GroupModel, 'lagHistory' | 'phaseHistory' | 'memberLagHistory'>;

/**
 * A group's model, its history computed on first read and kept. A class, built field by field in
 * one order: the 2,000 groups of a fleet share one hidden class (the object literal spread with
 * getters that this replaced, then given `permissionsObserved`, went to V8's dictionary mode, and
 * every read of a group's field by sort and render was a hash lookup). The history keeps only the
 * two series lists it reads alive, not the group's index by metric (which would otherwise survive
 * young-generation collections for every group, most of this model's GC time).
 */
class GroupWithHistory implements GroupModel {
  readonly group: string;
  readonly phase: Phase;
  readonly stale: boolean;
  readonly lastSampleMs: number | undefined;
  readonly progressRatio: number | undefined;
  readonly etaSeconds: number | undefined;
  readonly elapsedSeconds: number | undefined;
  readonly rtoSeconds: number | undefined;
  readonly divergenceRatio: number | undefined;
  readonly independenceRatio: number | undefined;
  readonly effectivePaths: number | undefined;
  readonly hiddenInstability: boolean;
  readonly findings: FindingCause[];
  readonly planned: boolean;
  readonly failoverLoadRatio: number | undefined;
  readonly permissionsObserved: boolean | undefined;
  readonly members: MemberModel[];
  readonly memberCounts: Partial<Record<MemberStatus, number>>;
  readonly sharedDomains: SharedDomain[];
  private readonly history: LazyHistory;

  constructor(summary: GroupSummary, phaseSeries: Series[], lagSeries: Series[], stepMs: number, memberLabel: string) {
    this.group = summary.group;
    this.phase = summary.phase;
    this.stale = summary.stale;
    this.lastSampleMs = summary.lastSampleMs;
    this.progressRatio = summary.progressRatio;
    this.etaSeconds = summary.etaSeconds;
    this.elapsedSeconds = summary.elapsedSeconds;
    this.rtoSeconds = summary.rtoSeconds;
    this.divergenceRatio = summary.divergenceRatio;
    this.independenceRatio = summary.independenceRatio;
    this.effectivePaths = summary.effectivePaths;
    this.hiddenInstability = summary.hiddenInstability;
    this.findings = summary.findings;
    this.planned = summary.planned;
    this.failoverLoadRatio = summary.failoverLoadRatio;
    this.permissionsObserved = summary.permissionsObserved;
    this.members = summary.members;
    this.memberCounts = summary.memberCounts;
    this.sharedDomains = summary.sharedDomains;
    this.history = new LazyHistory(phaseSeries, lagSeries, stepMs, memberLabel);
  }

  get lagHistory(): LagPoint[] {
    return (this.history.lag ??= lagHistory(this.history.lagSeries));
  }

  get phaseHistory(): PhaseSegment[] {
    return (this.history.phases ??= phaseHistory(this.history.phaseSeries, this.history.stepMs));
  }

  get memberLagHistory(): ReadonlyMap<string, LagPoint[]> {
    return (this.history.byMember ??= memberLagHistories(this.history.lagSeries, this.history.memberLabel));
  }
}

/** What a group's history is computed from, and the history once computed. */
class LazyHistory {
  lag: LagPoint[] | undefined = undefined;
  phases: PhaseSegment[] | undefined = undefined;
  byMember: Map<string, LagPoint[]> | undefined = undefined;

  constructor(
    readonly phaseSeries: Series[],
    readonly lagSeries: Series[],
    readonly stepMs: number,
    readonly memberLabel: string,
  ) {}
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

/** The ETA as of `nowMs`: from the latest expected completion when there is one (several collectors: the later). */
function etaAt(deadlineSeconds: number | undefined, etaSeconds: number | undefined, nowMs: number): number | undefined {
  return deadlineSeconds === undefined ? etaSeconds : Math.max(0, deadlineSeconds - nowMs / 1000);
}
