import type { FullResync, MemberStatus, Observation, Role } from './types';

/** Tolerances that decide when a replica counts as caught up. */
export interface StatusTolerances {
  freshnessMillis: number;
  lagToleranceSeconds: number;
  lagToleranceBytes: number;
}

/** The reference a member is compared to: the leader's fresh observation. */
export interface LeaderReference {
  member: string;
  observation: Observation;
}

export interface MemberVerdict {
  status: MemberStatus;
  reason: string | null;
  lagSeconds: number | null;
  lagBytes: number | null;
}

/** The member judged: the tracker passes its MemberRecord. */
export interface VerdictSubject {
  readonly member: string;
  readonly role: Role;
  /** Its newest observation, however old. */
  readonly latest: Observation | undefined;
}

/** What every member of a group is judged against on one tick (made once per tick). */
export interface VerdictContext {
  readonly leader: LeaderReference | null;
  /** Members that also claim leader while `leader` is the reference (split brain). */
  readonly rivals?: readonly string[];
  readonly tolerances: StatusTolerances;
  readonly nowMillis: number;
}

/**
 * Decide one member's status (DESIGN.md §2.1). Order matters: staleness first
 * (absence of data is never health), then what the source said outright, then
 * what cannot be explained by lag (divergence), then lag.
 */
export function memberVerdict(
  { member, role, latest }: VerdictSubject,
  { leader, rivals, tolerances, nowMillis }: VerdictContext,
  // The tracker passes the member's new MemberState, so the verdict lands where it is kept
  // (no verdict object per member, and none shared between members).
  into: MemberVerdict = { status: 'unknown', reason: null, lagSeconds: null, lagBytes: null },
): MemberVerdict {
  if (latest === undefined) return verdict(into, 'unknown', 'never observed');
  const isRivalLeader = rivals !== undefined && rivals.length > 0 && rivals.includes(member);
  const ageMillis = nowMillis - latest.observedAtMillis;
  if (ageMillis > tolerances.freshnessMillis) {
    return verdict(into, 'unknown', `no observation for ${Math.round(ageMillis / 1000)}s`);
  }
  if (!latest.reachable) {
    // A member being cloned (pg_basebackup) runs no server, yet it is on its way back: a full resync, never just "down".
    if (latest.fullResync?.method === 'base-backup') return fullResyncVerdict(into, latest.fullResync);
    return verdict(into, 'unreachable', 'source reports it down or unreachable');
  }
  if (latest.unknownReason !== undefined) return verdict(into, 'unknown', latest.unknownReason);
  if (latest.divergedReason !== undefined) return verdict(into, 'diverged', latest.divergedReason);
  if (isRivalLeader) return verdict(into, 'diverged', `split brain: claims leader while ${leader?.member ?? 'another member'} is the reference`);
  if (leader !== null && leader.member === member) return verdict(into, 'converged', null, 0, 0);

  const divergence = leader ? divergenceFromLeader(latest, leader, tolerances) : null;
  if (divergence !== null) return verdict(into, 'diverged', divergence);
  // A stopped link says nothing about how far behind the replica will be: never converged, whatever the lag read.
  if (latest.replicationStoppedReason !== undefined)
    return verdict(into, 'lagging', latest.replicationStoppedReason, latest.lagSeconds ?? null, latest.lagBytes ?? null);
  // A full copy on its way: what is left of the transfer is the lag (not the offsets), seconds unknown.
  if (latest.fullResync !== undefined) return fullResyncVerdict(into, latest.fullResync);

  if (role === 'path' && latest.serving === false) {
    return verdict(into, 'unreachable', 'path reachable but not serving', latest.lagSeconds ?? null, latest.lagBytes ?? null);
  }
  // Position and lag measured longer ago than the freshness window say nothing about now.
  const factsAgeMillis = latest.replicationObservedAtMillis === undefined ? 0 : nowMillis - latest.replicationObservedAtMillis;
  const factsStale = factsAgeMillis > tolerances.freshnessMillis;
  const lagBytes = factsStale ? null : (latest.lagBytes ?? lagBytesFromPositions(latest, leader));
  const lagSeconds = factsStale ? null : (latest.lagSeconds ?? null);
  const link = latest.replicationLink;
  // A cut link is never converged: the byte lag stops growing when nothing arrives.
  if (link !== undefined && !link.up) return verdict(into, 'lagging', withLag(linkDownText(link), lagSeconds, lagBytes, leader), lagSeconds, lagBytes);
  if (link?.silentForSeconds !== undefined && link.silentForSeconds > tolerances.lagToleranceSeconds) {
    const text = `replication link silent for ${Math.round(link.silentForSeconds)}s (nothing acknowledged or received)`;
    return verdict(into, 'lagging', withLag(text, lagSeconds, lagBytes, leader), lagSeconds, lagBytes);
  }
  const behind = (lagBytes !== null && lagBytes > tolerances.lagToleranceBytes) || (lagSeconds !== null && lagSeconds > tolerances.lagToleranceSeconds);
  if (behind) return verdict(into, 'lagging', describeLag(lagSeconds, lagBytes, leader), lagSeconds, lagBytes);
  if (role !== 'path' && lagBytes === null && lagSeconds === null) {
    // Without a leader, nothing says this replica is behind (DESIGN.md: judged by its own source); say so.
    // Not `unknown`: with the leader refused that would turn a plain degraded group `unknown` and read
    // the failover's returning members as improvement; the group is not healthy either way.
    if (leader === null && !factsStale) return verdict(into, 'converged', 'no reachable leader to compare with');
    // With a leader, a replica is converged on evidence only: no lag and no comparable position is not "caught up".
    return verdict(
      into,
      'unknown',
      factsStale ? `position and lag last reported ${Math.round(factsAgeMillis / 1000)}s ago` : 'no replication position or lag observed',
    );
  }
  return verdict(into, 'converged', null, lagSeconds, lagBytes);
}

