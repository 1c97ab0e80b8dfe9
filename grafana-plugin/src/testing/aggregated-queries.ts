// A scenario as a dashboard with one query per metric that aggregates (`max by (group, …)`), so
// Prometheus drops `__name__`: what the panel gets when the refIds are A, B, C instead of metric names.
import { Labels } from '@grafana/data';

import { PromMatrixResult, PromQueryResult } from './prometheus-frames';
import { inPrometheusOrder } from './prometheus-order';

/** `refIdOf(metric)` names each metric's query; series of metrics it returns undefined for are left out. */
export function aggregatedQueries(query: PromQueryResult, refIdOf: (metric: string) => string | undefined): PromQueryResult[] {
  if (query.response.status !== 'success' || query.response.data.resultType !== 'matrix') {
    throw new Error('expected a matrix answer');
  }
  const byRefId = new Map<string, PromMatrixResult[]>();
  for (const r of query.response.data.result) {
    const refId = refIdOf(r.metric.__name__ ?? '');
    if (refId === undefined) {
      continue;
    }
    const { __name__: _dropped, ...labels }: Labels = r.metric;
    const list = byRefId.get(refId) ?? [];
    list.push({ metric: labels, values: r.values });
    byRefId.set(refId, list);
  }
  // Grafana answers a panel's queries in the panel's order (A, B, C as the editor names them), each
  // answer sorted by its labels as Prometheus sorts it.
  return Array.from(byRefId)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([refId, result]) => ({
      ...query,
      refId,
      expr: `max by (group, …) (…) # refId ${refId}`,
      response: { status: 'success' as const, data: { resultType: 'matrix' as const, result: inPrometheusOrder(result) } },
    }));
}
