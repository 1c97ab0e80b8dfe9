import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdDownSeconds, timeInPhaseSeconds } from './time-in-phase';

describe('timeInPhaseSeconds', () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const at = (s: number) => t0 + s * 1000;

  it('gives the open episode its current phase so far, and sums to now − start', () => {
    const open = {
      endMillis: null,
      phases: [
        { phase: 'degraded' as const, atMillis: at(0) },
        { phase: 'recovering' as const, atMillis: at(40) },
        { phase: 'degraded' as const, atMillis: at(50) },
      ],
    };
    const time = timeInPhaseSeconds(open, at(75));
    assert.deepEqual(time, { degraded: 65, recovering: 10 });
  });

  it('gives a completed episode end − start in all, the closing healthy none, and the final stabilizing as the hold-down', () => {
    const done = {
      endMillis: at(100),
      phases: [
        { phase: 'unknown' as const, atMillis: at(0) },
        { phase: 'recovering' as const, atMillis: at(10) },
        { phase: 'stabilizing' as const, atMillis: at(30) },
        { phase: 'recovering' as const, atMillis: at(35) },
        { phase: 'stabilizing' as const, atMillis: at(40) },
        { phase: 'healthy' as const, atMillis: at(100) },
      ],
    };
    assert.deepEqual(timeInPhaseSeconds(done, at(500)), { unknown: 10, recovering: 25, stabilizing: 65 });
    assert.equal(holdDownSeconds(done), 60);
  });
});
