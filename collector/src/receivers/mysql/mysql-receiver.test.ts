import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { RecordingSink } from '../../testing/recording-sink';
import type { MysqlConnector, MysqlProbeClient } from './client';
import { parseMysqlConfig } from './config';
import { fakeMysqlClient, readCapturedScenario } from './fake-client';
import { MysqlReceiver } from './mysql-receiver';

const healthy = readCapturedScenario('mariadb-healthy');
const PASSWORD = 'fake-Secret-57';

type Behaviour = 'answer' | 'refuse' | 'hang' | 'bad-password' | 'server-gone' | 'shutting-down';

/** A receiver over a fake connector; `behaviour[member]` decides what each connect does. `questions` feeds the load. */
function setup(behaviour: Record<string, Behaviour>) {
  let nowMillis = 1_000_000;
  let questions = 1_000;
  const connects: string[] = [];
  const connect: MysqlConnector = async (node) => {
    connects.push(node.member);
    const captured = healthy.nodes[node.member === 'db-1' ? 'primary' : 'replica']!;
    switch (behaviour[node.member]) {
      case 'refuse':
        throw Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${node.port}`), { code: 'ECONNREFUSED' });
      case 'hang':
        return new Promise<MysqlProbeClient>(() => undefined);
      case 'bad-password':
        throw Object.assign(new Error(`Access denied for user 'monitor'@'127.0.0.1' (using password: YES) ${node.password.reveal()}`), {
          code: 'ER_ACCESS_DENIED_ERROR',
          errno: 1045,
        });
      case 'shutting-down':
        throw Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' });
      case 'server-gone': {
        // The kept connection dies on its next use (the server shuts down); so does the reconnect.
        behaviour[node.member] = 'shutting-down';
        const client = fakeMysqlClient(captured);
        let uses = 0;
        return {
          ...client,
          queryBatch: async (sql) =>
            ++uses > 2
              ? Promise.reject(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }))
              : client.queryBatch(sql),
        };
      }
      default: {
        const client = fakeMysqlClient(captured);
        return {
          ...client,
          queryBatch: async (sql) => {
            const rows = await client.queryBatch(sql);
            // A live Questions counter: +50 per round.
            return rows.map((r) =>
              r.some((row) => row['Variable_name'] === 'Questions') ? [{ Variable_name: 'Questions', Value: String((questions += 25)) }] : r,
            );
          },
        };
      }
    }
  };
  process.env['REBOUND_FAKE_MYSQL_PASSWORD'] = PASSWORD;
  const config = parseMysqlConfig(
    {
      nodes: [
        { member: 'db-1', url: `mysql://monitor:\${REBOUND_FAKE_MYSQL_PASSWORD}@127.0.0.1:${healthy.nodes['primary']!.port}` },
        { member: 'db-2', url: `mysql://monitor:\${REBOUND_FAKE_MYSQL_PASSWORD}@127.0.0.1:${healthy.nodes['replica']!.port}` },
      ],
      timeout: '50ms',
    },
    'groups[0].mysql',
  );
  const logger = createMemoryLogger();
  const receiver = new MysqlReceiver('billing-db', config, { intervalMillis: 1_000, logger, now: () => nowMillis }, connect);
  const sink = new RecordingSink();
  const round = async (): Promise<void> => {
    await receiver.round(sink);
    nowMillis += 1_000;
  };
  return { receiver, sink, logger, connects, round };
}

describe('MysqlReceiver with fake connections', () => {
  it('keeps connections between rounds and reports Questions per second as load from the second round', async () => {
    const t = setup({ 'db-1': 'answer', 'db-2': 'answer' });
    await t.round();
    assert.equal(t.sink.latest('db-1')!.load, undefined, 'one sample is no rate');
    await t.round();
    assert.equal(t.sink.latest('db-1')!.load, 50);
    assert.deepEqual(t.connects, ['db-1', 'db-2']);
    assert.equal(t.sink.lastSourceUp(), true);
  });

  it('a node whose connection is lost as it shuts down: a failure (no observation) until it refuses, then unreachable in the role it last had', async () => {
    // Until 0.2.0 a lost connection counted as refused here (PostgreSQL too) but not for Redis; one rule now (shared/errors.ts):
    // a reset or lost connection does not prove the node down (a server also resets clients it turns away).
    const behaviour: Record<string, Behaviour> = { 'db-1': 'answer', 'db-2': 'server-gone' };
    const t = setup(behaviour);
    await t.round();
    assert.equal(t.sink.latest('db-2')!.role, 'replica');
    const seen = t.sink.observations.length;
    await t.round(); // the kept connection is lost, and the reconnect too: within the same round
    assert.deepEqual(
      t.sink.observations.slice(seen).map((o) => o.member),
      ['db-1'],
      'no observation of db-2',
    );
    assert.equal(t.sink.lastSourceUp(), false);
    behaviour['db-2'] = 'refuse'; // the server is gone: nothing listens
    await t.round(); // the first failure is retried the next round
    const replica = t.sink.latest('db-2')!;
    assert.equal(replica.reachable, false);
    assert.equal(replica.role, 'replica');
    assert.equal(t.sink.lastSourceUp(), true);
  });

  it('a rejected login and a hung node give no observation, the source down, no password in the log', async () => {
    const t = setup({ 'db-1': 'bad-password', 'db-2': 'hang' });
    await t.round();
    assert.deepEqual(t.sink.observations, []);
    assert.equal(t.sink.lastSourceUp(), false);
    const log = t.logger.lines.join('\n');
    assert.match(log, /db-1 did not answer the probe.*failed: Access denied/);
    assert.match(log, /db-2 did not answer the probe.*timeout/);
    assert.ok(!log.includes(PASSWORD));
    await t.receiver.stop();
  });
});
