import type { Phase } from './types';

/** What the phase decision looks at on one tick. */
export interface PhaseInputs {
  memberCount: number;
  convergedCount: number;
  unknownCount: number;
  /** True when the group has a leader concept but its leader's data is stale (no fresh leader, a leader-role member unknown). */
  leaderStale: boolean;
  /** A leader (or, for path groups, a path) is up and serving. */
  serving: boolean;
  /** Progress rose or a member's status improved within the progress window. */
  improving: boolean;
  /** An episode is open. */
  inEpisode: boolean;
  /** In this episode a member recovered, or service was down and came back. */
  somethingRecoveredInEpisode: boolean;
  /** All members converged since this moment (hold-down running); null otherwise. */
  convergedSinceMillis: number | null;
  holdDownMillis: number;
  nowMillis: number;
}

/**
 * Group phase (DESIGN.md §2.2). Pure: the caller keeps the episode state.
 * Returns `healthy` after a completed hold-down; the caller then closes the episode.
 */
export function decidePhase(inputs: PhaseInputs): Phase {
  const { memberCount, convergedCount, unknownCount } = inputs;
  if (memberCount === 0 || inputs.leaderStale || unknownCount * 2 > memberCount) return 'unknown';
  if (convergedCount === memberCount) {
    if (!inputs.inEpisode) return 'healthy';
    const since = inputs.convergedSinceMillis ?? inputs.nowMillis;
    return inputs.nowMillis - since >= inputs.holdDownMillis ? 'healthy' : 'stabilizing';
  }
  if (inputs.improving) return 'recovering';
  if (inputs.serving && inputs.inEpisode && inputs.somethingRecoveredInEpisode) return 'partial';
  return 'degraded';
}
