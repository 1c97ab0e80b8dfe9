import type { Observation, Role } from './types';

/** What leader selection needs to know about one member at this tick. */
export interface LeaderCandidate {
  readonly member: string;
  role: Role;
  /** Newest observation if it is within the freshness window, else undefined. */
  fresh: Observation | undefined;
}

export interface LeaderChoice {
  /** The reference member, or null when no fresh, reachable member claims leader. */
  leader: string | null;
  /** Members that also claim leader while another one is the reference: split brain. */
  rivals: string[];
}

const NO_RIVALS: string[] = [];
const NO_LEADER: LeaderChoice = { leader: null, rivals: NO_RIVALS };

/**
 * Pick the reference leader among the fresh, reachable members that claim the
 * leader role. With several claimants (split brain), rankLeaderClaimants
 * decides (no hint: the config's roles are already in the candidates' roles).
 */
export function chooseLeader(candidates: readonly LeaderCandidate[], previousLeader: string | null): LeaderChoice {
  // Almost every group has one claimant: count them first, so that case builds no list.
  let first: LeaderCandidate | undefined;
  let claimantCount = 0;
  for (const c of candidates) {
    if (!claimsLeader(c)) continue;
    first ??= c;
    claimantCount++;
  }
  if (first === undefined) return NO_LEADER;
  if (claimantCount === 1) return { leader: first.member, rivals: NO_RIVALS };
  const claimants = candidates.filter(claimsLeader);
  const followers = new Map<string, number>();
  for (const c of candidates) {
    const followed = c.fresh?.followsLeader;
    if (followed !== undefined && c.fresh!.reachable) followers.set(followed, (followers.get(followed) ?? 0) + 1);
  }
  const ranked = rankLeaderClaimants(
    claimants.map((c) => ({ member: c.member, followers: followers.get(c.member) ?? 0, position: c.fresh!.position })),
    previousLeader,
  );
  return { leader: ranked[0]!.member, rivals: ranked.slice(1).map((c) => c.member) };
}

/** One member claiming leader, as the leader ranking compares them. */
export interface LeaderClaimant {
  readonly member: string;
  /** How many (reachable) members say they follow it. */
  readonly followers: number;
  readonly position?: number;
  /** The config's `role: leader` hint (the receivers know it; the engine does not rank by it). */
  readonly hinted?: boolean;
}

/**
 * The one leader ranking, for the engine's ticks (chooseLeader) and the receivers' rounds
 * (receivers/shared/leader-choice.ts), best first: the one most members follow, then the
 * previous leader (stickiness avoids flapping), then the configured hint, then the highest
 * position, then the name (so the choice is deterministic). Sorts `claimants` in place.
 */
export function rankLeaderClaimants<C extends LeaderClaimant>(claimants: C[], previousLeader: string | null | undefined): C[] {
  return claimants.sort((a, b) => {
    const byFollowers = b.followers - a.followers;
    if (byFollowers !== 0) return byFollowers;
    const byPrevious = Number(b.member === previousLeader) - Number(a.member === previousLeader);
    if (byPrevious !== 0) return byPrevious;
    const byHint = Number(b.hinted ?? false) - Number(a.hinted ?? false);
    if (byHint !== 0) return byHint;
    const byPosition = (b.position ?? -Infinity) - (a.position ?? -Infinity);
    if (byPosition !== 0 && !Number.isNaN(byPosition)) return byPosition;
    return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
  });
}

function claimsLeader(c: LeaderCandidate): boolean {
  // A member its source cannot read the role of (`unknownReason`) never leads on a role remembered from before.
  return c.role === 'leader' && c.fresh !== undefined && c.fresh.reachable && c.fresh.unknownReason === undefined;
}
