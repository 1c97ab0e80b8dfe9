import { selectors } from './config';

/**
 * A selector for one of the collector's series, always scoped to the collector's scrape job:
 * `series('recovery_group_phase', 'phase="degraded"')` → `recovery_group_phase{job="rebound",phase="degraded"}`.
 */
export function series(metric: string, ...matchers: string[]): string {
  return `${metric}{${[selectors.collector, ...matchers].join(',')}}`;
}

/** Aggregation labels, always with the cluster label first: `by('group')` → `cluster, group`. */
export function by(labels: string): string {
  return `${selectors.clusterLabel}, ${labels}`;
}

/** `max by (cluster, labels) (expr)`: one value per group (or member) however many collectors scrape it. */
export function maxBy(labels: string, expr: string): string {
  return `max by (${by(labels)}) (${expr})`;
}

/** `sum by (cluster, labels) (expr)`. */
export function sumBy(labels: string, expr: string): string {
  return `sum by (${by(labels)}) (${expr})`;
}

/** A vector-matching clause on the cluster and `labels`: `on('group')` → `on (cluster, group)`. */
export function on(labels: string): string {
  return `on (${by(labels)})`;
}

/** A number as PromQL writes it, without float noise (13.440000000000001 → 13.44). */
export function num(value: number): string {
  return String(Number(value.toFixed(6)));
}

/** Prometheus duration ("1h", "3d") → seconds. Only the units our config uses. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(duration);
  if (!match) throw new Error(`duration "${duration}" is not like 30s, 10m, 1h or 3d`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** A literal for a PromQL regex matcher inside a double-quoted string: `a.b` → `a\\.b`. */
export function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\\\${c}`);
}
