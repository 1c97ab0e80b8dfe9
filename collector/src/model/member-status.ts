import type { MemberStatus, Observation, Role } from './types';

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

/**
 * Decide one member's status (DESIGN.md §2.1). Order matters: staleness first
 * (absence of data is never health), then what the source said outright, then
 * what cannot be explained by lag (divergence), then lag.
 */
export function memberVerdict(
  member: string,
  role: Role,
  latest: Observation | undefined,
  leader: LeaderReference | null,
  isRivalLeader: boolean,
  tolerances: StatusTolerances,
  nowMillis: number,
  // A fleet tick passes one object for every member and copies the fields at
  // once: a fresh verdict per member would only feed the garbage collector.
  into: MemberVerdict = { status: 'unknown', reason: null, lagSeconds: null, lagBytes: null },
): MemberVerdict {
  if (latest === undefined) return verdict(into, 'unknown', 'never observed');
  const ageMillis = nowMillis - latest.observedAtMillis;
  if (ageMillis > tolerances.freshnessMillis) {
    return verdict(into, 'unknown', `no observation for ${Math.round(ageMillis / 1000)}s`);
  }
  if (!latest.reachable) return verdict(into, 'unreachable', 'source reports it down or unreachable');
  if (latest.unknownReason !== undefined) return verdict(into, 'unknown', latest.unknownReason);
  if (latest.divergedReason !== undefined) return verdict(into, 'diverged', latest.divergedReason);
  if (isRivalLeader) return verdict(into, 'diverged', `split brain: claims leader while ${leader?.member ?? 'another member'} is the reference`);
  if (leader !== null && leader.member === member) return verdict(into, 'converged', null, 0, 0);

  const divergence = leader ? divergenceFromLeader(latest, leader, tolerances) : null;
  if (divergence !== null) return verdict(into, 'diverged', divergence);
  // A stopped link says nothing about how far behind the replica will be: never converged, whatever the lag read.
  if (latest.replicationStoppedReason !== undefined) return verdict(into, 'lagging', latest.replicationStoppedReason, latest.lagSeconds ?? null, latest.lagBytes ?? null);

  const lagBytes = latest.lagBytes ?? lagBytesFromPositions(latest, leader);
  const lagSeconds = latest.lagSeconds ?? null;
  const behind =
    (lagBytes !== null && lagBytes > tolerances.lagToleranceBytes) ||
    (lagSeconds !== null && lagSeconds > tolerances.lagToleranceSeconds);
  if (role === 'path' && latest.serving === false) return verdict(into, 'unreachable', 'path reachable but not serving', lagSeconds, lagBytes);
  if (behind) return verdict(into, 'lagging', describeLag(lagSeconds, lagBytes), lagSeconds, lagBytes);
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

function describeLag(lagSeconds: number | null, lagBytes: number | null): string {
  const parts: string[] = [];
  if (lagSeconds !== null) parts.push(`${lagSeconds.toFixed(1)}s`);
  if (lagBytes !== null) parts.push(`${lagBytes} bytes`);
  return `behind the leader by ${parts.join(' / ')}`;
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