function divergenceFromLeader(latest: Observation, leader: LeaderReference, tolerances: StatusTolerances): string | null {
  if (latest.followsLeader !== undefined && latest.followsLeader !== leader.member) {
    return `follows ${latest.followsLeader}, not the leader ${leader.member}`;
  }
  const leaderPosition = leader.observation.position;
  if (latest.position !== undefined && leaderPosition !== undefined) {
    // Positions are sampled at slightly different instants, so allow the byte tolerance before calling it split brain.
    if (latest.position > leaderPosition + tolerances.lagToleranceBytes) {
      return `position ${latest.position} ahead of the leader's ${leaderPosition}`;
    }
    const leaderFingerprint = leader.observation.stateFingerprint;
    if (
      latest.position === leaderPosition &&
      latest.stateFingerprint !== undefined &&
      leaderFingerprint !== undefined &&
      latest.stateFingerprint !== leaderFingerprint
    ) {
      return 'state differs from the leader at the same position';
    }
  }
  return null;
}

function lagBytesFromPositions(latest: Observation, leader: LeaderReference | null): number | null {
  const leaderPosition = leader?.observation.position;
  if (latest.position === undefined || leaderPosition === undefined) return null;
  return Math.max(0, leaderPosition - latest.position);
}

function describeLag(lagSeconds: number | null, lagBytes: number | null, leader: LeaderReference | null): string {
  const amount = lagAmount(lagSeconds, lagBytes);
  // Without a leader the numbers are the source's own (e.g. OTLP): say there is nothing to compare with.
  return leader === null ? `behind by ${amount} as reported; no reachable leader to compare with` : `behind the leader by ${amount}`;
}

/** "replication link down for 7s; behind the leader by at least 12.0s / 6019 bytes" */
function withLag(text: string, lagSeconds: number | null, lagBytes: number | null, leader: LeaderReference | null): string {
  const parts = [text];
  if (lagSeconds !== null || lagBytes !== null)
    parts.push(`${leader === null ? 'lag at least' : 'behind the leader by at least'} ${lagAmount(lagSeconds, lagBytes)}`);
  if (leader === null) parts.push('no reachable leader to compare with');
  return parts.join('; ');
}

