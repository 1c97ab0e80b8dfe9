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
});
