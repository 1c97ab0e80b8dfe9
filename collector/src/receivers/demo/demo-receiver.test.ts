import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { RecordingSink } from '../../testing/recording-sink';
import { parseDemoConfig } from './config';
import { demoReceiverFactory } from './factory';

describe('DemoReceiver', () => {
  it('declares its members, reports a round at start and then every interval, and stops', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let now = 1_700_000_000_000;
    const receiver = demoReceiverFactory.create('orders-db', parseDemoConfig({}, 'demo'), {
      intervalMillis: 1000,
      logger: createMemoryLogger(),
      now: () => now,
    });
    assert.equal(receiver.source, 'demo/orders-db');
    const sink = new RecordingSink();
    await receiver.start(sink);

    assert.deepEqual(
      sink.declarations.map((d) => [d.group, d.members.map((m) => m.member)]),
      [['orders-db', ['pg-1', 'pg-2', 'pg-3']]],
    );
    assert.deepEqual(sink.sourceUps, [{ source: 'demo/orders-db', up: true }]);
    assert.equal(sink.observations.length, 3);
    assert.ok(sink.observations.every((o) => o.group === 'orders-db' && o.source === 'demo/orders-db' && o.observedAtMillis === now));

    for (let i = 0; i < 12; i++) {
      now += 1000;
      t.mock.timers.tick(1000);
    }
    assert.equal(sink.sourceUps.length, 13, 'one sourceUp per round');
    assert.equal(sink.observations.length, 13 * 3);
    const at11 = sink.observations.filter((o) => o.observedAtMillis === now - 1000);
    assert.equal(at11.find((o) => o.member === 'pg-1')!.reachable, false, 'the story runs on the context clock: pg-1 is down at 11 s');

    await receiver.stop();
    t.mock.timers.tick(5000);
    assert.equal(sink.sourceUps.length, 13, 'no rounds after stop');
  });

  it("reports the source down during the story's blind spot", async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let now = 0;
    const receiver = demoReceiverFactory.create('sessions-cache', parseDemoConfig({ scenario: 'cache', speed: 2 }, 'demo'), {
      intervalMillis: 500,
      logger: createMemoryLogger(),
      now: () => now,
    });
    const sink = new RecordingSink();
    await receiver.start(sink);
    // Speed 2 with a 500 ms interval: each round is one simulated second; the cache is blind from 2 s to 16 s.
    for (let i = 0; i < 20; i++) {
      now += 500;
      t.mock.timers.tick(500);
    }
    await receiver.stop();
    const ups = sink.sourceUps.map(({ up }) => up);
    assert.deepEqual(ups.slice(0, 2), [true, true]);
    assert.ok(ups.slice(2, 16).every((up) => !up));
    assert.ok(ups.slice(16).every((up) => up));
  });

  it('turns a failing round into the source down and a log line, never a throw', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const logger = createMemoryLogger();
    const receiver = demoReceiverFactory.create('g', parseDemoConfig({}, 'demo'), { intervalMillis: 1000, logger, now: () => 0 });
    const sink = new RecordingSink();
    sink.observe = mock.fn(() => {
      throw new Error('sink is full');
    });
    await receiver.start(sink);
    await receiver.stop();
    assert.deepEqual(sink.sourceUps, [{ source: 'demo/g', up: false }]);
    assert.match(logger.lines.join('\n'), /demo round failed.*sink is full/);
  });
});
