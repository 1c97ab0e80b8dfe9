import type { GroupState } from './group-state';

/**
 * The ETA as of `nowMillis` (a scrape, an export, a request): the expected
 * completion minus now, so a reader a tick or a scrape late still gets what is
 * left rather than the tick's figure. 0 once all converged; null without an ETA.
 */
export function etaSecondsAt(state: Pick<GroupState, 'etaSeconds' | 'etaDeadlineMillis'>, nowMillis: number): number | null {
  if (state.etaDeadlineMillis === null) return state.etaSeconds;
  return Math.max(0, (state.etaDeadlineMillis - nowMillis) / 1000);
}
