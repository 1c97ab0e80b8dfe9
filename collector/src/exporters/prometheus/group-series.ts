/**
 * One group's share of `/metrics`: what it last exported, and the text of each
 * family re-rendered only when the values behind it change, handed to that
 * family's FamilyText. Observation ages change every tick and the ETA counts down
 * to its deadline, so those are written per scrape from prefixes kept here.
 */
import type { GroupState, MemberState } from '../../model/group-state';
import { MEMBER_STATUSES, PHASES } from '../../model/types';
import { METRICS, RECOVERY_DURATION_BUCKETS_SECONDS, type MetricKey } from '../metric-definitions';
import { exportedPermissionDifferences } from '../permission-difference-series';
import { etaSecondsAt } from '../../model/eta';
import { escapeLabelValue, formatValue, labelPair } from './exposition-format';

/** The families a group has series in, in exposition order (the one definition list's order). */
export const GROUP_FAMILIES: readonly MetricKey[] = (Object.keys(METRICS) as MetricKey[]).filter(
  (key) => key !== 'sourceUp' && key !== 'storeUp' && key !== 'collectorActive' && key !== 'collectorShardInfo',
);
const FAMILY_INDEX = new Map<MetricKey, number>(GROUP_FAMILIES.map((key, i) => [key, i]));
const at = (key: MetricKey): number => FAMILY_INDEX.get(key)!;

/** Completed episodes of a group, as the histogram and counters count them. */
interface EpisodeTally {
  total: number;
  withinRto: number;
  /** Planned episodes (maintenance): counted only here, not in the SLO's counters or histogram. */
  planned: number;
  /** Non-healthy runs that ended within the onset delay. */
  blips: number;
  /** Per bucket of RECOVERY_DURATION_BUCKETS_SECONDS, not cumulative; longer ones only count in +Inf. */
  buckets: number[];
  sumSeconds: number;
  count: number;
}

/** Which member-level families a tick changed. */
interface MemberChanges {
  layout: boolean;
  status: boolean;
  lagSeconds: boolean;
  lagBytes: boolean;
  drift: boolean;
  role: boolean;
  failureDomains: boolean;
  permissionDifferences: boolean;
}

const NOT_ASCII = /[^\x00-\x7f]/;

/** Where a group hands a re-rendered family's text (family index in GROUP_FAMILIES). */
export type FamilySink = (family: number, text: string) => void;

export class GroupSeries {
  private readonly groupLabel: string;
  /** `recovery_group_eta_seconds{group=…} `: the ETA is rendered per scrape. */
  private readonly etaPrefix: string;
  private readonly etaPrefixBytes: number;
  private state: GroupState | undefined;
  private tally: EpisodeTally | undefined;
  /** `recovery_member_observation_age_seconds{group=…,member=…} ` per member, in state order: ages are rendered per scrape. */
  private agePrefixes: string[] = [];
  private ageEncoding: BufferEncoding = 'latin1';
  /** Bytes of all age prefixes, for sizing the scrape's buffer. */
  private agePrefixBytes = 0;

  constructor(
    readonly name: string,
    private readonly sink: FamilySink,
  ) {
    this.groupLabel = labelPair('group', name);
    this.etaPrefix = `${METRICS.groupEta.name}{${this.groupLabel}} `;
    this.etaPrefixBytes = Buffer.byteLength(this.etaPrefix, 'utf8');
  }

