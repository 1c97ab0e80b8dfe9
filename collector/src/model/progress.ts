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
 * Recent catch-up rate in progress per second, from samples stamped with the
 * time their observations were made (not the tick that read them).
 *
 * - The rate starts at the first observed movement: samples up to the window's
 *   low point (its latest lowest sample) are before the catch-up and say
 *   nothing about its speed — the member may have started moving any time
 *   after that sample, so measuring from it makes the rate too low.
 * - Recent movement weighs more: a least-squares slope over the moving samples
 *   with weights halving every quarter window, so a rate that changes shows
 *   within seconds and a single late sample does not swing it.
 * - No rise over the last third of the window is a stall: rate 0.
 *
 * Null when fewer than two samples moved. Samples come as two columns, times
 * and progress, oldest first, times strictly increasing: a plain array of
 * numbers is one contiguous block (a fleet tick reads them without chasing
 * pointers).
 */
export function recentRatePerSecond(atMillis: readonly number[], progress: readonly number[], windowMillis: number): number | null {
  const newest = atMillis.length - 1;
  if (newest < 1) return null;
  const newestMillis = atMillis[newest]!;
  let low = -1;
  for (let i = 0; i <= newest; i++) {
    if (newestMillis - atMillis[i]! > windowMillis) continue;
    if (low < 0 || progress[i]! <= progress[low]!) low = i;
  }
  const first = low + 1;
  if (newest - first < 1) return null;
  if (!roseSince(atMillis, progress, low, newestMillis - windowMillis / 3)) return 0;
  return weightedSlopePerSecond(atMillis, progress, first, newest, windowMillis / 4);
}

/** Whether the newest sample is above the last one taken at or before `sinceMillis` (but not before the low point). */
function roseSince(atMillis: readonly number[], progress: readonly number[], low: number, sinceMillis: number): boolean {
  const newest = atMillis.length - 1;
  let reference = newest;
  while (reference > low && atMillis[reference]! > sinceMillis) reference--;
  return progress[newest]! > progress[reference]!;
}

/** Least-squares slope of progress over time (per second) on samples first..last, weight ½ per `halfLifeMillis` of age. */
function weightedSlopePerSecond(atMillis: readonly number[], progress: readonly number[], first: number, last: number, halfLifeMillis: number): number | null {
  const newestMillis = atMillis[last]!;
  let sw = 0;
  let st = 0;
  let sp = 0;
  for (let i = first; i <= last; i++) {
    const w = Math.pow(0.5, (newestMillis - atMillis[i]!) / halfLifeMillis);
    sw += w;
    st += w * (atMillis[i]! - newestMillis);
    sp += w * progress[i]!;
  }
  const meanT = st / sw;
  const meanP = sp / sw;
  let stt = 0;
  let stp = 0;
  for (let i = first; i <= last; i++) {
    const w = Math.pow(0.5, (newestMillis - atMillis[i]!) / halfLifeMillis);
    const dt = atMillis[i]! - newestMillis - meanT;
    stt += w * dt * dt;
    stp += w * dt * (progress[i]! - meanP);
  }
  return stt > 0 ? (stp / stt) * 1000 : null;
}

/**
 * Whether the newest sample rose above the window's low point: movement seen,
 * even when one moving sample is too few for a rate yet ("recovering, no ETA yet").
 */
export function roseFromLow(atMillis: readonly number[], progress: readonly number[], windowMillis: number): boolean {
  const newest = atMillis.length - 1;
  if (newest < 1) return false;
  for (let i = 0; i < newest; i++) {
    if (atMillis[newest]! - atMillis[i]! <= windowMillis && progress[i]! < progress[newest]!) return true;
  }
  return false;
}

/**
 * ETA in seconds from the moment the progress was observed (the caller ages
 * it to its own clock): remaining work ÷ recent rate. Only when the rate is positive
 * and every unconverged member is lagging (an unreachable, diverged or unknown
 * member does not drain on its own, so any number would be invented).
 */
export function etaSeconds(progress: number, ratePerSecond: number | null, everyUnconvergedIsLagging: boolean): number | null {
  if (progress >= 1) return 0;
  if (!everyUnconvergedIsLagging || ratePerSecond === null || !(ratePerSecond > 0)) return null;
  return (1 - progress) / ratePerSecond;
}
