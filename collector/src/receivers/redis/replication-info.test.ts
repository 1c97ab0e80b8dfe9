import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReplicationInfo } from './replication-info';
import { capturedNodes, fixture } from './testdata/fixtures';

describe('parseReplicationInfo', () => {
  const [, replica1, replica2] = capturedNodes() as [unknown, { port: number }, { port: number }];

  it('reads a master with two online replicas', () => {
    const info = parseReplicationInfo(fixture('info-replication-master.txt'));
    assert.equal(info.role, 'master');
    assert.equal(info.offset, 61);
    assert.equal(info.replicationId, 'c9470a2928d53bba34a0c04a2a0be8f06192a7d0');
    assert.deepEqual(info.replicas, [
      { ip: '127.0.0.1', port: replica1.port, state: 'online', offset: 61, lagSeconds: 0 },
      { ip: '127.0.0.1', port: replica2.port, state: 'online', offset: 61, lagSeconds: 0 },
    ]);
  });

  it('reads a replica in sync: its own offset, its master, the link up', () => {
    const info = parseReplicationInfo(fixture('info-replication-replica.txt'));
    assert.equal(info.role, 'slave');
    assert.equal(info.offset, 61);
    assert.equal(info.masterHost, '127.0.0.1');
    assert.equal(info.masterPort, capturedNodes()[0]!.port);
    assert.equal(info.linkUp, true);
    assert.equal(info.syncInProgress, false);
    assert.equal(info.linkDownSinceSeconds, undefined);
  });

  it('reads a replica whose master is gone: link down for 2 s', () => {
    const info = parseReplicationInfo(fixture('info-replication-replica-link-down.txt'));
    assert.equal(info.linkUp, false);
    assert.equal(info.linkDownSinceSeconds, 2);
    assert.equal(info.offset, 40188);
  });

  it('reads a replica in a full sync: link down, sync in progress, no down-since (-1 means never up since start)', () => {
    const info = parseReplicationInfo(fixture('info-replication-replica-syncing.txt'));
    assert.equal(info.linkUp, false);
    assert.equal(info.syncInProgress, true);
    assert.equal(info.linkDownSinceSeconds, undefined);
    assert.equal(info.offset, 61);
    const pending = parseReplicationInfo(fixture('info-replication-replica-sync-pending.txt'));
    assert.equal(pending.syncInProgress, false);
    assert.equal(pending.linkUp, false);
  });

  it('keeps a master replica line in wait_bgsave with offset 0', () => {
    const info = parseReplicationInfo(fixture('info-replication-master-while-syncing.txt'));
    assert.deepEqual(
      info.replicas.map((r) => [r.state, r.offset]),
      [
        ['online', 40188],
        ['wait_bgsave', 0],
      ],
    );
  });

  it('reads the same from text with bare \\n line ends, and the slaveN lines in order past other fields', () => {
    const text = fixture('info-replication-master.txt');
    assert.deepEqual(parseReplicationInfo(text.replace(/\r\n/g, '\n')), parseReplicationInfo(text));
    const info = parseReplicationInfo(
      'role:master\r\nslave1:ip=10.0.0.3,port=2,state=online,offset=5,lag=1\r\nmaster_failover_state:no-failover\r\nslave0:ip=10.0.0.2,port=1,state=online,offset=5,lag=0\r\nslaves:x\r\nmaster_repl_offset:5\r\n',
    );
    assert.deepEqual(
      info.replicas.map((r) => r.ip),
      ['10.0.0.3', '10.0.0.2'],
    );
  });

  it('rejects text that is not INFO replication, saying what is missing', () => {
    assert.throws(() => parseReplicationInfo('# Server\r\nredis_version:7.0.15\r\n'), /no role:master or role:slave line \(role: missing\)/);
    assert.throws(() => parseReplicationInfo('role:master\r\n'), /no master_repl_offset/);
  });
});