  /** Bring the text in line with this tick's state; only families whose values changed are re-rendered. */
  update(state: GroupState): void {
    const before = this.state;
    // The engine hands back the same object for a group it did not derive: nothing in it changed
    // (what moves with time alone — ages, the ETA — is written per scrape). A group whose state
    // moved with time alone is derived, so it comes as a new object and is compared below.
    if (before === state) return;
    this.state = state;
    const changed = <T>(read: (s: GroupState) => T): boolean => before === undefined || read(before) !== read(state);
    if (changed((s) => s.phase)) this.set('groupPhase', this.oneHot(METRICS.groupPhase.name, 'phase', PHASES, state.phase));
    if (changed((s) => s.progress)) this.set('groupProgress', this.groupLine(METRICS.groupProgress.name, state.progress));
    if (changed((s) => s.etaDeadlineMillis))
      this.set('groupEtaTimestamp', this.groupLine(METRICS.groupEtaTimestamp.name, state.etaDeadlineMillis === null ? null : state.etaDeadlineMillis / 1000));
    if (changed((s) => s.elapsedSeconds)) this.set('groupElapsed', this.groupLine(METRICS.groupElapsed.name, state.elapsedSeconds));
    if (changed((s) => s.episodePlanned)) this.set('groupEpisodePlanned', this.groupLine(METRICS.groupEpisodePlanned.name, state.episodePlanned ? 1 : 0));
    if (before === undefined || !sameFindingCauses(before, state)) this.set('groupFinding', this.findings(state));
    if (changed((s) => s.rtoSeconds)) this.set('groupRto', this.groupLine(METRICS.groupRto.name, state.rtoSeconds));
    if (changed((s) => s.divergenceRatio)) this.set('groupDivergence', this.groupLine(METRICS.groupDivergence.name, state.divergenceRatio));
    if (changed((s) => s.permissionConsistency))
      this.set('groupPermissionConsistency', this.groupLine(METRICS.groupPermissionConsistency.name, state.permissionConsistency));
    if (changed((s) => s.independence.ratio)) this.set('groupIndependence', this.groupLine(METRICS.groupIndependence.name, state.independence.ratio));
    if (changed((s) => s.independence.effectivePaths))
      this.set('groupEffectivePaths', this.groupLine(METRICS.groupEffectivePaths.name, state.independence.effectivePaths));
    if (changed((s) => s.hiddenInstability))
      this.set('groupHiddenInstability', this.groupLine(METRICS.groupHiddenInstability.name, state.hiddenInstability ? 1 : 0));
    if (changed((s) => s.netStabilizationPerMinute))
      this.set('groupNetStabilization', this.groupLine(METRICS.groupNetStabilization.name, state.netStabilizationPerMinute));
    if (changed((s) => s.failoverLoadRatio)) this.set('groupFailoverLoad', this.groupLine(METRICS.groupFailoverLoad.name, state.failoverLoadRatio));
    if (before === undefined || !sameSharedDomains(before, state)) this.set('groupSharedDependency', this.sharedDependencies(state));
    this.updateMembers(state, memberChanges(before, state));
  }

  /** Start the episode histogram and counters at zero, so Prometheus sees the first episode as an increase. */
  declare(): void {
    if (this.tally !== undefined) return;
    this.tally = { total: 0, withinRto: 0, planned: 0, blips: 0, buckets: RECOVERY_DURATION_BUCKETS_SECONDS.map(() => 0), sumSeconds: 0, count: 0 };
    this.renderEpisodes();
  }

  /**
   * Count one completed episode; `withinRto` was judged once, against the RTO it ran
   * under. A planned one (maintenance) counts only in `recovery_planned_episodes_total`.
   */
  recordEpisode(durationSeconds: number | null, withinRto: boolean, planned = false): void {
    this.declare();
    const tally = this.tally!;
    if (planned) {
      tally.planned++;
      return this.renderEpisodes();
    }
    tally.total++;
    if (durationSeconds !== null) {
      const bucket = RECOVERY_DURATION_BUCKETS_SECONDS.findIndex((upper) => durationSeconds <= upper);
      if (bucket >= 0) tally.buckets[bucket]!++;
      tally.sumSeconds += durationSeconds;
      tally.count++;
      if (withinRto) tally.withinRto++;
    }
    this.renderEpisodes();
  }

