import { isPhase, Phase, PHASES, phaseRank } from './contract';
import type { LagPoint, PhaseSegment } from './group-model';
import { Series } from './series';

/**
 * The history a group card draws over the panel's time range: the lag
 * sparkline and the mini phase timeline, from the series Grafana returned.
 */

/** Points kept for the lag sparkline: enough for its width, few enough for 2,000 groups. */
const LAG_POINTS = 60;

/** Largest member lag per instant, reduced to at most LAG_POINTS buckets (each keeps its peak). */
export function lagHistory(series: Series[]): LagPoint[] {
  const merged =
    alignedLagMax(series) ?? mergeByTime<number>(series, (_s, v, current) => (v !== null && Number.isFinite(v) ? Math.max(current ?? 0, v) : current));
  const n = merged.times.length;
  const stride = Math.max(1, Math.ceil(n / LAG_POINTS));
  const out: LagPoint[] = [];
  for (let start = 0; start < n; start += stride) {
    const end = Math.min(n, start + stride);
    let peak = merged.values[start];
    for (let i = start + 1; i < end; i++) {
      peak = Math.max(peak, merged.values[i]);
    }
    out.push({ timeMs: merged.times[end - 1], lagSeconds: peak });
  }
  return out;
}

/** Phase at each sample time (worst if several claim 1), merged into segments; gaps become `nodata`. */
export function phaseHistory(series: Series[], stepMs: number): PhaseSegment[] {
  const phased = series.filter((s) => isPhase(s.labels.phase));
  const { times, values } =
    alignedWorstPhase(phased) ??
    mergeByTime<Phase>(phased, (s, v, current) => {
      const phase = s.labels.phase as Phase;
      return v === 1 && (current === undefined || phaseRank(phase) > phaseRank(current)) ? phase : current;
    });
  const gapMs = Math.max(stepMs, 1000) * 2.5;
  const segments: PhaseSegment[] = [];
  for (let i = 0; i < times.length; i++) {
    const from = times[i];
    const phase = values[i];
    const next = i + 1 < times.length ? times[i + 1] : undefined;
    const to = next !== undefined && next - from <= gapMs ? next : from + Math.max(stepMs, 1000);
    const last = segments[segments.length - 1];
    if (last && last.phase === phase && last.toMs === from) {
      last.toMs = to;
    } else {
      segments.push({ phase, fromMs: from, toMs: to });
    }
    if (next !== undefined && to < next) {
      segments.push({ phase: 'nodata', fromMs: to, toMs: next });
    }
  }
  return segments;
}

/**
 * Samples of several series combined per timestamp, ascending, as two parallel arrays. Series from
 * one scrape and one query step share their timestamps, so the usual case walks arrays by index;
 * others go through a map.
 */
function mergeByTime<T>(
  series: Series[],
  combine: (s: Series, value: number | null, current: T | undefined) => T | undefined,
): { times: number[]; values: T[] } {
  const times: number[] = [];
  const values: T[] = [];
  if (series.length === 0) {
    return { times, values };
  }
  const base = series[0].times;
  if (series.every((s) => sameTimes(s.times, base))) {
    const acc = new Array<T | undefined>(base.length);
    for (const s of series) {
      const v = s.values;
      for (let i = 0; i < base.length; i++) {
        acc[i] = combine(s, v[i], acc[i]);
      }
    }
    for (let i = 0; i < base.length; i++) {
      if (acc[i] !== undefined) {
        times.push(base[i]);
        values.push(acc[i] as T);
      }
    }
    return { times, values };
  }
  const byTime = new Map<number, T>();
  for (const s of series) {
    for (let i = 0; i < s.times.length; i++) {
      const next = combine(s, s.values[i], byTime.get(s.times[i]));
      if (next !== undefined) {
        byTime.set(s.times[i], next);
      }
    }
  }
  for (const t of Array.from(byTime.keys()).sort((x, y) => x - y)) {
    times.push(t);
    values.push(byTime.get(t) as T);
  }
  return { times, values };
}

// Fast paths for the usual case (all series of a group on the same timestamps): plain loops over
// typed arrays, no callback per sample. 500 groups × 9 series × 240 samples make this the hot spot.

function alignedLagMax(series: Series[]): { times: number[]; values: number[] } | undefined {
  const base = series[0]?.times;
  if (!base || !series.every((s) => sameTimes(s.times, base))) {
    return undefined;
  }
  const acc = new Float64Array(base.length).fill(-1);
  for (const s of series) {
    const v = s.values;
    for (let i = 0; i < base.length; i++) {
      const x = v[i];
      if (x !== null && x > acc[i] && x !== Infinity) {
        acc[i] = x;
      }
    }
  }
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < base.length; i++) {
    if (acc[i] >= 0) {
      times.push(base[i]);
      values.push(acc[i]);
    }
  }
  return { times, values };
}

/** Phases by rank: BY_RANK[phaseRank(p)] === p. */
const BY_RANK: Phase[] = [...PHASES].sort((a, b) => phaseRank(a) - phaseRank(b));

function alignedWorstPhase(series: Series[]): { times: number[]; values: Phase[] } | undefined {
  const base = series[0]?.times;
  if (!base || !series.every((s) => sameTimes(s.times, base))) {
    return undefined;
  }
  const NONE = -1;
  const acc = new Int8Array(base.length).fill(NONE);
  for (const s of series) {
    const rank = phaseRank(s.labels.phase as Phase);
    const v = s.values;
    for (let i = 0; i < base.length; i++) {
      if (v[i] === 1 && rank > acc[i]) {
        acc[i] = rank;
      }
    }
  }
  const times: number[] = [];
  const values: Phase[] = [];
  for (let i = 0; i < base.length; i++) {
    if (acc[i] !== NONE) {
      times.push(base[i]);
      values.push(BY_RANK[acc[i]]);
    }
  }
  return { times, values };
}

function sameTimes(a: number[], b: number[]): boolean {
  if (a === b) {
    return true;
  }
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}
