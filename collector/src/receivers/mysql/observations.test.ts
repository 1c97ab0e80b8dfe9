import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberVerdict } from '../../model/member-status';
import type { Observation } from '../../model/types';
import { parseMysqlConfig } from './config';
import { fakeMysqlClient, readCapturedScenario } from './fake-client';
import { observationsOfRound, secondsBehindHistory, type LeaderHistory, type MysqlOutcome } from './observations';
import { probeMysqlNode } from './queries';

const AT = 1_700_000_000_000;

/** Probe both captured nodes (primary as db-1, replica as db-2) with the fake and build the round. */
async function roundOf(scenario: string, options: { previousLeader?: string; leaderHistory?: LeaderHistory } = {}) {
  const captured = readCapturedScenario(scenario);
  const { primary, replica } = captured.nodes as { primary: (typeof captured.nodes)[string]; replica: (typeof captured.nodes)[string] };
  // The MySQL fixtures name the primary 10.0.0.1:3306, as the replica's Source_Host says.
  const host = primary!.flavor === 'mysql' ? '10.0.0.1' : '127.0.0.1';
  const config = parseMysqlConfig(
    {
      nodes: [
        { member: 'db-1', url: `mysql://monitor@${host}:${primary!.port}` },
        { member: 'db-2', url: `mysql://monitor@10.9.9.9:${replica!.port}` },
      ],
    },
    'groups[0].mysql',
    {},
  );
  const outcomes = new Map<string, MysqlOutcome>();
  for (const [member, node] of [
    ['db-1', primary!],
    ['db-2', replica!],
  ] as const) {
    outcomes.set(member, { kind: 'answered', answer: await probeMysqlNode(fakeMysqlClient(node)), atMillis: AT });
  }
  const { observations, leader } = observationsOfRound({
    group: 'billing-db',
    source: 'mysql/billing-db',
    nodes: config.nodes,
    outcomes,
    previousLeader: options.previousLeader,
    ...(options.leaderHistory ? { leaderHistory: options.leaderHistory } : {}),
  });
  const of = (member: string): Observation => observations.find((o) => o.member === member)!;
  return { observations, leader, primary: of('db-1'), replica: of('db-2') };
}

const TOLERANCES = { freshnessMillis: 10_000, lagToleranceSeconds: 5, lagToleranceBytes: 64 * 1024 };
function verdictOf(observation: Observation, leader: Observation) {
  return memberVerdict(
    { member: observation.member, role: observation.role ?? 'replica', latest: observation },
    { leader: { member: leader.member, observation: leader }, tolerances: TOLERANCES, nowMillis: AT },
  );
}