/** Lagging by what is left of the transfer (not the offsets), seconds unknown. */
function fullResyncVerdict(into: MemberVerdict, resync: FullResync): MemberVerdict {
  const left = resync.totalBytes === undefined ? null : Math.max(0, resync.totalBytes - resync.transferredBytes);
  return verdict(into, 'lagging', fullResyncText(resync), null, left);
}

function mb(bytes: number): string {
  return bytes >= 1e9
    ? `${(bytes / 1e9).toFixed(1)} GB`
    : bytes >= 1e6
      ? `${(bytes / 1e6).toFixed(1)} MB`
      : bytes >= 1e3
        ? `${(bytes / 1e3).toFixed(1)} kB`
        : `${bytes} B`;
}

/**
 * `full resync from the leader: 40.0 MB of 100.0 MB received (40 %)`,
 * `restoring from the WAL archive: 112.0 MB of 180.0 MB replayed (62 %)`,
 * `full resync (base backup): 0.9 GB of 2.1 GB received (45 %)`.
 */
function fullResyncText(resync: FullResync): string {
  if (resync.method === 'archive-restore' || resync.method === 'wal-replay') {
    const what = resync.method === 'archive-restore' ? 'restoring from the WAL archive' : 'replaying WAL without streaming';
    if (resync.totalBytes === undefined) return `${what}: ${mb(resync.transferredBytes)} replayed (no primary to compare with)`;
    return `${what}: ${mb(resync.transferredBytes)} of ${mb(resync.totalBytes)} replayed (${percentOf(resync.transferredBytes, resync.totalBytes)} %)`;
  }
  if (resync.method === 'base-backup') {
    // pg_basebackup's own step, when it is not the copy itself: "waiting for checkpoint to finish", "transferring wal files".
    const stage = resync.stage !== undefined && resync.stage !== 'streaming database files' ? `, ${resync.stage}` : '';
    if (resync.totalBytes === undefined)
      // Before the copy starts (checkpoint, size estimate) there is nothing to count yet.
      return resync.transferredBytes === 0 && stage !== ''
        ? `full resync (base backup): ${resync.stage!}`
        : `full resync (base backup): ${mb(resync.transferredBytes)} received (size not estimated)${stage}`;
    return `full resync (base backup): ${mb(resync.transferredBytes)} of ${mb(resync.totalBytes)} received (${percentOf(resync.transferredBytes, resync.totalBytes)} %)${stage}`;
  }
  if (resync.loading === true)
    return `full resync from the leader: copy${resync.totalBytes === undefined ? '' : ` of ${mb(resync.totalBytes)}`} received, loading it`;
  if (resync.totalBytes === undefined) return `full resync from the leader: ${mb(resync.transferredBytes)} received (size not announced: diskless sync)`;
  return `full resync from the leader: ${mb(resync.transferredBytes)} of ${mb(resync.totalBytes)} received (${percentOf(resync.transferredBytes, resync.totalBytes)} %)`;
}

function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.floor((100 * part) / whole) : 0;
}

function linkDownText(link: { downForSeconds?: number }): string {
  return link.downForSeconds === undefined ? 'replication link down' : `replication link down for ${Math.round(link.downForSeconds)}s`;
}

function lagAmount(lagSeconds: number | null, lagBytes: number | null): string {
  const parts: string[] = [];
  if (lagSeconds !== null) parts.push(`${lagSeconds.toFixed(1)}s`);
  if (lagBytes !== null) parts.push(`${lagBytes} bytes`);
  return parts.join(' / ');
}

function verdict(
  into: MemberVerdict,
  status: MemberStatus,
  reason: string | null,
  lagSeconds: number | null = null,
  lagBytes: number | null = null,
): MemberVerdict {
  into.status = status;
  into.reason = reason;
  into.lagSeconds = lagSeconds;
  into.lagBytes = lagBytes;
  return into;
}
