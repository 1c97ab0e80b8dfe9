import type { MemberStatus } from './types';

/**
 * One member's share of recovery progress (DESIGN.md §2.4): converged 1; lagging
 * 1 − lag_now / lag_peak (clamped); anything else 0 — we never credit progress
 * we cannot back with fresh data.
 */
export function memberProgress(status: MemberStatus, lagNow: number | null, lagPeak: number | null): number {
  if (status === 'converged') return 1;
  if (status !== 'lagging' || lagNow === null || lagPeak === null || lagPeak <= 0) return 0;
  return Math.min(1, Math.max(0, 1 - lagNow / lagPeak));
}

/**
 * Recent catch-up rate in progress per second: from the lowest point within the
 * window (the latest one, if several) to now. Measuring from the low point
 * rather than the window's start means a recovery that began after lag peaked
 * gets its real rate, and a stall shows as no rise at all. Null when the
 * window holds too little to say.
 *
 * Samples come as two columns, times and progress, oldest first: a plain array
 * of numbers is one contiguous block, where an object per sample cost a fleet
 * tick a pointer chase per sample.
 */
export function recentRatePerSecond(
  atMillis: readonly number[],
  progress: readonly number[],
  nowMillis: number,
  windowMillis: number,
): number | null {
  let low = -1;
  for (let i = 0; i < atMillis.length; i++) {
    if (nowMillis - atMillis[i]! > windowMillis) continue;
    if (low < 0 || progress[i]! <= progress[low]!) low = i;
  }
  const newest = atMillis.length - 1;
  if (low < 0 || atMillis[newest]! - atMillis[low]! <= 0) return null;
  return (progress[newest]! - progress[low]!) / ((atMillis[newest]! - atMillis[low]!) / 1000);
}

/**
 * ETA in seconds: remaining work ÷ recent rate. Only when the rate is positive
 * and every unconverged member is lagging (an unreachable, diverged or unknown
 * member does not drain on its own, so any number would be invented).
 */
export function etaSeconds(progress: number, ratePerSecond: number | null, everyUnconvergedIsLagging: boolean): number | null {
  if (progress >= 1) return 0;
  if (!everyUnconvergedIsLagging || ratePerSecond === null || !(ratePerSecond > 0)) return null;
  return (1 - progress) / ratePerSecond;
}