  /** Count one blip: a non-healthy run that ended within the onset delay (no episode). */
  recordBlip(): void {
    this.declare();
    this.tally!.blips++;
    this.renderEpisodes();
  }

  /** Upper bound of the bytes `writeObservationAges` writes. */
  observationAgesMaxBytes(): number {
    // A formatted double is at most 24 characters ("-1.2345678901234567e-308"), plus the newline.
    return this.agePrefixBytes + this.agePrefixes.length * 25;
  }

  /**
   * Observation ages at `nowMillis`, written into `out` at `at`; returns the end. They
   * move on between ticks, so the time since the state was derived is added: a slow
   * scrape is not flattering.
   */
  writeObservationAges(nowMillis: number, out: Buffer, at: number): number {
    const state = this.state;
    if (state === undefined) return at;
    const sinceTickSeconds = Math.max(0, (nowMillis - state.derivedAtMillis) / 1000);
    const members = state.members;
    for (let i = 0; i < members.length; i++) {
      const age = members[i]!.observationAgeSeconds;
      at += out.write(this.agePrefixes[i]!, at, this.ageEncoding);
      at += out.write(formatValue(age === null ? Infinity : age + sinceTickSeconds), at, 'latin1');
      out[at++] = 10; // \n
    }
    return at;
  }

  /** Upper bound of the bytes `writeEta` writes. */
  etaMaxBytes(): number {
    return this.etaPrefixBytes + 25;
  }

  /**
   * The ETA at `nowMillis` (the deadline minus now; 0 once converged), written into
   * `out` at `at`; returns the end. Read a tick or a scrape interval late it still
   * says what is left, not the tick's figure. No ETA, no series.
   */
  writeEta(nowMillis: number, out: Buffer, at: number): number {
    const state = this.state;
    if (state === undefined) return at;
    const eta = etaSecondsAt(state, nowMillis);
    if (eta === null) return at;
    at += out.write(this.etaPrefix, at, 'utf8');
    at += out.write(formatValue(eta), at, 'latin1');
    out[at++] = 10; // \n
    return at;
  }

  private set(key: MetricKey, text: string): void {
    this.sink(at(key), text);
  }

  /** One `name{group="g"} value` line; null means unknown, and an unknown value has no series. */
  private groupLine(name: string, value: number | null): string {
    return value === null ? '' : `${name}{${this.groupLabel}} ${formatValue(value)}\n`;
  }

  /** One series per possible value, 1 for the current one. */
  private oneHot(name: string, label: string, values: readonly string[], current: string, labels = this.groupLabel): string {
    const lines: string[] = [];
    for (const value of values) lines.push(`${name}{${labels},${label}="${value}"} ${value === current ? 1 : 0}\n`);
    return lines.join('');
  }

  private sharedDependencies(state: GroupState): string {
    const lines: string[] = [];
    for (const d of state.independence.sharedDomains) {
      lines.push(`${METRICS.groupSharedDependency.name}{${this.groupLabel},${labelPair('dimension', d.dimension)},${labelPair('value', d.value)}} 1\n`);
    }
    return lines.join('');
  }

  /** One series per current finding cause; a cause that went away has none. */
  private findings(state: GroupState): string {
    const lines: string[] = [];
    const seen = new Set<string>();
    for (const f of state.findings) {
      if (seen.has(f.cause)) continue;
      seen.add(f.cause);
      lines.push(`${METRICS.groupFinding.name}{${this.groupLabel},${labelPair('cause', f.cause)}} 1\n`);
    }
    return lines.join('');
  }

