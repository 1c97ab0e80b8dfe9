import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation, Role } from '../../model/types';
import type { ProbeOutcome } from '../shared/probe-loop';
import { aclPermissionFingerprint } from './acl-fingerprint';
import { observationsOfRound, type RedisNodeAnswer, type RedisRoundInput } from './redis-observations';
import { parseReplicationInfo } from './replication-info';
import { capturedNodes, fixture } from './testdata/fixtures';

const AT = 1_700_000_000_000;
const acl = fixture('acl-list.txt').trim().split('\n');
const nodes = capturedNodes();

function answered(file: string, text?: (t: string) => string): ProbeOutcome<RedisNodeAnswer> {
  const raw = fixture(file);
  return { kind: 'answered', answer: { replication: parseReplicationInfo(text ? text(raw) : raw), aclLines: acl }, atMillis: AT };
}

function round(outcomes: ProbeOutcome<RedisNodeAnswer>[], extra: Partial<RedisRoundInput> = {}): Map<string, Observation> {
  const { observations } = observationsOfRound({
    group: 'cache',
    source: 'redis/cache',
    nodes,
    outcomes,
    lastRoles: new Map<string, Role>(),
    previousLeader: undefined,
    tls: false,
    ...extra,
  });
  return new Map(observations.map((o) => [o.member, o]));
}

