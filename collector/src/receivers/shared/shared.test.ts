import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import type { Observation } from '../../model/types';
import { RecordingSink } from '../../testing/recording-sink';
import { classifyProbeError, isRefusal, safeMessage } from './errors';
import { chooseRoundLeader, splitBrainReason } from './leader-choice';
import { memberAt } from './node-address';
import { ProblemLog, type ProblemChange } from './problem-log';
import { RoundMemory } from './round-memory';
import { redactSecret, Secret } from './secret';
import { ProbeTimeoutError } from './timeout';

describe('classifyProbeError and safeMessage', () => {
  it('refused when the host says nothing is there or the server is shutting down; timeout; else error', () => {
    assert.equal(classifyProbeError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), 'refused');
    assert.equal(classifyProbeError(Object.assign(new Error('the database system is shutting down'), { code: '57P03' })), 'refused');
    assert.equal(classifyProbeError(new ProbeTimeoutError('x', 1)), 'timeout');
    assert.equal(classifyProbeError(Object.assign(new Error('password authentication failed'), { code: '28P01' })), 'error');
    assert.equal(classifyProbeError(Object.assign(new Error('Server shutdown in progress'), { code: 'ER_SERVER_SHUTDOWN' })), 'refused');
  });

  it('a reset or lost connection is a failure for every probe, not a refusal (PostgreSQL and MySQL said refused until 0.2.0, Redis failure)', () => {
    // A running server resets a client it will not serve (Redis tls-auth-clients without a client certificate): not proof the node is down.
    for (const code of ['ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']) {
      assert.equal(classifyProbeError(Object.assign(new Error(`read ${code}`), { code })), 'error', code);
      assert.equal(isRefusal(Object.assign(new Error(`read ${code}`), { code })), false, code);
    }
    assert.equal(isRefusal(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), true);
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
    const nodes = [
      { member: 'a', host: '127.0.0.1', port: 6379 },
      { member: 'b', host: 'cache-b.internal', port: 6379 },
    ];
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

describe('redactSecret', () => {
  it('masks every occurrence, leaves text without a secret alone', () => {
    assert.equal(redactSecret('AUTH pw failed: pw', 'pw'), 'AUTH *** failed: ***');
    assert.equal(redactSecret('no secret', undefined), 'no secret');
    assert.equal(redactSecret('no secret', ''), 'no secret');
  });

  it('masks each of several secrets', () => {
    assert.equal(
      redactSecret('user rebound, password pw, url postgres://rebound:pw@db', 'pw', undefined, 'rebound'),
      'user ***, password ***, url postgres://***:***@db',
    );
  });
});

describe('RoundMemory', () => {
  it("delivers the observations and remembers the leader and each reachable member's role", () => {
    const memory = new RoundMemory();
    const sink = new RecordingSink();
    const seen = { group: 'cache', source: 'redis/cache', observedAtMillis: 1 };
    memory.deliver(sink, {
      observations: [
        { ...seen, member: 'a', reachable: true, role: 'leader' },
        { ...seen, member: 'b', reachable: true, role: 'replica' },
      ],
      leader: 'a',
    });
    memory.deliver(sink, { observations: [{ ...seen, member: 'b', reachable: false, role: 'leader' }], leader: undefined });
    assert.deepEqual(
      sink.observations.map((o) => o.member),
      ['a', 'b', 'b'],
    );
    assert.equal(memory.previousLeader, 'a', 'a round without a leader keeps the last one');
    assert.deepEqual(
      [...memory.lastRoles],
      [
        ['a', 'leader'],
        ['b', 'replica'],
      ],
      'an unreachable node does not overwrite the role it was seen in',
    );
  });
});

describe('LinkMemory (through RoundMemory)', () => {
  const at = (seconds: number) => 1_700_000_000_000 + seconds * 1000;
  const replica = (seconds: number, fields: Partial<Observation>): Observation => ({
    group: 'db',
    source: 'postgresql/db',
    member: 'pg-2',
    observedAtMillis: at(seconds),
    reachable: true,
    ...fields,
  });
  const deliver = (memory: RoundMemory, sink: RecordingSink, observation: Observation) =>
    memory.deliver(sink, { observations: [observation], leader: undefined });

  it('a source without a down-since count: down time from the first round seen down, lag from the last lag seen up plus the time since', () => {
    const memory = new RoundMemory();
    const sink = new RecordingSink();
    deliver(memory, sink, replica(0, { lagSeconds: 3, replicationLink: { up: true } }));
    deliver(memory, sink, replica(2, { replicationLink: { up: false } }));
    deliver(memory, sink, replica(9, { replicationLink: { up: false } }));
    const [, first, later] = sink.observations;
    assert.deepEqual([first!.lagSeconds, first!.replicationLink], [5, { up: false, downForSeconds: 0 }]);
    assert.deepEqual([later!.lagSeconds, later!.replicationLink], [12, { up: false, downForSeconds: 7 }]);
  });

  it('Redis restarting master_link_down_since_seconds at 0 does not restart the lag; a link back up starts afresh', () => {
    const memory = new RoundMemory();
    const sink = new RecordingSink();
    deliver(memory, sink, replica(0, { lagSeconds: 6, replicationLink: { up: true, silentForSeconds: 6 } }));
    deliver(memory, sink, replica(1, { lagSeconds: 0, replicationLink: { up: false, downForSeconds: 0 } }));
    deliver(memory, sink, replica(4, { lagSeconds: 3, replicationLink: { up: false, downForSeconds: 3 } }));
    deliver(memory, sink, replica(5, { lagSeconds: 0, replicationLink: { up: true, silentForSeconds: 0 } }));
    assert.deepEqual(
      sink.observations.map((o) => o.lagSeconds),
      [6, 7, 10, 0],
    );
  });

  it('without any lag seen up (collector started while the link was down), the time down is the lag', () => {
    const memory = new RoundMemory();
    const sink = new RecordingSink();
    deliver(memory, sink, replica(0, { replicationLink: { up: false, downForSeconds: 40 } }));
    assert.equal(sink.observations[0]!.lagSeconds, 40);
  });
});

describe("ProblemLog: the receivers' change logger", () => {
  it('logs a problem once per change, the recovery once, and nothing for a node first seen healthy', () => {
    const changes: ProblemChange[] = [];
    const log = new ProblemLog((change) => changes.push(change));
    log.note('a', undefined);
    log.note('b', 'refused: ECONNREFUSED');
    log.note('b', 'refused: ECONNREFUSED');
    log.note('b', 'timeout: 2s');
    log.note('b', undefined);
    log.note('b', undefined);
    assert.deepEqual(changes, [
      { key: 'b', problem: 'refused: ECONNREFUSED', previous: undefined },
      { key: 'b', problem: 'timeout: 2s', previous: 'refused: ECONNREFUSED' },
      { key: 'b', problem: undefined, previous: 'timeout: 2s' },
    ]);
  });
});
