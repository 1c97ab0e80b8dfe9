import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { RecordingSink } from '../../testing/recording-sink';
import { RetryBackoff } from './backoff';
import { ProbeLoop, type ProbeOutcome } from './probe-loop';
import { ProbeTimeoutError, withTimeout } from './timeout';
import { waitFor } from '../../testing/processes';

const PASSWORD = 'hunter2';
const INTERVAL = 1_000;

type Behaviour = 'answer' | 'refuse' | 'fail' | 'hang' | 'throw' | 'echo-password';

/** A loop over named nodes whose probes do what `behaviour` says, on a clock the test moves. */
function loopOf(behaviour: Record<string, Behaviour>, options: { observeRound?: () => void } = {}) {
  let nowMillis = 1_000_000;
  const abandoned: string[] = [];
  const probed: string[] = [];
  /** End the probes still hanging (as dropping their connection does). */
  const hanging: (() => void)[] = [];
  const logger = createMemoryLogger();
  const sink = new RecordingSink();
  const loop = new ProbeLoop<string, string>({
    source: 'test/cache',
    nodes: Object.keys(behaviour),
    intervalMillis: INTERVAL,
    timeoutMillis: 20,
    maxBackoffMillis: 8_000,
    now: () => nowMillis,
    random: () => 1,
    describe: (node) => `${node} (127.0.0.1:1)`,
    probe: (node, signal) => {
      probed.push(node);
      signal.addEventListener('abort', () => abandoned.push(node));
      switch (behaviour[node]) {
        case 'answer':
          return Promise.resolve(`${node} ok`);
        case 'refuse':
          return Promise.reject(Object.assign(new Error(`connect ECONNREFUSED (password ${PASSWORD})`), { code: 'ECONNREFUSED' }));
        case 'fail':
          return Promise.reject(new Error('WRONGPASS invalid username-password pair'));
        case 'echo-password':
          return Promise.reject(new Error(`WRONGPASS for ${PASSWORD} at redis://monitor:other-pw@127.0.0.1:1`));
        case 'throw':
          throw new Error('a bug before the first await');
        default:
          return new Promise<string>((_, reject) => hanging.push(() => reject(new Error('Connection is closed.'))));
      }
    },
    isRefusal: (error) => (error as { code?: string }).code === 'ECONNREFUSED',
    secretsOf: () => [PASSWORD],
    observeRound: options.observeRound ?? (() => undefined),
    logger,
  });
  return {
    loop,
    sink,
    logger,
    abandoned,
    probed,
    behaviour,
    round: () => loop.round(sink),
    kinds: async () => (await loop.round(sink)).map((o) => o.kind),
    advance: (millis: number) => (nowMillis += millis),
    now: () => nowMillis,
    endHangingProbes: () => hanging.splice(0).forEach((end) => end()),
  };
}

const errorOf = (outcome: ProbeOutcome<string>): string => (outcome as { error: string }).error;