describe('observationsOfRound', () => {
  it('a master with two replicas in sync: positions are offsets, lag 0, both follow the primary', () => {
    const seen = round([answered('info-replication-master.txt'), answered('info-replication-replica.txt'), answered('info-replication-replica.txt')]);
    const primary = seen.get('primary')!;
    assert.deepEqual(
      { role: primary.role, serving: primary.serving, position: primary.position, reachable: primary.reachable },
      { role: 'leader', serving: true, position: 61, reachable: true },
    );
    assert.equal(primary.permissionFingerprint, aclPermissionFingerprint(acl, false));
    for (const member of ['replica1', 'replica2']) {
      const replica = seen.get(member)!;
      assert.equal(replica.role, 'replica');
      assert.equal(replica.position, 61);
      assert.equal(replica.followsLeader, 'primary');
      assert.equal(replica.lagBytes, 0);
      assert.equal(replica.lagSeconds, 0, "the master's lag= for this replica");
      assert.equal(replica.source, 'redis/cache');
      assert.equal(replica.observedAtMillis, AT);
    }
  });

  it('lag bytes = the followed master offset minus the replica offset, from the same round', () => {
    const seen = round([
      answered('info-replication-master-while-syncing.txt'),
      answered('info-replication-replica.txt', (t) => t.replace(/slave_repl_offset:61/, 'slave_repl_offset:40000')),
      answered('info-replication-replica-syncing.txt'),
    ]);
    assert.equal(seen.get('replica1')!.lagBytes, 188);
    const syncing = seen.get('replica2')!;
    assert.equal(syncing.lagBytes, 40188 - 61);
    assert.equal(syncing.followsLeader, 'primary');
    assert.equal(syncing.lagSeconds, undefined, 'link down since -1: no seconds to report, the bytes say it');
  });

  it('a replica whose master refuses: unreachable master (with its last role), link-down seconds as lag', () => {
    const lastRoles = new Map<string, Role>([['primary', 'leader']]);
    const seen = round(
      [
        { kind: 'refused', error: 'connect ECONNREFUSED', atMillis: AT },
        answered('info-replication-replica-link-down.txt'),
        answered('info-replication-replica-link-down.txt'),
      ],
      { lastRoles },
    );
    assert.deepEqual(seen.get('primary'), {
      group: 'cache',
      member: 'primary',
      source: 'redis/cache',
      dependencies: {},
      observedAtMillis: AT,
      reachable: false,
      role: 'leader',
    });
    const replica = seen.get('replica1')!;
    assert.equal(replica.lagSeconds, 2);
    assert.equal(replica.lagBytes, undefined, 'no master answered this round: no subtraction');
    assert.equal(replica.followsLeader, 'primary');
  });

  it('a timeout, a failure or a backoff gives no observation at all (unknown after freshness, never a guess)', () => {
    const seen = round([
      answered('info-replication-master.txt'),
      { kind: 'timeout', error: 'no answer within 1000 ms', atMillis: AT },
      { kind: 'failed', error: 'NOAUTH', atMillis: AT },
    ]);
    assert.deepEqual([...seen.keys()], ['primary']);
    const backingOff = round([
      answered('info-replication-master.txt'),
      { kind: 'backing-off', retryAtMillis: AT + 500 },
      answered('info-replication-replica.txt'),
    ]);
    assert.deepEqual([...backingOff.keys()], ['primary', 'replica2']);
  });

  it('REPLICAOF NO ONE on a replica while the primary runs: split brain, the promoted one diverged and named', () => {
    const promoted = fixture('info-replication-master.txt').replace(
      /connected_slaves:2[\s\S]*?master_failover_state/,
      'connected_slaves:0\r\nmaster_failover_state',
    );
    const { observations, leader } = observationsOfRound({
      group: 'cache',
      source: 'redis/cache',
      nodes,
      outcomes: [answered('info-replication-master.txt'), answered('info-replication-replica.txt'), answered('info-replication-master.txt', () => promoted)],
      lastRoles: new Map(),
      previousLeader: 'primary',
      tls: false,
    });
    assert.equal(leader, 'primary');
    const rival = observations.find((o) => o.member === 'replica2')!;
    assert.equal(rival.role, 'leader');
    assert.equal(rival.divergedReason, 'split brain: replica2 claims leader while primary (followed by replica1) is also leader');
    assert.equal(observations.find((o) => o.member === 'primary')!.divergedReason, undefined);
  });

  it('a replica following a master that is not configured names its address (divergence, not silence)', () => {
    const seen = round([
      answered('info-replication-master.txt'),
      answered('info-replication-replica.txt', (t) =>
        t.replace(/master_host:127.0.0.1/, 'master_host:10.9.9.9').replace(/master_replid:\w+/, 'master_replid:other'),
      ),
      answered('info-replication-replica.txt'),
    ]);
    assert.equal(seen.get('replica1')!.followsLeader, `10.9.9.9:${nodes[0]!.port}`);
    assert.equal(seen.get('replica1')!.lagBytes, undefined);
  });

  it('a replica that knows its master under another name is matched by replication ID', () => {
    const seen = round([
      answered('info-replication-master.txt'),
      answered('info-replication-replica.txt', (t) => t.replace(/master_host:127.0.0.1/, 'master_host:cache-primary.internal')),
      answered('info-replication-replica.txt'),
    ]);
    assert.equal(seen.get('replica1')!.followsLeader, 'primary');
    assert.equal(seen.get('replica1')!.lagBytes, 0);
  });

  it("a replica configured by host name finds its line in the master's list by the IP the probe reached", () => {
    const named = nodes.map((n, i) => (i === 1 ? { ...n, host: 'cache-b.internal', address: `cache-b.internal:${n.port}` } : n));
    const slow = (t: string): string => t.replace(new RegExp(`(port=${nodes[1]!.port},state=online,offset=61,)lag=0`), '$1lag=3');
    const master = answered('info-replication-master.txt', slow);
    const replica = answered('info-replication-replica.txt');
    const byIp = answered('info-replication-replica.txt');
    if (byIp.kind === 'answered') byIp.answer.remoteAddress = '127.0.0.1';
    const input = { group: 'cache', source: 'redis/cache', nodes: named, lastRoles: new Map<string, Role>(), previousLeader: undefined, tls: false };
    const without = observationsOfRound({ ...input, outcomes: [master, replica, replica] }).observations[1]!;
    assert.equal(without.lagSeconds, undefined, 'no way to tell which line is this replica');
    const withIp = observationsOfRound({ ...input, outcomes: [master, byIp, replica] }).observations[1]!;
    assert.equal(withIp.lagSeconds, 3);
  });

  it('no ACL lines (ACL LIST not permitted): no permission fingerprint rather than a wrong one', () => {
    const outcome = answered('info-replication-master.txt');
    if (outcome.kind === 'answered') delete outcome.answer.aclLines;
    const seen = round([
      outcome,
      { kind: 'timeout', error: 'no answer within 1000 ms', atMillis: AT },
      { kind: 'timeout', error: 'no answer within 1000 ms', atMillis: AT },
    ]);
    assert.equal(seen.get('primary')!.permissionFingerprint, undefined);
  });
});