  private updateMembers(state: GroupState, changes: MemberChanges): void {
    if (
      !changes.layout &&
      !changes.status &&
      !changes.lagSeconds &&
      !changes.lagBytes &&
      !changes.drift &&
      !changes.role &&
      !changes.failureDomains &&
      !changes.permissionDifferences
    )
      return;
    const memberLabels = state.members.map((m) => `${this.groupLabel},member="${escapeLabelValue(m.member)}"`);
    if (changes.layout) {
      this.agePrefixes = memberLabels.map((labels) => `${METRICS.memberObservationAge.name}{${labels}} `);
      const ascii = !this.agePrefixes.some((prefix) => NOT_ASCII.test(prefix));
      this.ageEncoding = ascii ? 'latin1' : 'utf8';
      this.agePrefixBytes = this.agePrefixes.reduce((sum, prefix) => sum + (ascii ? prefix.length : Buffer.byteLength(prefix, 'utf8')), 0);
    }
    if (changes.layout || changes.status) {
      this.set(
        'memberStatus',
        state.members.map((m, i) => this.oneHot(METRICS.memberStatus.name, 'status', MEMBER_STATUSES, m.status, memberLabels[i])).join(''),
      );
      this.set('groupMembers', this.memberCounts(state.members));
    }
    const perMember = (name: string, read: (m: MemberState) => number | null): string => {
      const lines: string[] = [];
      state.members.forEach((m, i) => {
        const value = read(m);
        if (value !== null) lines.push(`${name}{${memberLabels[i]}} ${formatValue(value)}\n`);
      });
      return lines.join('');
    };
    if (changes.layout || changes.lagSeconds)
      this.set(
        'memberLagSeconds',
        perMember(METRICS.memberLagSeconds.name, (m) => m.lagSeconds),
      );
    if (changes.layout || changes.lagBytes)
      this.set(
        'memberLagBytes',
        perMember(METRICS.memberLagBytes.name, (m) => m.lagBytes),
      );
    if (changes.layout || changes.drift)
      this.set(
        'memberPermissionDrift',
        perMember(METRICS.memberPermissionDrift.name, (m) => (m.permissionDrift ? 1 : 0)),
      );
    if (changes.layout || changes.role)
      this.set('memberRole', state.members.map((m, i) => `${METRICS.memberRole.name}{${memberLabels[i]},${labelPair('role', m.role)}} 1\n`).join(''));
    if (changes.layout || changes.failureDomains) this.set('memberFailureDomain', this.failureDomains(state.members, memberLabels));
    if (changes.layout || changes.drift || changes.permissionDifferences)
      this.set('memberPermissionDifference', this.permissionDifferences(state.members, memberLabels));
  }

  /** One series per dimension each member reports, in the dimensions' name order. */
  private failureDomains(members: readonly MemberState[], memberLabels: readonly string[]): string {
    const lines: string[] = [];
    members.forEach((m, i) => {
      for (const dimension of Object.keys(m.dependencies).sort()) {
        lines.push(
          `${METRICS.memberFailureDomain.name}{${memberLabels[i]},${labelPair('dimension', dimension)},${labelPair('value', m.dependencies[dimension]!)}} 1\n`,
        );
      }
    });
    return lines.join('');
  }

  /** The first few differences of each drifted member: the subject only, never its rules (no secret can reach a label). */
  private permissionDifferences(members: readonly MemberState[], memberLabels: readonly string[]): string {
    const lines: string[] = [];
    members.forEach((m, i) => {
      for (const d of exportedPermissionDifferences(m)) {
        lines.push(`${METRICS.memberPermissionDifference.name}{${memberLabels[i]},${labelPair('change', d.change)},${labelPair('entry', d.subject)}} 1\n`);
      }
    });
    return lines.join('');
  }

  private memberCounts(members: readonly MemberState[]): string {
    const counts = new Map(MEMBER_STATUSES.map((s) => [s, 0]));
    for (const m of members) counts.set(m.status, counts.get(m.status)! + 1);
    const lines: string[] = [];
    for (const [status, count] of counts) lines.push(`${METRICS.groupMembers.name}{${this.groupLabel},status="${status}"} ${count}\n`);
    return lines.join('');
  }

