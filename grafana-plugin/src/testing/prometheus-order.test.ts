import { Labels } from '@grafana/data';

import { METRICS } from '../model/contract';
import { inPrometheusOrder } from './prometheus-order';
import { scenarioGroups, scenarioQuery } from './scenarios';

const names = (series: Array<{ metric: Labels }>) =>
  series.map(({ metric }) =>
    Object.keys(metric)
      .sort()
      .map((k) => `${k}=${metric[k]}`)
      .join(','),
  );

describe('inPrometheusOrder', () => {
  it('sorts as labels.Compare: pair by pair in label-name order, __name__ first, the shorter set first', () => {
    const series: Array<{ metric: Labels }> = [
      { metric: { __name__: 'b', group: 'a' } },
      { metric: { __name__: 'a', group: 'z', status: 'x' } },
      { metric: { __name__: 'a', group: 'z' } },
      { metric: { __name__: 'a', cause: 'y', group: 'z' } },
      { metric: { __name__: 'a', group: 'b', phase: 'p' } },
      { metric: { __name__: 'a', group: 'B' } },
    ];
    expect(names(inPrometheusOrder(series))).toEqual([
      '__name__=a,cause=y,group=z', // `cause` < `group`: compared by name before any value
      '__name__=a,group=B', // byte order: upper case first
      '__name__=a,group=b,phase=p',
      '__name__=a,group=z',
      '__name__=a,group=z,status=x',
      '__name__=b,group=a',
    ]);
  });

  it('the scenario answer lists series by metric, then group, as Prometheus does', () => {
    const q = scenarioQuery(scenarioGroups('healthy'), Date.UTC(2026, 0, 1));
    if (q.response.status !== 'success' || q.response.data.resultType !== 'matrix') {
      throw new Error('expected a matrix');
    }
    const result = q.response.data.result;
    const metrics = result.map((r) => r.metric.__name__);
    expect(metrics).toEqual([...metrics].sort());
    const phases = result.filter((r) => r.metric.__name__ === METRICS.phase).map((r) => `${r.metric.group} ${r.metric.phase}`);
    expect(phases.slice(0, 2)).toEqual(['cache degraded', 'cache healthy']);
  });
});
