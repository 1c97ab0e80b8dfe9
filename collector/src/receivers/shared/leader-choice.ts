import { rankLeaderClaimants } from '../../model/leader';

/** A node that answered, as leader selection inside one probe round needs it. */
export interface RoundNode {
  member: string;
  claimsLeader: boolean;
  /** The member it follows, for replicas that said so. */
  follows?: string;
  position?: number;
  /** Config `role: leader` hint. */
  hintedLeader: boolean;
}

export interface RoundLeader {
  leader: string | undefined;
  /** Other nodes claiming leader while `leader` is the one followed: split brain. */
  rivals: string[];
}

/**
 * The reference leader of one round: with one claimant, that one; with several
 * (split brain), ranked as the engine ranks them (model/leader.ts rankLeaderClaimants:
 * followers, the previous round's leader, the configured hint, position, name).
 */
export function chooseRoundLeader(nodes: readonly RoundNode[], previousLeader: string | undefined): RoundLeader {
  const claimants = nodes.filter((n) => n.claimsLeader);
  if (claimants.length === 0) return { leader: undefined, rivals: [] };
  const followers = (member: string): number => nodes.filter((n) => n.follows === member).length;
  const ranked = rankLeaderClaimants(
    claimants.map((n) => ({ member: n.member, followers: followers(n.member), position: n.position, hinted: n.hintedLeader })),
    previousLeader,
  );
  return { leader: ranked[0]!.member, rivals: ranked.slice(1).map((n) => n.member) };
}

/** The `divergedReason` of a rival leader, in the SRE's words. */
export function splitBrainReason(rival: string, leader: string, followersOfLeader: readonly string[]): string {
  const followed = followersOfLeader.length > 0 ? ` (followed by ${followersOfLeader.join(', ')})` : '';
  return `split brain: ${rival} claims leader while ${leader}${followed} is also leader`;
}