describe('MariaDB observations from captured rows', () => {
  it('healthy: the primary is the serving leader at its GTID position, the replica follows it with 0 lag bytes and 0 s', async () => {
    const { leader, primary, replica } = await roundOf('mariadb-healthy');
    assert.equal(leader, 'db-1');
    assert.equal(primary.role, 'leader');
    assert.equal(primary.serving, true);
    assert.equal(primary.position, 11, 'gtid_current_pos 0-1-11: the sum of per-domain sequence numbers');
    assert.equal(replica.role, 'replica');
    assert.equal(replica.followsLeader, 'db-1');
    assert.equal(replica.lagBytes, 0);
    assert.equal(replica.lagSeconds, 0);
    assert.equal(replica.position, 11);
    assert.equal(replica.replicationStoppedReason, undefined);
    assert.deepEqual(replica.replicationLink, { up: true });
    assert.equal(replica.divergedReason, undefined);
    assert.match(primary.dependencies!['service.version']!, /^10\.11\.\d+-MariaDB/);
    assert.doesNotMatch(primary.dependencies!['service.version']!, /-log$/);
    assert.ok(primary.permissionFingerprint);
    assert.equal(primary.permissionFingerprint, replica.permissionFingerprint, 'grants replicate: same fingerprint');
    assert.equal(verdictOf(replica, primary).status, 'converged');
  });

  it('SQL thread stopped with writes behind it: lagging, the reason names the thread, exact lag bytes, no lag seconds (NULL is not 0)', async () => {
    const { primary, replica } = await roundOf('mariadb-sql-stopped');
    assert.equal(replica.replicationStoppedReason, 'SQL thread stopped');
    assert.equal(replica.lagSeconds, undefined, 'Seconds_Behind_Master is NULL: never read as 0');
    // Primary's binlog size minus the replica's Exec_Master_Log_Pos, same file.
    assert.equal(replica.lagBytes, 336_904 - 113_755);
    const verdict = verdictOf(replica, primary);
    assert.equal(verdict.status, 'lagging');
    assert.equal(verdict.reason, 'SQL thread stopped');
  });

  it('SQL thread stopped: the lag in seconds is the time since the leader first held what the replica has not applied, growing', async () => {
    // The replica applied 0-1-11 (position 11); the leader was first seen beyond it 6 s ago.
    const history: LeaderHistory = {
      leader: 'db-1',
      entries: [
        { atMillis: AT - 9_000, position: 11 },
        { atMillis: AT - 6_000, position: 12 },
        { atMillis: AT - 1_000, position: 14 },
      ],
    };
    const { primary, replica } = await roundOf('mariadb-sql-stopped', { leaderHistory: history });
    assert.equal(replica.lagSeconds, 6);
    const verdict = verdictOf(replica, primary);
    assert.equal(verdict.status, 'lagging');
    assert.equal(verdict.lagSeconds, 6);
    assert.equal(secondsBehindHistory(history, 'db-1', 11, AT + 4_000), 10, 'four seconds later: 4 s more, never back to 0');
    assert.equal(secondsBehindHistory(history, 'db-1', 14, AT), 0, 'has everything the leader was seen holding');
    assert.equal(secondsBehindHistory(history, 'db-9', 11, AT), undefined, "another leader's history says nothing");
  });

  it('IO thread stopped: lagging with the link named, even when the byte lag is inside the tolerance', async () => {
    const { primary, replica } = await roundOf('mariadb-io-stopped');
    assert.match(replica.replicationStoppedReason ?? '', /^replication link down: IO thread stopped/);
    assert.deepEqual(replica.replicationLink, { up: false }, 'the IO thread is the replication link (issue 17)');
    assert.ok(replica.lagBytes! < TOLERANCES.lagToleranceBytes, `lag ${replica.lagBytes} bytes is small`);
    assert.equal(verdictOf(replica, primary).status, 'lagging');
    // Even without the thread's reason, a down link alone is never converged.
    const { replicationStoppedReason: _reason, ...linkOnly } = replica;
    assert.equal(verdictOf(linkOnly, primary).status, 'lagging');
  });

  it('an errant transaction on the replica: diverged, naming the GTID; the SQL thread error is kept too', async () => {
    const { primary, replica } = await roundOf('mariadb-errant');
    assert.equal(replica.divergedReason, 'errant transactions on db-2 that the leader db-1 does not have: 0-2-14');
    assert.match(replica.replicationStoppedReason ?? '', /SQL thread stopped: Error 1950 .*out-of-order/);
    const verdict = verdictOf(replica, primary);
    assert.equal(verdict.status, 'diverged');
    assert.match(verdict.reason ?? '', /0-2-14/);
  });

  it('without SLAVE MONITOR (error 1227): the replica is unknown with the reason, never a leader, so with neither readable there is no leader', async () => {
    const captured = readCapturedScenario('mariadb-no-slave-monitor');
    const client = fakeMysqlClient(captured.nodes['replica']!);
    const answer = await probeMysqlNode(client);
    assert.equal(client.batches.length, 2, 'at most two round trips: the refused batch and the re-read without it');
    assert.match(answer.replicationStatusDenied ?? '', /Error 1227: .*SLAVE MONITOR/);
    const { leader, replica, primary } = await roundOf('mariadb-no-slave-monitor');
    assert.equal(leader, undefined, 'neither node can be told a primary: no false leader');
    for (const o of [primary, replica]) {
      assert.notEqual(o.role, 'leader');
      assert.match(o.unknownReason ?? '', /SLAVE MONITOR/);
      assert.equal(memberVerdict({ member: o.member, role: 'replica', latest: o }, { leader: null, tolerances: TOLERANCES, nowMillis: AT }).status, 'unknown');
    }
  });

  it('without BINLOG MONITOR on the primary: still the leader, replicas without lag bytes, the missing grant named; two round trips', async () => {
    const primary = structuredClone(readCapturedScenario('mariadb-healthy').nodes['primary']!);
    primary.rows['BINARY_LOGS_SQL'] = {
      error: {
        errno: 1227,
        code: 'ER_SPECIFIC_ACCESS_DENIED_ERROR',
        sqlMessage: 'Access denied; you need (at least one of) the SUPER, BINLOG MONITOR privilege(s) for this operation',
      },
    };
    const client = fakeMysqlClient(primary);
    const answer = await probeMysqlNode(client);
    assert.equal(client.batches.length, 2);
    assert.equal(answer.replicationStatusDenied, undefined);
    assert.equal(answer.binaryLogs, undefined);
    assert.deepEqual(answer.channels, [], 'the status was read: no channel, a primary');
    assert.match(answer.permissionProblem ?? '', /BINLOG MONITOR.*lag bytes cannot be read/);
  });

  it('sends at most two round trips per node, the grant tables in the second', async () => {
    const client = fakeMysqlClient(readCapturedScenario('mariadb-healthy').nodes['primary']!);
    await probeMysqlNode(client);
    assert.equal(client.batches.length, 2);
    assert.deepEqual(client.batches[0]!.slice(-2), ['SHOW BINARY LOGS', 'SHOW ALL SLAVES STATUS']);
    assert.ok(client.batches[1]!.every((sql) => /FROM mysql\./.test(sql)));
    // The hash is only named as a path JSON_REMOVE strips on the server: it is never selected.
    assert.ok(client.batches.flat().every((sql) => !sql.replace("'$.authentication_string'", '').includes('authentication_string')));
  });
});

