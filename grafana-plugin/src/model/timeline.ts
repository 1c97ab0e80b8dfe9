// The phase timeline's arithmetic: what is under the pointer, the time axis, time spent per phase.
import { Phase } from './contract';
import type { PhaseSegment } from './group-model';

/** The segment covering `timeMs`, if any (a stretch without data is a segment too). */
export function segmentAt(segments: PhaseSegment[], timeMs: number): PhaseSegment | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid];
    if (timeMs < s.fromMs) {
      hi = mid - 1;
    } else if (timeMs >= s.toMs) {
      lo = mid + 1;
    } else {
      return s;
    }
  }
  return undefined;
}

/** Steps a time axis may use, in ms: the first that gives at most `maxTicks` ticks over the range. */
const STEPS_MS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((s) => s * 1000);

/** Round times inside [fromMs, toMs] for axis labels, at most `maxTicks` of them. */
export function axisTicks(fromMs: number, toMs: number, maxTicks: number): number[] {
  const span = toMs - fromMs;
  if (!(span > 0) || maxTicks < 1) {
    return [];
  }
  const step = STEPS_MS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks);
  const ticks: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) {
    ticks.push(t);
  }
  return ticks;
}

export interface PhaseTime {
  phase: Phase | 'nodata';
  seconds: number;
}

/** Time spent in each phase inside [fromMs, toMs], longest first; stretches without data count as `nodata`. */
export function timeInPhase(segments: PhaseSegment[], fromMs: number, toMs: number): PhaseTime[] {
  const totals = new Map<Phase | 'nodata', number>();
  let covered = 0;
  for (const s of segments) {
    const ms = Math.min(s.toMs, toMs) - Math.max(s.fromMs, fromMs);
    if (ms > 0) {
      totals.set(s.phase, (totals.get(s.phase) ?? 0) + ms);
      covered += ms;
    }
  }
  // Before the first sample (a young series, or a collector not scraped yet) there is no data either.
  const uncovered = toMs - fromMs - covered;
  if (uncovered >= 1000) {
    totals.set('nodata', (totals.get('nodata') ?? 0) + uncovered);
  }
  return Array.from(totals, ([phase, ms]) => ({ phase, seconds: ms / 1000 })).sort((a, b) => b.seconds - a.seconds);
}

/** The current phase and how long it has lasted so far: the last segment with data, when it reaches the newest sample. */
export function currentPhaseSoFar(segments: PhaseSegment[]): { phase: Phase; sinceMs: number; seconds: number } | undefined {
  const last = segments[segments.length - 1];
  if (!last || last.phase === 'nodata') {
    return undefined;
  }
  return { phase: last.phase, sinceMs: last.fromMs, seconds: (last.toMs - last.fromMs) / 1000 };
}