describe('ProbeLoop.round', () => {
  it('returns every node in config order: answered, refused, failed, timeout', async () => {
    const { round, abandoned } = loopOf({ a: 'answer', b: 'refuse', c: 'fail', d: 'hang' });
    const outcomes = await round();
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['answered', 'refused', 'failed', 'timeout'],
    );
    assert.equal((outcomes[0] as { answer: string }).answer, 'a ok');
    assert.match(errorOf(outcomes[2]!), /WRONGPASS/);
    assert.match(errorOf(outcomes[3]!), /^d \(127\.0\.0\.1:1\) did not answer within 20 ms$/);
    assert.deepEqual(abandoned, ['d'], 'the hung node is abandoned so its connection can be dropped');
  });

  it('a hung node costs the round its timeout and never delays the others', async () => {
    const { round } = loopOf({ a: 'answer', d: 'hang', e: 'answer' });
    const started = Date.now();
    const outcomes = await round();
    const tookMillis = Date.now() - started;
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['answered', 'timeout', 'answered'],
    );
    assert.ok(tookMillis >= 15 && tookMillis < 1_000, `round took ${tookMillis} ms with a 20 ms timeout`);
  });

  it('never starts a second probe beside one still hanging after its timeout; probes it again once that one ends', async () => {
    const t = loopOf({ a: 'answer', d: 'hang' });
    await t.round();
    t.advance(INTERVAL);
    assert.deepEqual(await t.kinds(), ['answered', 'backing-off'], 'due again, but its last probe still hangs');
    assert.deepEqual(t.probed, ['a', 'd', 'a']);
    t.endHangingProbes();
    await new Promise((resolve) => setImmediate(resolve));
    t.behaviour['d'] = 'answer';
    assert.deepEqual(await t.kinds(), ['answered', 'answered']);
  });

  it('a timeout counts as a failure: the node backs off even once its hung probe ended', async () => {
    const t = loopOf({ d: 'hang' });
    assert.deepEqual(await t.kinds(), ['timeout']);
    t.endHangingProbes();
    await new Promise((resolve) => setImmediate(resolve));
    t.behaviour['d'] = 'answer';
    assert.deepEqual(await t.kinds(), ['backing-off']);
    t.advance(INTERVAL);
    assert.deepEqual(await t.kinds(), ['answered'], 'retried the next round');
  });

  it('a failing node: retried the next round, then with exponential backoff from the failed round; a success resets it', async () => {
    const t = loopOf({ c: 'fail' });
    const startMillis = t.now();
    assert.deepEqual(await t.kinds(), ['failed']);
    t.advance(INTERVAL);
    assert.deepEqual(await t.kinds(), ['failed'], 'a single failure is retried the next round');
    t.advance(INTERVAL);
    const waiting = (await t.round())[0]!;
    assert.deepEqual(waiting, { kind: 'backing-off', retryAtMillis: startMillis + INTERVAL + 2 * INTERVAL }, 'the second wait is two intervals');
    t.advance(INTERVAL);
    assert.deepEqual(await t.kinds(), ['failed'], 'due two intervals after the second failure');
    for (let i = 0; i < 3; i++) {
      t.advance(INTERVAL);
      assert.deepEqual(await t.kinds(), ['backing-off'], 'the third wait is four intervals');
    }
    t.advance(INTERVAL);
    t.behaviour['c'] = 'answer';
    assert.deepEqual(await t.kinds(), ['answered']);
    t.behaviour['c'] = 'fail';
    t.advance(INTERVAL);
    assert.deepEqual(await t.kinds(), ['failed']);
    t.advance(INTERVAL);
    assert.deepEqual(await t.kinds(), ['failed'], 'after a success the schedule starts over');
  });

  it('a retry due within half an interval of a round is made in that round, not a whole round later', async () => {
    const t = loopOf({ c: 'fail' });
    await t.round();
    t.advance(INTERVAL);
    await t.round(); // second failure: retry due two intervals after this round's start
    t.advance(2 * INTERVAL - INTERVAL / 2 - 1);
    assert.deepEqual(await t.kinds(), ['backing-off']);
    t.advance(1);
    assert.deepEqual(await t.kinds(), ['failed']);
  });

  it('a refusing node is asked every round (it stays unreachable, never unknown by backoff); a refusal resets the backoff', async () => {
    const t = loopOf({ b: 'refuse' });
    for (let i = 0; i < 5; i++) assert.deepEqual(await t.kinds(), ['refused']);
    t.behaviour['b'] = 'fail';
    await t.round();
    t.advance(INTERVAL);
    await t.round(); // two failures: now waiting two intervals
    t.advance(2 * INTERVAL);
    t.behaviour['b'] = 'refuse';
    assert.deepEqual(await t.kinds(), ['refused']);
    t.behaviour['b'] = 'fail';
    assert.deepEqual(await t.kinds(), ['failed']);
    t.advance(INTERVAL);
    assert.deepEqual(await t.kinds(), ['failed'], 'a first failure again: the refusal reset the backoff');
  });

  it('masks the node secrets, and any password in a URL, in every error', async () => {
    const { round } = loopOf({ b: 'refuse', c: 'echo-password' });
    const errors = (await round()).map(errorOf);
    assert.ok(
      errors.every((e) => !e.includes(PASSWORD) && !e.includes('other-pw')),
      errors.join(' | '),
    );
    assert.match(errors[1]!, /WRONGPASS for \*\*\* at redis:\/\/monitor:\*\*\*@127\.0\.0\.1:1/);
  });

  it('a probe that throws at once fails that attempt without leaving the node stuck in flight', async () => {
    const t = loopOf({ c: 'throw' });
    const [outcome] = await t.round();
    assert.deepEqual(outcome, { kind: 'failed', error: 'a bug before the first await', atMillis: t.now() });
    t.advance(INTERVAL);
    t.behaviour['c'] = 'answer';
    assert.deepEqual(await t.kinds(), ['answered']);
  });

  it('reports the source up only when every node answered or refused', async () => {
    const t = loopOf({ a: 'answer', b: 'refuse', c: 'fail' });
    await t.round();
    t.behaviour['c'] = 'answer';
    t.advance(INTERVAL);
    await t.round();
    t.behaviour['c'] = 'fail';
    await t.round();
    await t.round(); // c backing off after its failure
    assert.deepEqual(
      t.sink.sourceUps,
      [false, true, false, false].map((up) => ({ source: 'test/cache', up })),
    );
  });

  it('a bug while observing the round reports the source down and logs it, password masked', async () => {
    const t = loopOf(
      { a: 'answer' },
      {
        observeRound: () => {
          throw new Error(`cannot build observations (${PASSWORD})`);
        },
      },
    );
    assert.deepEqual(await t.kinds(), ['answered']);
    assert.equal(t.sink.lastSourceUp(), false);
    assert.equal(t.logger.lines.length, 1);
    assert.match(t.logger.lines[0]!, /^error test\/cache: probe round failed .*cannot build observations \(\*\*\*\)/);
  });
});