/** The healthy capture with the replica turned into a primary: its channel reset, `read_only` as given. */
async function detachedReplicaRound(readOnly: '0' | '1', options: { primaryDown?: boolean; previousLeader?: string } = {}) {
  const captured = readCapturedScenario('mariadb-healthy');
  const replicaNode = structuredClone(captured.nodes['replica']!);
  replicaNode.rows['MARIADB_REPLICA_STATUS_SQL'] = [];
  (replicaNode.rows['MARIADB_VARIABLES_SQL'] as Record<string, unknown>[])[0]!['read_only'] = readOnly;
  const config = parseMysqlConfig(
    {
      nodes: [
        { member: 'db-1', url: `mysql://monitor@127.0.0.1:${captured.nodes['primary']!.port}` },
        { member: 'db-2', url: `mysql://monitor@127.0.0.1:${replicaNode.port}` },
      ],
    },
    'groups[0].mysql',
    {},
  );
  const outcomes = new Map<string, MysqlOutcome>([
    [
      'db-1',
      options.primaryDown
        ? { kind: 'refused', error: 'connect ECONNREFUSED', atMillis: AT }
        : { kind: 'answered', answer: await probeMysqlNode(fakeMysqlClient(captured.nodes['primary']!)), atMillis: AT },
    ],
    ['db-2', { kind: 'answered', answer: await probeMysqlNode(fakeMysqlClient(replicaNode)), atMillis: AT }],
  ]);
  const round = observationsOfRound({
    group: 'billing-db',
    source: 'mysql/billing-db',
    nodes: config.nodes,
    outcomes,
    previousLeader: options.previousLeader,
    lastRoles: new Map([['db-1', 'leader']]),
  });
  return { leader: round.leader, primary: round.observations.find((o) => o.member === 'db-1')!, replica: round.observations.find((o) => o.member === 'db-2')! };
}

describe('MariaDB leaders: split brain, promotion left read_only, a detached replica', () => {
  it('two writable primaries: split brain, the previous leader stays the reference, the other diverged', async () => {
    const { leader, replica } = await detachedReplicaRound('0', { previousLeader: 'db-1' });
    assert.equal(leader, 'db-1');
    assert.equal(replica.role, 'leader');
    assert.equal(replica.divergedReason, 'split brain: db-2 claims leader while db-1 is also leader');
  });

  it('the old primary down, the replica reset but left read_only: it is the leader, not serving', async () => {
    const { leader, primary, replica } = await detachedReplicaRound('1', { primaryDown: true });
    assert.equal(leader, 'db-2');
    assert.equal(primary.reachable, false);
    assert.equal(primary.role, 'leader', 'the refused node keeps the role it last had');
    assert.equal(replica.role, 'leader');
    assert.equal(replica.serving, false);
  });

  it('a read-only node without a channel beside the writable primary: detached, never converged', async () => {
    const { leader, primary, replica } = await detachedReplicaRound('1');
    assert.equal(leader, 'db-1');
    assert.equal(replica.role, 'replica');
    assert.match(replica.replicationStoppedReason ?? '', /replicates from no one/);
    assert.equal(verdictOf(replica, primary).status, 'lagging');
  });
});

