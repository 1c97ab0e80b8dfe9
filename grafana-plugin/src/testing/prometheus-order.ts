// The order in which Prometheus lists a query's series: its engine sorts a range query's matrix (and
// the API returns it so) by `labels.Compare`, which walks both label sets in label-name order —
// `__name__` first, as `_` sorts before letters — comparing name, then value, pair by pair; where
// one set runs out first, it comes first. Grafana's data source keeps that order, one frame per series.
// So a panel sees the phase series of every group, then the next metric's, and a group's own series
// spread over the whole answer, not listed group by group.
import { Labels } from '@grafana/data';

/** Label pairs in label-name order, flattened: [name, value, name, value, …]. */
function sortedPairs(labels: Labels): string[] {
  const pairs: string[] = [];
  for (const name of Object.keys(labels).sort(byteOrder)) {
    pairs.push(name, labels[name]);
  }
  return pairs;
}

/**
 * Go compares strings byte by byte (UTF-8); JavaScript by UTF-16 code unit. The two agree except
 * between a character above U+FFFF and one in U+E000–U+FFFF; label names are ASCII by spec, and the
 * fixtures' values too.
 */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Prometheus' `labels.Compare` over pairs from `sortedPairs`. */
export function compareLabelPairs(a: readonly string[], b: readonly string[]): number {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    const c = byteOrder(a[i], b[i]);
    if (c !== 0) {
      return c;
    }
  }
  return a.length - b.length;
}

/** Series in Prometheus' answer order (a new array; the series themselves are not copied). */
export function inPrometheusOrder<T extends { metric: Labels }>(series: readonly T[]): T[] {
  const keyed = series.map((s) => ({ s, pairs: sortedPairs(s.metric) }));
  keyed.sort((x, y) => compareLabelPairs(x.pairs, y.pairs));
  return keyed.map((k) => k.s);
}