  private renderEpisodes(): void {
    const tally = this.tally!;
    const name = METRICS.duration.name;
    const lines: string[] = [];
    let cumulative = 0;
    RECOVERY_DURATION_BUCKETS_SECONDS.forEach((upper, i) => {
      cumulative += tally.buckets[i]!;
      lines.push(`${name}_bucket{le="${formatValue(upper)}",${this.groupLabel}} ${cumulative}\n`);
    });
    lines.push(`${name}_bucket{le="+Inf",${this.groupLabel}} ${tally.count}\n`);
    lines.push(`${name}_sum{${this.groupLabel}} ${formatValue(tally.sumSeconds)}\n`);
    lines.push(`${name}_count{${this.groupLabel}} ${tally.count}\n`);
    this.set('duration', lines.join(''));
    this.set('episodes', `${METRICS.episodes.name}{${this.groupLabel}} ${tally.total}\n`);
    this.set('episodesWithinRto', `${METRICS.episodesWithinRto.name}{${this.groupLabel}} ${tally.withinRto}\n`);
    this.set('plannedEpisodes', `${METRICS.plannedEpisodes.name}{${this.groupLabel}} ${tally.planned}\n`);
    this.set('blips', `${METRICS.blips.name}{${this.groupLabel}} ${tally.blips}\n`);
  }
}

function sameFindingCauses(a: GroupState, b: GroupState): boolean {
  const x = a.findings;
  const y = b.findings;
  return x === y || (x.length === y.length && x.every((f, i) => f.cause === y[i]!.cause));
}

function sameSharedDomains(a: GroupState, b: GroupState): boolean {
  const x = a.independence.sharedDomains;
  const y = b.independence.sharedDomains;
  return x.length === y.length && x.every((d, i) => d.dimension === y[i]!.dimension && d.value === y[i]!.value);
}

/**
 * One pass over the members. Members only leave a group when retired (OTLP
 * member_expiry); the common tick has the same members in the same order.
 */
function memberChanges(before: GroupState | undefined, state: GroupState): MemberChanges {
  if (before === undefined || before.members.length !== state.members.length) {
    return ALL_CHANGED;
  }
  const changes = {
    layout: false,
    status: false,
    lagSeconds: false,
    lagBytes: false,
    drift: false,
    role: false,
    failureDomains: false,
    permissionDifferences: false,
  };
  for (let i = 0; i < state.members.length; i++) {
    const now = state.members[i]!;
    const old = before.members[i]!;
    if (now.member !== old.member) return ALL_CHANGED;
    if (now.status !== old.status) changes.status = true;
    if (now.lagSeconds !== old.lagSeconds) changes.lagSeconds = true;
    if (now.lagBytes !== old.lagBytes) changes.lagBytes = true;
    if (now.permissionDrift !== old.permissionDrift) changes.drift = true;
    if (now.role !== old.role) changes.role = true;
    // The tracker keeps a member's dependencies object until they change: a new object is the rare case.
    if (now.dependencies !== old.dependencies && !sameDependencies(now.dependencies, old.dependencies)) changes.failureDomains = true;
    if (now.permissionDifferences !== old.permissionDifferences && !samePermissionDifferences(now, old)) changes.permissionDifferences = true;
  }
  return changes;
}

const ALL_CHANGED: Readonly<MemberChanges> = {
  layout: true,
  status: true,
  lagSeconds: true,
  lagBytes: true,
  drift: true,
  role: true,
  failureDomains: true,
  permissionDifferences: true,
};

function sameDependencies(a: MemberState['dependencies'], b: MemberState['dependencies']): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The exported few only: a difference past the bound changes no series. */
function samePermissionDifferences(a: MemberState, b: MemberState): boolean {
  const x = exportedPermissionDifferences(a);
  const y = exportedPermissionDifferences(b);
  return x.length === y.length && x.every((d, i) => d.change === y[i]!.change && d.subject === y[i]!.subject);
}
