import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramBucketsSeconds, slo, sloRtoSeconds } from '../config';
import { regexLiteral } from '../promql';
import { burnRateFactor, checkSloConfig, errorBudget, sliWindows } from './slo-rules';

describe('SLO math', () => {
  it('derives the burn-rate factors for a 28 d period from the budget share each window may spend', () => {
    const factors = slo.burnRateAlerts.map((a) => Number(burnRateFactor(a).toFixed(4)));
    assert.deepEqual(factors, [13.44, 5.6, 2.8, 0.9333]);
  });

  it('has a 5 % error budget for a 95 % target', () => {
    assert.equal(Number(errorBudget.toFixed(6)), 0.05);
  });

  it('records every window the alerts and the report need, shortest first', () => {
    assert.deepEqual(sliWindows, ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d']);
  });

  it('counts each group against an RTO that is a histogram bucket, so the share is exact', () => {
    assert.doesNotThrow(checkSloConfig);
    assert.ok(histogramBucketsSeconds.includes(sloRtoSeconds('orders-db')));
    assert.equal(sloRtoSeconds('any-other-group'), slo.defaultRtoSeconds);
  });
});

describe('regexLiteral', () => {
  it('escapes regex characters for a PromQL double-quoted matcher', () => {
    assert.equal(regexLiteral('orders-db'), 'orders-db');
    assert.equal(regexLiteral('a.b'), 'a\\\\.b');
  });
});
