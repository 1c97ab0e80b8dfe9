import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { RecordingSink } from '../../testing/recording-sink';
import type { PostgresqlConnector, PostgresqlProbeClient } from './client';
import { parsePostgresqlConfig } from './config';
import { fakePostgresqlClient, readCapturedRows } from './fake-client';
import { PostgresqlReceiver } from './postgresql-receiver';

const primaryRows = readCapturedRows('primary');
const standbyRows = readCapturedRows('standby-lagging');
const PASSWORD = 'fake-Secret-93';

type Behaviour = 'answer' | 'refuse' | 'hang' | 'bad-password' | 'drop-kept-connection';

/** A receiver over a fake connector; `behaviour[member]` decides what each connect does. */
function setup(behaviour: Record<string, Behaviour>) {
  let nowMillis = 1_000_000;
  const connects: string[] = [];
  const connect: PostgresqlConnector = async (node) => {
    connects.push(node.member);
    const rows = node.member === 'pg-1' ? primaryRows : standbyRows;
    switch (behaviour[node.member]) {
      case 'refuse':
        throw Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${node.port}`), { code: 'ECONNREFUSED' });
      case 'hang':
        return new Promise<PostgresqlProbeClient>(() => undefined);
      case 'bad-password':
        throw Object.assign(new Error(`password authentication failed for user "monitor" (${node.url.reveal()})`), { code: '28P01' });
      case 'drop-kept-connection': {
        const client = fakePostgresqlClient(rows);
        // The first connection dies on its second use (server restarted); a new one answers.
        let uses = 0;
        behaviour[node.member] = 'answer';
        return {
          ...client,
          queryBatch: async (sql) => (++uses > 2 ? Promise.reject(new Error('Connection terminated unexpectedly')) : client.queryBatch(sql)),
        };
      }
      default:
        return fakePostgresqlClient(rows);
    }
  };
  const config = parsePostgresqlConfig(
    {
      nodes: [
        { member: 'pg-1', url: `postgres://monitor:${PASSWORD}@127.0.0.1:${primaryRows.port}/postgres` },
        { member: 'pg-2', url: `postgres://monitor:${PASSWORD}@127.0.0.1:${standbyRows.port}/postgres` },
      ],
      timeout: '50ms',
    },
    'groups[0].postgresql',
  );
  const logger = createMemoryLogger();
  const receiver = new PostgresqlReceiver('orders-db', config, { intervalMillis: 1_000, logger, now: () => nowMillis }, connect);
  const sink = new RecordingSink();
  const round = async (): Promise<void> => {
    await receiver.round(sink);
    nowMillis += 1_000;
  };
  return { receiver, sink, logger, connects, round };
}

describe('PostgresqlReceiver (fake connections answering with captured rows)', () => {
  it('observes every node each round over kept connections; source up', async () => {
    const { sink, connects, round } = setup({});
    for (let i = 0; i < 3; i++) await round();
    assert.deepEqual(connects, ['pg-1', 'pg-2'], 'connected once per node');
    assert.equal(sink.observations.length, 6);
    assert.equal(sink.latest('pg-2')!.followsLeader, 'pg-1');
    assert.deepEqual([...new Set(sink.sourceUps.map((s) => `${s.source}=${s.up}`))], ['postgresql/orders-db=true']);
  });

  it('a refusing node is unreachable every round (a refusal is never backed off); source stays up', async () => {
    const { sink, round, logger } = setup({ 'pg-2': 'refuse' });
    const seen: boolean[] = [];
    for (let i = 0; i < 12; i++) {
      sink.clear();
      await round();
      seen.push(sink.latest('pg-2')?.reachable === false);
      assert.equal(sink.lastSourceUp(), true);
    }
    assert.ok(!seen.join(',').includes('false,false'), `a gap of two rounds: ${seen.join(',')}`);
    assert.ok(seen.every(Boolean), `a round without it: ${seen.join(',')}`);
    assert.equal(logger.lines.filter((l) => l.includes('pg-2 did not answer')).length, 1, 'logged once, not every round');
  });

  it('a hung node costs its timeout, gets no observation, turns the source down, and is retried with backoff', async () => {
    const { sink, round, connects } = setup({ 'pg-2': 'hang' });
    await round();
    assert.deepEqual(
      sink.observations.map((o) => o.member),
      ['pg-1'],
    );
    assert.equal(sink.lastSourceUp(), false);
    for (let i = 0; i < 8; i++) await round();
    assert.ok(connects.filter((m) => m === 'pg-2').length < 9, 'not every round: backing off');
    assert.equal(sink.lastSourceUp(), false, 'still down while backing off');
  });

  it('a server that drops a kept connection is reconnected within the same round', async () => {
    const { sink, round, connects } = setup({ 'pg-1': 'drop-kept-connection' });
    await round();
    sink.clear();
    await round();
    assert.equal(sink.latest('pg-1')?.reachable, true);
    assert.equal(connects.filter((m) => m === 'pg-1').length, 2);
  });

  it('a rejected login is a failed source, not an unreachable node, and never shows the password', async () => {
    const { sink, round, logger } = setup({ 'pg-1': 'bad-password' });
    await round();
    assert.equal(sink.latest('pg-1'), undefined);
    assert.equal(sink.lastSourceUp(), false);
    const everything = [...logger.lines, JSON.stringify(sink.observations)].join('\n');
    assert.match(everything, /password authentication failed/);
    assert.ok(!everything.includes(PASSWORD), everything);
  });
});
