// A scenario as a dashboard with one query per metric that aggregates (`max by (group, …)`), so
// Prometheus drops `__name__`: what the panel gets when the refIds are A, B, C instead of metric names.
import { Labels } from '@grafana/data';

import { PromMatrixResult, PromQueryResult } from './prometheus-frames';

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
  return Array.from(byRefId, ([refId, result]) => ({
    ...query,
    refId,
    expr: `max by (group, …) (…) # refId ${refId}`,
    response: { status: 'success' as const, data: { resultType: 'matrix' as const, result } },
  }));
}