describe('MariaDB replicas with less to go on', () => {
  it('a replica of a source that is no member of the group: diverged, naming the source', async () => {
    const captured = readCapturedScenario('mariadb-healthy');
    const replicaNode = structuredClone(captured.nodes['replica']!);
    const status = (replicaNode.rows['MARIADB_REPLICA_STATUS_SQL'] as Record<string, unknown>[])[0]!;
    Object.assign(status, { Master_Host: '10.1.2.3', Master_Port: 3306, Master_Server_Id: 7 });
    const config = parseMysqlConfig(
      {
        nodes: [
          { member: 'db-1', url: `mysql://monitor@127.0.0.1:${captured.nodes['primary']!.port}` },
          { member: 'db-2', url: `mysql://monitor@127.0.0.1:${replicaNode.port}` },
        ],
      },
      'groups[0].mysql',
      {},
    );
    const outcomes = new Map<string, MysqlOutcome>([
      ['db-1', { kind: 'answered', answer: await probeMysqlNode(fakeMysqlClient(captured.nodes['primary']!)), atMillis: AT }],
      ['db-2', { kind: 'answered', answer: await probeMysqlNode(fakeMysqlClient(replicaNode)), atMillis: AT }],
    ]);
    const { observations } = observationsOfRound({ group: 'g', source: 'mysql/g', nodes: config.nodes, outcomes, previousLeader: undefined });
    const replica = observations.find((o) => o.member === 'db-2')!;
    assert.equal(replica.divergedReason, 'replicates from 10.1.2.3:3306 (server id 7), no member of this group; the leader is db-1');
    assert.equal(replica.lagBytes, undefined, "another primary's binlog offsets are not compared to this leader's");
  });

  it("without the leader's binary logs: no lag bytes nor position, but Seconds_Behind_Master while both threads run", async () => {
    const captured = readCapturedScenario('mariadb-healthy');
    const primaryNode = { ...structuredClone(captured.nodes['primary']!), logBin: false };
    const replicaNode = structuredClone(captured.nodes['replica']!);
    (replicaNode.rows['MARIADB_REPLICA_STATUS_SQL'] as Record<string, unknown>[])[0]!['Seconds_Behind_Master'] = 12;
    const config = parseMysqlConfig(
      {
        nodes: [
          { member: 'db-1', url: `mysql://monitor@127.0.0.1:${primaryNode.port}` },
          { member: 'db-2', url: `mysql://monitor@127.0.0.1:${replicaNode.port}` },
        ],
      },
      'groups[0].mysql',
      {},
    );
    const outcomes = new Map<string, MysqlOutcome>([
      ['db-1', { kind: 'answered', answer: await probeMysqlNode(fakeMysqlClient(primaryNode)), atMillis: AT }],
      ['db-2', { kind: 'answered', answer: await probeMysqlNode(fakeMysqlClient(replicaNode)), atMillis: AT }],
    ]);
    const { observations } = observationsOfRound({ group: 'g', source: 'mysql/g', nodes: config.nodes, outcomes, previousLeader: undefined });
    const [primary, replica] = [observations.find((o) => o.member === 'db-1')!, observations.find((o) => o.member === 'db-2')!];
    assert.equal(replica.lagBytes, undefined);
    assert.equal(replica.position, undefined, 'a transaction count is never left for the engine to read as bytes');
    assert.equal(replica.lagSeconds, 12);
    assert.equal(verdictOf(replica, primary).status, 'lagging');
  });
});

describe('MySQL 8 observations from recorded SHOW REPLICA STATUS rows (written from the documented columns)', () => {
  it('SQL thread stopped on a duplicate key: lagging naming the thread and error 1062, exact lag bytes, no seconds', async () => {
    const { leader, primary, replica } = await roundOf('mysql8-sql-stopped');
    assert.equal(leader, 'db-1');
    assert.equal(primary.position, 180, 'transactions in gtid_executed');
    assert.equal(replica.followsLeader, 'db-1');
    assert.match(replica.replicationStoppedReason ?? '', /^SQL thread stopped: Error 1062 Worker 1 failed/);
    assert.equal(replica.lagSeconds, undefined);
    assert.equal(replica.lagBytes, 90_000 - 5_000, 'same file: the primary binlog.000012 size minus Exec_Source_Log_Pos');
    assert.equal(replica.position, 120);
    assert.equal(verdictOf(replica, primary).status, 'lagging');
  });

  it('errant transactions: GTID_SUBSET fails, diverged naming the replica uuid range', async () => {
    const { primary, replica } = await roundOf('mysql8-errant');
    assert.equal(replica.divergedReason, 'errant transactions on db-2 that the leader db-1 does not have: 7c5a1d2e-5b1f-11ee-8c99-0242ac120003:1-2');
    assert.equal(replica.replicationStoppedReason, undefined);
    assert.equal(verdictOf(replica, primary).status, 'diverged');
  });
});
