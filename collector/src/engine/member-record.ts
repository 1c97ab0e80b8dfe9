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
