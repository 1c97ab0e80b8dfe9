import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { RecordingSink } from '../../testing/recording-sink';
import { parseRedisConfig } from './config';
import type { RedisClientFactory } from './redis-client';
import { RedisReceiver } from './redis-receiver';
import { capturedNodes, fixture } from './testdata/fixtures';

const PASSWORD = 'fake-s3cret';
const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

/** Clients answering from testdata/; `trouble` makes a node refuse, echo the password in an error, or deny ACL LIST. */
function fakeClients(trouble: Record<string, 'refuse' | 'wrongpass' | 'noperm'>): RedisClientFactory {
  const infoOf: Record<string, string> = {
    primary: fixture('info-replication-master.txt'),
    replica1: fixture('info-replication-replica.txt'),
    replica2: fixture('info-replication-replica.txt'),
  };
  return (node) => ({
    infoReplication: async () => {
      if (trouble[node.member] === 'refuse') throw refused();
      if (trouble[node.member] === 'wrongpass') throw new Error(`WRONGPASS for password ${PASSWORD}`);
      return infoOf[node.member]!;
    },
    aclList: async () => {
      if (trouble[node.member] === 'noperm') throw new Error("NOPERM this user has no permissions to run the 'acl|list' command");
      return fixture('acl-list.txt').trim().split('\n');
    },
    close: () => undefined,
  });
}

function receiverWith(trouble: Record<string, 'refuse' | 'wrongpass' | 'noperm'>) {
  const config = parseRedisConfig({ nodes: capturedNodes().map((n) => ({ member: n.member, address: n.address })), password: '${PW}' }, 'groups[0].redis', {
    PW: PASSWORD,
  });
  const logger = createMemoryLogger();
  const receiver = new RedisReceiver('cache', config, { intervalMillis: 1_000, logger, now: () => 1_000 }, fakeClients(trouble));
  return { receiver, logger, sink: new RecordingSink() };
}

describe('RedisReceiver (fake clients over captured fixtures)', () => {
  it('every node answered: three observations, source up', async () => {
    const { receiver, sink } = receiverWith({});
    await receiver.round(sink);
    assert.deepEqual(
      sink.observations.map((o) => o.member),
      ['primary', 'replica1', 'replica2'],
    );
    assert.equal(sink.lastSourceUp(), true);
  });

  it('a refused node is an answer (unreachable, source up); a failed one is not (no observation, source down)', async () => {
    const refusing = receiverWith({ replica2: 'refuse' });
    await refusing.receiver.round(refusing.sink);
    assert.equal(refusing.sink.latest('replica2')?.reachable, false);
    assert.equal(refusing.sink.lastSourceUp(), true);

    const failing = receiverWith({ replica2: 'wrongpass' });
    await failing.receiver.round(failing.sink);
    await failing.receiver.round(failing.sink);
    assert.equal(failing.sink.latest('replica2'), undefined);
    assert.equal(failing.sink.lastSourceUp(), false);
    const warnings = failing.logger.lines.filter((l) => /probe failed/.test(l));
    assert.equal(warnings.length, 1, 'logged once per change, not every round');
    assert.match(warnings[0]!, /WRONGPASS for password \*\*\*/);
    assert.ok(!failing.logger.lines.join('\n').includes(PASSWORD));
  });

  it('ACL LIST denied: observed without a fingerprint, warned once, source up', async () => {
    const { receiver, sink, logger } = receiverWith({ primary: 'noperm' });
    await receiver.round(sink);
    await receiver.round(sink);
    assert.equal(sink.latest('primary')?.permissionFingerprint, undefined);
    assert.notEqual(sink.latest('replica1')?.permissionFingerprint, undefined);
    assert.equal(logger.lines.filter((l) => /ACL LIST not permitted/.test(l)).length, 1);
    assert.equal(sink.lastSourceUp(), true);
  });

  it('ACL LIST: read on the first round, carried with its read time, read again at permissions_interval or when an ACL-changing command ran', async () => {
    let nowMillis = 1_000;
    let aclLists = 0;
    let setuserCalls = 0;
    const info = fixture('info-replication-master.txt');
    const client: RedisClientFactory = () => ({
      infoReplication: async () =>
        `${info}\r\n# Commandstats\r\ncmdstat_acl|setuser:calls=${setuserCalls},usec=14,usec_per_call=14.00,rejected_calls=0,failed_calls=0\r\n`,
      aclList: async () => {
        aclLists++;
        return fixture('acl-list.txt').trim().split('\n');
      },
      close: () => undefined,
    });
    const node = capturedNodes()[0]!;
    const config = parseRedisConfig({ nodes: [{ member: node.member, address: node.address }], permissions_interval: '10s' }, 'groups[0].redis');
    const receiver = new RedisReceiver('cache', config, { intervalMillis: 1_000, logger: createMemoryLogger(), now: () => nowMillis }, client);
    const sink = new RecordingSink();
    const roundAt = async (at: number) => {
      nowMillis = at;
      await receiver.round(sink);
      return sink.observations.at(-1)!;
    };
    assert.equal((await roundAt(1_000)).permissionObservedAtMillis, undefined);
    const carried = await roundAt(9_000);
    assert.equal(aclLists, 1);
    assert.equal(carried.permissionObservedAtMillis, 1_000, 'carried, with when it was read');
    assert.ok(carried.permissionFingerprint !== undefined);
    await roundAt(11_000);
    assert.equal(aclLists, 2, 'permissions_interval elapsed: read again');
    setuserCalls++;
    assert.equal((await roundAt(12_000)).permissionObservedAtMillis, undefined);
    assert.equal(aclLists, 3, 'ACL SETUSER ran: read in the same round');
    await roundAt(13_000);
    assert.equal(aclLists, 3);
  });
});
