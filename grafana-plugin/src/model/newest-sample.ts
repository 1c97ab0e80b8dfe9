// The newest sample of each series, when it still speaks for the present. A 2,000-group fleet is
// ~94,000 series read once per render: these read one sample each and allocate nothing (no array
// of values per metric and group, no spread into Math.min).
import type { Series } from './series';

/** The newest sample's value when it is not older than the cutoff; NaN otherwise. */
export function freshLatest(s: Series, cutoffMs: number): number {
  // Without samples both are undefined: `undefined < cutoffMs` is false, and the value reads as NaN.
  return (s.newestMs as number) < cutoffMs ? NaN : (s.newestValue ?? NaN);
}

/** The first series' fresh value (in series order), undefined when none is fresh. */
export function freshFirst(series: readonly Series[], cutoffMs: number): number | undefined {
  for (const s of series) {
    const v = freshLatest(s, cutoffMs);
    if (!Number.isNaN(v)) {
      return v;
    }
  }
  return undefined;
}

/** The smallest fresh value (what Math.min over them gives), undefined when none is fresh. */
export function freshMin(series: readonly Series[], cutoffMs: number): number | undefined {
  let out: number | undefined;
  for (const s of series) {
    const v = freshLatest(s, cutoffMs);
    if (!Number.isNaN(v)) {
      out = Math.min(out ?? Infinity, v);
    }
  }
  return out;
}

/** The largest fresh value (what Math.max over them gives), undefined when none is fresh. */
export function freshMax(series: readonly Series[], cutoffMs: number): number | undefined {
  let out: number | undefined;
  for (const s of series) {
    const v = freshLatest(s, cutoffMs);
    if (!Number.isNaN(v)) {
      out = Math.max(out ?? -Infinity, v);
    }
  }
  return out;
}

/** Time of the newest sample over the series (epoch ms), undefined when all are empty. */
export function newestTime(series: readonly Series[]): number | undefined {
  let newest: number | undefined;
  for (const s of series) {
    const t = s.newestMs;
    if (t !== undefined && (newest === undefined || t > newest)) {
      newest = t;
    }
  }
  return newest;
}