describe('ProbeLoop.start and stop', () => {
  it('runs rounds one at a time, keeps going after a failing round, and stop() waits for the round in flight', async () => {
    const logger = createMemoryLogger();
    const sink = new RecordingSink();
    let running = 0;
    let overlapped = false;
    let rounds = 0;
    const loop = new ProbeLoop<string, number>({
      source: 'test/cache',
      nodes: ['a'],
      intervalMillis: 5,
      timeoutMillis: 1_000,
      maxBackoffMillis: 5,
      describe: (node) => node,
      probe: async () => {
        running++;
        overlapped ||= running > 1;
        await new Promise((resolve) => setTimeout(resolve, 15)); // slower than the interval
        running--;
        return ++rounds;
      },
      isRefusal: () => false,
      secretsOf: () => [],
      observeRound: (_, [outcome]) => {
        if (outcome?.kind === 'answered' && outcome.answer === 2) throw new Error('a bug in one round');
      },
      logger,
    });
    loop.start(sink);
    loop.start(sink); // a second start() does not double the rounds
    while (rounds < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await loop.stop();
    assert.equal(running, 0, 'stop() waited for the round in flight');
    const after = rounds;
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(rounds, after, 'no round after stop()');
    assert.equal(overlapped, false);
    assert.ok(logger.lines.some((l) => l.includes('probe round failed') && l.includes('a bug in one round')));
    const ups = sink.sourceUps.map((s) => s.up);
    assert.equal(ups[0], true);
    assert.ok(ups.indexOf(false) > 0 && ups.lastIndexOf(true) > ups.indexOf(false), `the buggy round reported down, the next up again: ${ups}`);
  });
});

describe('ProbeLoop.start: nodes are not held by a slow or hung group-mate', () => {
  /** A started loop (real timers) over nodes whose probes take `delays` ms (Infinity: hang until stop). */
  function timedLoopOf(delays: Record<string, number>, timeoutMillis: number) {
    const sink = new RecordingSink();
    const deliveries: { atMillis: number; outcomes: ProbeOutcome<string>[] }[] = [];
    const probes: Record<string, number> = {};
    const hanging: (() => void)[] = [];
    const loop = new ProbeLoop<string, string>({
      source: 'test/cache',
      nodes: Object.keys(delays),
      intervalMillis: 50,
      timeoutMillis,
      maxBackoffMillis: 50,
      describe: (node) => node,
      probe: (node, abandoned) => {
        probes[node] = (probes[node] ?? 0) + 1;
        const delay = delays[node]!;
        return new Promise<string>((resolve, reject) => {
          if (delay === Infinity) {
            const end = () => reject(new Error('Connection is closed.'));
            hanging.push(end);
            abandoned.addEventListener('abort', end);
          } else setTimeout(() => resolve(`${node} ${probes[node]}`), delay);
        });
      },
      isRefusal: () => false,
      secretsOf: () => [],
      observeRound: (_, outcomes) => void deliveries.push({ atMillis: Date.now(), outcomes: [...outcomes] }),
      logger: createMemoryLogger(),
    });
    return { loop, sink, deliveries, probes, stop: async () => (hanging.splice(0).forEach((end) => end()), loop.stop()) };
  }
  const answeredAt = (deliveries: { outcomes: ProbeOutcome<string>[] }[], i: number) =>
    new Set(
      deliveries
        .map((d) => d.outcomes[i])
        .filter((o): o is Extract<ProbeOutcome<string>, { kind: 'answered' }> => o?.kind === 'answered')
        .map((o) => o.answer),
    );

  it('a hung node does not hold the others: they are delivered every round while it waits out its timeout', async () => {
    const t = timedLoopOf({ a: 1, hung: Infinity }, 20_000);
    t.loop.start(t.sink);
    try {
      // Well before the hung node's 20 s timeout, `a` has been probed and delivered round after round.
      await waitFor('a delivered in several rounds', 10_000, () => (answeredAt(t.deliveries, 0).size >= 4 ? true : undefined), 10);
      assert.ok(
        t.deliveries.every((d) => d.outcomes[1]!.kind === 'backing-off'),
        'the hung node has nothing to say (no stale answer used)',
      );
      assert.equal(t.probes['hung'], 1, 'never a second probe beside the hung one');
      assert.deepEqual(t.sink.sourceUps, [], 'nothing said of the source before the hung node was ever heard of');
    } finally {
      await t.stop();
    }
  });

  it('a node slower than the round patience (within its timeout) is delivered when it ends, and the source does not flap', async () => {
    const t = timedLoopOf({ a: 1, slow: 80 }, 5_000); // slower than the 50 ms interval
    t.loop.start(t.sink);
    try {
      await waitFor('the slow node answered four times', 10_000, () => (answeredAt(t.deliveries, 1).size >= 4 ? true : undefined), 10);
      assert.ok(t.probes['slow']! - answeredAt(t.deliveries, 1).size <= 1, 'every ended probe of the slow node was delivered (one may still run)');
      assert.ok(t.sink.sourceUps.length > 0 && t.sink.sourceUps.every((s) => s.up), `up throughout: ${t.sink.sourceUps.map((s) => s.up)}`);
    } finally {
      await t.stop();
    }
  });
});

describe('RetryBackoff', () => {
  it('doubles the wait per failure from the interval, caps it at the maximum, jitters it within 50–100 %', () => {
    const waits = (random: number, count: number) => {
      const backoff = new RetryBackoff({ initialMillis: 1_000, maxMillis: 8_000, random: () => random });
      return Array.from({ length: count }, () => backoff.failed(0));
    };
    assert.deepEqual(waits(1, 6), [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    assert.deepEqual(waits(0.999999, 5), [1_000, 2_000, 4_000, 8_000, 8_000]);
    assert.deepEqual(waits(0, 5), [500, 1_000, 2_000, 4_000, 4_000]);
    assert.equal(waits(0.5, 3)[2], 3_000);
  });

  it('blocks attempts until the wait passed and resets on success', () => {
    const backoff = new RetryBackoff({ initialMillis: 1_000, maxMillis: 8_000, random: () => 0.999999 });
    backoff.failed(10_000);
    assert.equal(backoff.mayAttempt(10_500), false);
    assert.equal(backoff.mayAttempt(11_000), true);
    assert.equal(backoff.nextAttemptMillis, 11_000);
    backoff.succeeded();
    assert.equal(backoff.consecutiveFailures, 0);
    assert.equal(backoff.nextAttemptMillis, 0);
    assert.equal(backoff.mayAttempt(0), true);
  });

  it('rejects nonsense settings with the values in the message', () => {
    assert.throws(() => new RetryBackoff({ initialMillis: 0, maxMillis: 10 }), /got 0, 10/);
  });
});

describe('withTimeout', () => {
  it('rejects with ProbeTimeoutError naming what hung, and does not wait for the hung work', async () => {
    const hung = new Promise<never>(() => undefined);
    await assert.rejects(withTimeout(hung, 20, 'cache-b (127.0.0.1:1)'), (error: unknown) => {
      assert.ok(error instanceof ProbeTimeoutError);
      assert.match(error.message, /cache-b \(127\.0\.0\.1:1\) did not answer within 20 ms/);
      return true;
    });
  });

  it('passes answers and errors through', async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 1_000, 'x'), 7);
    await assert.rejects(withTimeout(Promise.reject(new Error('boom')), 1_000, 'x'), /boom/);
  });
});
