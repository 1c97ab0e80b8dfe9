import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseExposition } from '../../preview/exposition.mjs';
import { ScrapeHistory } from '../../preview/scrape-history.mjs';

describe('parseExposition', () => {
  it('reads names, escaped label values and special values', () => {
    const text = [
      '# HELP recovery_group_phase Phase of the group',
      '# TYPE recovery_group_phase gauge',
      'recovery_group_phase{group="orders-db",phase="partial"} 1',
      'recovery_member_lag_seconds{group="a \\"b\\"",member="x\\\\y"} 38.5 1700000000000',
      'recovery_group_eta_seconds{group="c"} NaN',
      'recovery_source_up 1',
      'weird{le="+Inf"} +Inf',
    ].join('\n');
    const samples = parseExposition(text);
    assert.deepEqual(samples[0], { labels: { __name__: 'recovery_group_phase', group: 'orders-db', phase: 'partial' }, value: 1 });
    assert.deepEqual(samples[1].labels, { __name__: 'recovery_member_lag_seconds', group: 'a "b"', member: 'x\\y' });
    assert.equal(samples[1].value, 38.5);
    assert.ok(Number.isNaN(samples[2].value));
    assert.deepEqual(samples[3], { labels: { __name__: 'recovery_source_up' }, value: 1 });
    assert.equal(samples[4].value, Infinity);
  });
});

describe('ScrapeHistory', () => {
  const history = () => new ScrapeHistory({ target: 'http://127.0.0.1:9464', intervalMs: 5000, retentionMs: 3600_000, match: /^recovery_/ });
  const phase = (value) => ({ labels: { __name__: 'recovery_group_phase', group: 'g', phase: 'healthy' }, value });

  it('answers query_range like Prometheus: samples at each step, job and instance labels added', () => {
    const h = history();
    h.record([phase(1)], 10_000);
    h.record([phase(0)], 15_000);
    const answer = h.queryRange(10_000, 20_000, 5000);
    assert.equal(answer.data.resultType, 'matrix');
    const [series] = answer.data.result;
    assert.deepEqual(series.metric, { __name__: 'recovery_group_phase', group: 'g', phase: 'healthy', job: 'rebound', instance: '127.0.0.1:9464' });
    assert.deepEqual(series.values, [
      [10, '1'],
      [15, '0'],
      [20, '0'],
    ]);
  });

  it('lists the series sorted by their labels, as Prometheus does: by metric, then label pairs in name order', () => {
    const h = history();
    const sample = (labels) => ({ labels, value: 1 });
    h.record(
      [
        sample({ __name__: 'recovery_member_status', group: 'b', member: 'm1', status: 'converged' }),
        sample({ __name__: 'recovery_group_phase', group: 'b', phase: 'healthy' }),
        sample({ __name__: 'recovery_group_phase', group: 'a', phase: 'healthy' }),
        sample({ __name__: 'recovery_group_finding', cause: 'diverged', group: 'b' }),
        sample({ __name__: 'recovery_group_finding', cause: 'replica_lagging', group: 'a' }),
      ],
      10_000,
    );
    const order = h.queryRange(10_000, 10_000, 5000).data.result.map((r) => `${r.metric.__name__} ${r.metric.cause ?? ''}${r.metric.group}`);
    assert.deepEqual(order, [
      'recovery_group_finding divergedb', // `cause` sorts before `group`: compared first
      'recovery_group_finding replica_lagginga',
      'recovery_group_phase a',
      'recovery_group_phase b',
      'recovery_member_status b',
    ]);
  });

  it('ends a series that disappears (staleness marker), so the panel sees stale data, not the last value', () => {
    const h = history();
    h.record([phase(1)], 10_000);
    h.record([], 15_000); // failed scrape or series gone
    const [series] = h.queryRange(10_000, 60_000, 5000).data.result;
    assert.deepEqual(series.values, [[10, '1']]);
  });
});
