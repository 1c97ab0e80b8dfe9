import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMillis, ProbeLoop, redactSecret, type ProbeOutcome } from './probe-loop';

type Behaviour = 'answer' | 'refuse' | 'fail' | 'hang';

/** A loop over named nodes whose probes do what `behaviour` says, on a clock the test moves. */
function loopOf(behaviour: Record<string, Behaviour>) {
  let nowMillis = 1_000_000;
  const abandoned: string[] = [];
  const probed: string[] = [];
  const loop = new ProbeLoop<string, string>({
    nodes: Object.keys(behaviour),
    intervalMillis: 1_000,
    timeoutMillis: 20,
    maxBackoffMillis: 8_000,
    now: () => nowMillis,
    random: () => 1,
    probe: (node) => {
      probed.push(node);
      switch (behaviour[node]) {
        case 'answer':
          return Promise.resolve(`${node} ok`);
        case 'refuse':
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        case 'fail':
          return Promise.reject(new Error('WRONGPASS invalid username-password pair'));
        default:
          return new Promise<string>(() => undefined);
      }
    },
    isRefusal: (error) => (error as { code?: string }).code === 'ECONNREFUSED',
    abandon: (node) => abandoned.push(node),
    onRound: () => undefined,
  });
  return {
    loop,
    abandoned,
    probed,
    advance: (millis: number) => (nowMillis += millis),
    behaviour,
  };
}

const kinds = (outcomes: ProbeOutcome<string>[]): string[] => outcomes.map((o) => o.kind);

describe('ProbeLoop.round', () => {
  it('returns every node in config order: answered, refused, failed, timeout', async () => {
    const { loop, abandoned } = loopOf({ a: 'answer', b: 'refuse', c: 'fail', d: 'hang' });
    const outcomes = await loop.round();
    assert.deepEqual(kinds(outcomes), ['answered', 'refused', 'failed', 'timeout']);
    assert.equal((outcomes[0] as { answer: string }).answer, 'a ok');
    assert.match((outcomes[2] as { error: string }).error, /WRONGPASS/);
    assert.deepEqual(abandoned, ['d'], 'the hung node is abandoned so its connection can be dropped');
  });

  it('never starts a second probe beside one still hanging after its timeout', async () => {
    const { loop, probed } = loopOf({ a: 'answer', d: 'hang' });
    await loop.round();
    assert.deepEqual(kinds(await loop.round()), ['answered', 'backing-off']);
    assert.deepEqual(probed, ['a', 'd', 'a']);
  });

  it('a failing node: retried next round, then with exponential backoff; a success resets it', async () => {
    const t = loopOf({ c: 'fail' });
    assert.deepEqual(kinds(await t.loop.round()), ['failed']);
    assert.deepEqual(kinds(await t.loop.round()), ['failed'], 'the first failure retries at once');
    const waiting = (await t.loop.round())[0]!;
    assert.equal(waiting.kind, 'backing-off');
    t.advance(999);
    assert.deepEqual(kinds(await t.loop.round()), ['backing-off']);
    t.advance(1);
    assert.deepEqual(kinds(await t.loop.round()), ['failed'], 'due after one interval');
    t.advance(1_999);
    assert.deepEqual(kinds(await t.loop.round()), ['backing-off'], 'the next wait is twice as long');
    t.advance(1);
    t.behaviour['c'] = 'answer';
    assert.deepEqual(kinds(await t.loop.round()), ['answered']);
    assert.deepEqual(kinds(await t.loop.round()), ['answered']);
  });

  it('a refusing node is asked every round (it stays unreachable, never unknown by backoff)', async () => {
    const { loop } = loopOf({ b: 'refuse' });
    for (let i = 0; i < 5; i++) assert.deepEqual(kinds(await loop.round()), ['refused']);
  });
});

describe('backoffMillis', () => {
  it('doubles per failure from the base, caps at the maximum, jitters within 50–100 %', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffMillis(n, 1_000, 8_000, 1)), [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    assert.equal(backoffMillis(3, 1_000, 8_000, 0), 2_000);
    assert.equal(backoffMillis(3, 1_000, 8_000, 0.5), 3_000);
  });
});

describe('redactSecret', () => {
  it('masks every occurrence, leaves text without a secret alone', () => {
    assert.equal(redactSecret('AUTH pw failed: pw', 'pw'), 'AUTH *** failed: ***');
    assert.equal(redactSecret('no secret', undefined), 'no secret');
    assert.equal(redactSecret('no secret', ''), 'no secret');
  });
});
