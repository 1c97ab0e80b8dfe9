import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { ReconnectBackoff } from './backoff';
import { classifyProbeError, safeMessage } from './errors';
import { chooseRoundLeader, splitBrainReason } from './leader-choice';
import { memberAt } from './node-address';
import { ProbeLoop } from './probe-loop';
import { Secret } from './secret';
import { ProbeTimeoutError, withTimeout } from './timeout';

describe('ReconnectBackoff', () => {
  it('doubles the delay per failure up to the maximum, with jitter in [delay/2, delay]', () => {
    const low = new ReconnectBackoff({ initialMillis: 1_000, maxMillis: 8_000, random: () => 0 });
    const high = new ReconnectBackoff({ initialMillis: 1_000, maxMillis: 8_000, random: () => 0.999999 });
    assert.deepEqual([1, 2, 3, 4, 5].map(() => low.failed(0)), [500, 1_000, 2_000, 4_000, 4_000]);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => high.failed(0)), [1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it('blocks attempts until the delay passed and resets on success', () => {
    const backoff = new ReconnectBackoff({ initialMillis: 1_000, maxMillis: 8_000, random: () => 0.999999 });
    backoff.failed(10_000);
    assert.equal(backoff.mayAttempt(10_500), false);
    assert.equal(backoff.mayAttempt(11_000), true);
    backoff.succeeded();
    assert.equal(backoff.consecutiveFailures, 0);
    assert.equal(backoff.mayAttempt(0), true);
  });

  it('a per-failure cap keeps refused nodes inside the freshness window', () => {
    const backoff = new ReconnectBackoff({ initialMillis: 1_000, maxMillis: 30_000, random: () => 0.999999 });
    const delays = [1, 2, 3, 4, 5, 6].map(() => backoff.failed(0, 2_000));
    assert.ok(delays.every((d) => d <= 2_000), String(delays));
  });

  it('rejects nonsense settings with the values in the message', () => {
    assert.throws(() => new ReconnectBackoff({ initialMillis: 0, maxMillis: 10 }), /got 0, 10/);
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

describe('classifyProbeError and safeMessage', () => {
  it('refused when the host says nothing is there or the server is shutting down; timeout; else error', () => {
    assert.equal(classifyProbeError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), 'refused');
    assert.equal(classifyProbeError(Object.assign(new Error('the database system is shutting down'), { code: '57P03' })), 'refused');
    assert.equal(classifyProbeError(new ProbeTimeoutError('x', 1)), 'timeout');
    assert.equal(classifyProbeError(Object.assign(new Error('password authentication failed'), { code: '28P01' })), 'error');
  });

  it('hides passwords in URLs and any listed secret', () => {
    const text = safeMessage(new Error('cannot reach postgres://monitor:hunter2@db:5432/x (used hunter2)'), ['hunter2']);
    assert.ok(!text.includes('hunter2'), text);
    assert.match(text, /postgres:\/\/monitor:\*\*\*@db/);
  });
});

describe('chooseRoundLeader', () => {
  const node = (member: string, claimsLeader: boolean, extra: { follows?: string; position?: number; hintedLeader?: boolean } = {}) => ({
    member,
    claimsLeader,
    hintedLeader: false,
    ...extra,
  });

  it('one claimant is the leader', () => {
    assert.deepEqual(chooseRoundLeader([node('a', true), node('b', false, { follows: 'a' })], undefined), { leader: 'a', rivals: [] });
  });

  it('split brain: the one followed wins over the one ahead; then the previous leader; then the hint', () => {
    const split = [node('a', true, { position: 10 }), node('b', true, { position: 99 }), node('c', false, { follows: 'a' })];
    assert.deepEqual(chooseRoundLeader(split, undefined), { leader: 'a', rivals: ['b'] });
    const unfollowed = [node('a', true, { position: 10 }), node('b', true, { position: 99 })];
    assert.equal(chooseRoundLeader(unfollowed, 'a').leader, 'a');
    assert.equal(chooseRoundLeader([node('a', true), node('b', true, { hintedLeader: true })], undefined).leader, 'b');
    assert.equal(chooseRoundLeader(unfollowed, undefined).leader, 'b', 'then the highest position');
  });

  it('names the split in words', () => {
    assert.equal(splitBrainReason('b', 'a', ['c']), 'split brain: b claims leader while a (followed by c) is also leader');
  });
});

describe('memberAt', () => {
  it('matches the configured address, folding loopback spellings', () => {
    const nodes = [{ member: 'a', host: '127.0.0.1', port: 6379 }, { member: 'b', host: 'cache-b.internal', port: 6379 }];
    assert.equal(memberAt(nodes, 'localhost', 6379), 'a');
    assert.equal(memberAt(nodes, 'CACHE-B.internal', '6379'), 'b');
    assert.equal(memberAt(nodes, '10.0.0.9', 6379), undefined);
  });
});

describe('Secret', () => {
  it('prints as *** everywhere and reveals only on request', () => {
    const secret = new Secret('hunter2');
    const printed = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret })].join(' ');
    assert.ok(!printed.includes('hunter2'), printed);
    assert.equal(secret.reveal(), 'hunter2');
  });
});

describe('ProbeLoop', () => {
  it('runs rounds one at a time, keeps going after a failing round, and stop() waits for the round in flight', async () => {
    const logger = createMemoryLogger();
    let running = 0;
    let overlapped = false;
    let rounds = 0;
    const loop = new ProbeLoop('test', 5, async () => {
      running++;
      overlapped ||= running > 1;
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 15)); // slower than the interval
      running--;
      if (rounds === 2) throw new Error('a bug in one round');
    }, logger);
    loop.start();
    while (rounds < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await loop.stop();
    assert.equal(running, 0, 'stop() waited for the round in flight');
    const after = rounds;
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(rounds, after, 'no round after stop()');
    assert.equal(overlapped, false);
    assert.ok(logger.lines.some((l) => l.includes('probe round failed') && l.includes('a bug in one round')));
  });
});
