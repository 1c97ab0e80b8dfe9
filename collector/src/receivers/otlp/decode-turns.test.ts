import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeTurns } from './decode-turns';

describe('DecodeTurns', () => {
  it('gives requests that are ready at once one event-loop turn each, in order', async () => {
    // A ticker that re-schedules itself counts event-loop turns (one check phase each).
    let turn = 0;
    let ticking = true;
    const tick = (): void => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const turns = new DecodeTurns();
    const seen: [number, number][] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (request) => {
        await turns.next();
        seen.push([request, turn]);
      }),
    );
    ticking = false;
    assert.deepEqual(
      seen.map(([request]) => request),
      [0, 1, 2, 3],
    );
    const loopTurns = seen.map(([, at]) => at);
    assert.equal(new Set(loopTurns).size, 4, `each decode in a turn of its own (turns ${loopTurns.join(', ')})`);
  });
});
