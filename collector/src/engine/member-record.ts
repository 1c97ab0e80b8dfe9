import type { LeaderCandidate } from '../model/leader';
import type { LeaderReference } from '../model/member-status';
import type { Dependencies, MemberStatus, Observation, Role } from '../model/types';

/**
 * Everything the tracker remembers about one member between ticks. It is also
 * the member's leader candidate (`role`, `fresh` are set at the start of each
 * tick), so choosing a leader allocates nothing per member.
 */
export interface MemberRecord extends LeaderCandidate {
  member: string;
  /** This tick's role: observed, else last observed, else declared, else replica. */
  role: Role;
  /** This tick's newest observation if within the freshness window. */
  fresh: Observation | undefined;
  /** Declared in config: such a member is never retired, since its absence is the signal. */
  declared: boolean;
  declaredRole: Role | undefined;
  declaredDependencies: Dependencies;
  /** The newest observation: the record's own copy (keepObservation), overwritten in place by the next one. */
  latest: Observation | undefined;
  previousStatus: MemberStatus | undefined;
  /** Observed at or before the previous tick: only then is a status change a change (not the first sighting). */
  observedBefore: boolean;
  /** Peak lag in this episode (bytes and seconds), the denominator of the member's progress. */
  peakLagBytes: number | null;
  peakLagSeconds: number | null;
  /** Declared ∪ observed dependencies, rebuilt only when either changes. */
  dependencies: Dependencies;
}

export function newMemberRecord(member: string): MemberRecord {
  return {
    member,
    role: 'replica',
    fresh: undefined,
    declared: false,
    declaredRole: undefined,
    declaredDependencies: {},
    latest: undefined,
    previousStatus: undefined,
    observedBefore: false,
    peakLagBytes: null,
    peakLagSeconds: null,
    dependencies: {},
  };
}

/** The reference for this tick: the chosen leader's member and fresh observation. */
export function leaderReference(records: readonly MemberRecord[], leader: string | null): LeaderReference | null {
  if (leader === null) return null;
  for (const record of records) {
    if (record.member === leader) return { member: record.member, observation: record.fresh! };
  }
  return null;
}

/** This tick's permission fingerprints, by member, of the members observed freshly. */
export function freshFingerprints(candidates: readonly LeaderCandidate[]): Map<string, string> {
  const fingerprints = new Map<string, string>();
  for (const c of candidates) {
    const fingerprint = c.fresh?.permissionFingerprint;
    if (fingerprint !== undefined) fingerprints.set(c.member, fingerprint);
  }
  return fingerprints;
}

/** Same keys and values: observed dependencies that did not change keep the cached union (and independence). */
export function sameDependencies(a: Dependencies, b: Dependencies | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  let count = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

/** Every field of an Observation, absent ones as undefined: one object shape for every kept copy. */
type KeptObservation = { [K in ObservationField]: Observation[K] | undefined };
type ObservationField = keyof Observation;

/**
 * Keep `observation` as the record's newest (`record.latest`), copied into the record's own
 * object. A source hands over a new object every round; kept as it is, each would live until
 * the member's next observation, long enough to leave V8's young generation at fleet scale
 * (100,000 objects a round, with their dependency objects and strings), and the old
 * generation grows to hold their garbage. Copied, the source's object dies young. Observed
 * dependencies equal to the kept ones keep the kept object. The engine reads an observation's
 * fields, never enumerates them: absent fields copied as undefined read the same.
 */
export function keepObservation(record: MemberRecord, observation: Observation): void {
  const kept = record.latest as KeptObservation | undefined;
  if (kept === undefined) {
    record.latest = copyObservation(observation);
    return;
  }
  const dependencies = observation.dependencies;
  // An equal string keeps the kept one, so the source's new one dies young too.
  if (kept.group !== observation.group) kept.group = observation.group;
  if (kept.member !== observation.member) kept.member = observation.member;
  if (kept.source !== observation.source) kept.source = observation.source;
  kept.observedAtMillis = observation.observedAtMillis;
  if (kept.role !== observation.role) kept.role = observation.role;
  kept.reachable = observation.reachable;
  kept.serving = observation.serving;
  if (kept.replicationStoppedReason !== observation.replicationStoppedReason) kept.replicationStoppedReason = observation.replicationStoppedReason;
  if (kept.unknownReason !== observation.unknownReason) kept.unknownReason = observation.unknownReason;
  kept.fullResync = observation.fullResync;
  kept.position = observation.position;
  kept.lagSeconds = observation.lagSeconds;
  kept.lagBytes = observation.lagBytes;
  if (kept.stateFingerprint !== observation.stateFingerprint) kept.stateFingerprint = observation.stateFingerprint;
  if (kept.permissionFingerprint !== observation.permissionFingerprint) kept.permissionFingerprint = observation.permissionFingerprint;
  kept.permissionEntries = observation.permissionEntries;
  kept.permissionObservedAtMillis = observation.permissionObservedAtMillis;
  kept.load = observation.load;
  if (dependencies === undefined || !sameDependencies(dependencies, kept.dependencies)) kept.dependencies = dependencies;
  if (kept.followsLeader !== observation.followsLeader) kept.followsLeader = observation.followsLeader;
  if (kept.divergedReason !== observation.divergedReason) kept.divergedReason = observation.divergedReason;
  kept.replicationLink = observation.replicationLink;
  kept.replicationObservedAtMillis = observation.replicationObservedAtMillis;
}

function copyObservation(o: Observation): Observation {
  const kept: KeptObservation = {
    group: o.group,
    member: o.member,
    source: o.source,
    observedAtMillis: o.observedAtMillis,
    role: o.role,
    reachable: o.reachable,
    serving: o.serving,
    replicationStoppedReason: o.replicationStoppedReason,
    unknownReason: o.unknownReason,
    fullResync: o.fullResync,
    position: o.position,
    lagSeconds: o.lagSeconds,
    lagBytes: o.lagBytes,
    stateFingerprint: o.stateFingerprint,
    permissionFingerprint: o.permissionFingerprint,
    permissionEntries: o.permissionEntries,
    permissionObservedAtMillis: o.permissionObservedAtMillis,
    load: o.load,
    dependencies: o.dependencies,
    followsLeader: o.followsLeader,
    divergedReason: o.divergedReason,
    replicationLink: o.replicationLink,
    replicationObservedAtMillis: o.replicationObservedAtMillis,
  };
  return kept as Observation;
}
