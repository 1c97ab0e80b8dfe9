/**
 * End to end through the real engine: a real MariaDB primary and GTID replica
 * (started by the test on spare loopback ports, grants enforced), probed by the
 * receiver as the least-privilege account of docs/monitoring-roles.md, derived
 * by RecoveryEngine. The scenarios in order; the ones that break the
 * pair for good (errant transaction, promotion) come last.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GROUP_DEFAULTS, type GroupConfig } from '../../config/group-config';
import { RecoveryEngine } from '../../engine/engine';
import { createMemoryLogger } from '../../logger';
import type { GroupState, MemberState } from '../../model/group-state';
import type { Phase } from '../../model/types';
import { startMariadbPrimaryReplica, type MariadbPrimaryReplica } from '../../testing/mariadb-primary-replica';
import { waitFor } from '../../testing/processes';
import { RecordingSink } from '../../testing/recording-sink';
import { parseMysqlConfig } from './config';
import { MysqlReceiver } from './mysql-receiver';
import { MONITOR_ACCOUNT_SQL } from './testdata/monitor-account';

const PASSWORD = 'mysql-monitor-Secret-91c4e';
const ENV = 'REBOUND_TEST_MYSQL_PASSWORD';
const group = (name: string): GroupConfig => ({
  ...GROUP_DEFAULTS,
  name,
  rtoMillis: 60_000,
  holdDownMillis: 1_500,
  freshnessMillis: 3_000,
  progressWindowMillis: 5_000,
  stabilizationWindowMillis: 10_000,
  lagToleranceBytes: 64 * 1024,
  receivers: [],
});
const GROUP = group('billing-db');
/** A second group on the primary only: must be unaffected by whatever happens to the replica. */
const OTHER = group('ledger-db');

const logger = createMemoryLogger();
let pair: MariadbPrimaryReplica;
let engine: RecoveryEngine;
let receiver: MysqlReceiver;
let other: MysqlReceiver;
const states: GroupState[] = [];
const otherStates: GroupState[] = [];

function receiverFor(name: string, nodes: { member: string; port: number; role?: 'leader' }[], user = 'rebound_monitor'): MysqlReceiver {
  const config = parseMysqlConfig(
    {
      nodes: nodes.map((n) => ({ member: n.member, url: `mysql://${user}:\${${ENV}}@127.0.0.1:${n.port}`, ...(n.role ? { role: n.role } : {}) })),
      timeout: '1s',
    },
    'groups[0].mysql',
  );
  return new MysqlReceiver(name, config, { intervalMillis: 200, logger, now: Date.now });
}

/** One probe round of both groups and one engine tick, as the collector does each interval. */
async function step(): Promise<GroupState> {
  await Promise.all([receiver.round(engine), other.round(engine)]);
  const ticked = engine.tick();
  const state = ticked.find((s) => s.name === GROUP.name)!;
  states.push(state);
  otherStates.push(ticked.find((s) => s.name === OTHER.name)!);
  await new Promise((resolve) => setTimeout(resolve, 100));
  return state;
}

const stepUntil = (what: string, done: (s: GroupState) => boolean, timeoutMillis = 60_000): Promise<GroupState> =>
  waitFor(
    what,
    timeoutMillis,
    async () => {
      const state = await step();
      return done(state) ? state : undefined;
    },
    0,
  );

const member = (state: GroupState, name: string): MemberState => state.members.find((m) => m.member === name)!;

/** Phases in order, consecutive repeats collapsed. */
function phaseSequence(list: readonly GroupState[]): Phase[] {
  const phases: Phase[] = [];
  for (const state of list) if (phases.at(-1) !== state.phase) phases.push(state.phase);
  return phases;
}

const binlogPosition = async (): Promise<{ file: string; position: number }> => {
  const [row] = await pair.query<{ File: string; Position: string | number }>(pair.primary, 'SHOW MASTER STATUS');
  return { file: row!.File, position: Number(row!.Position) };
};

describe('MariaDB primary + replica through the recovery engine', { timeout: 600_000 }, () => {
  before(async () => {
    pair = await startMariadbPrimaryReplica();
    for (const sql of MONITOR_ACCOUNT_SQL(PASSWORD)) await pair.query(pair.primary, sql);
    await pair.query(pair.primary, 'CREATE DATABASE app; CREATE TABLE app.orders (id bigint AUTO_INCREMENT PRIMARY KEY, payload varchar(64) NOT NULL)');
    await pair.waitForCatchUp();
    process.env[ENV] = PASSWORD;
    engine = new RecoveryEngine({ groups: [GROUP, OTHER] });
    // db-1 declared `role: leader` (a tie-break hint): a declared leader must still never lead unseen.
    receiver = receiverFor(GROUP.name, [
      { member: 'db-1', port: pair.primary.port, role: 'leader' },
      { member: 'db-2', port: pair.replica.port },
    ]);
    other = receiverFor(OTHER.name, [{ member: 'ledger-1', port: pair.primary.port }]);
    for (const r of [receiver, other]) {
      await r.start(engine);
      await r.stop(); // start() declared the members; the test drives the rounds
    }
  });

  after(async () => {
    await receiver?.stop();
    await other?.stop();
    await pair?.close();
  });

  it('1 steady: healthy, the primary leader, the replica converged with 0 lag, the source up', async () => {
    const state = await stepUntil('healthy', (s) => s.phase === 'healthy');
    assert.equal(state.leader, 'db-1');
    assert.equal(state.leaderServing, true);
    assert.equal(member(state, 'db-2').status, 'converged');
    assert.equal(member(state, 'db-2').lagBytes, 0);
    assert.equal(member(state, 'db-2').lagSeconds, 0);
    assert.match(member(state, 'db-1').dependencies['service.version'] ?? '', /MariaDB/);
    assert.equal(engine.sourceStates().get('mysql/billing-db'), true);
    assert.deepEqual(state.driftedMembers, []);
  });

  it('4 the grant tables read once per permissions_interval, carried with their read time; a GRANT seen on both nodes in the round after it replicated', async () => {
    const cadenced = receiverFor('cadence-db', [
      { member: 'db-1', port: pair.primary.port },
      { member: 'db-2', port: pair.replica.port },
    ]);
    const own = new RecordingSink();
    try {
      await cadenced.round(own);
      const first = { primary: own.latest('db-1')!, replica: own.latest('db-2')! };
      assert.equal(first.replica.permissionObservedAtMillis, undefined, 'read in this round');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await cadenced.round(own);
      const carried = own.latest('db-2')!;
      assert.equal(carried.permissionFingerprint, first.replica.permissionFingerprint);
      assert.ok(carried.permissionObservedAtMillis! < carried.observedAtMillis && carried.observedAtMillis - carried.permissionObservedAtMillis! < 30_000);

      // Replicated: the replica's SQL thread runs the GRANT, its Com_grant moves too. Left in place, and
      // early in the file: a replica killed soon after (test 3) applies its last transactions again
      // (innodb_flush_log_at_trx_commit=0 loses its gtid_slave_pos), which gtid strict mode refuses for DCL.
      await pair.query(
        pair.primary,
        "CREATE USER IF NOT EXISTS 'cadence_auditor'@'%' IDENTIFIED BY 'auditor-pw'; GRANT SELECT ON app.* TO 'cadence_auditor'@'%'",
      );
      await pair.waitForCatchUp();
      await cadenced.round(own);
      const [primary, replica] = [own.latest('db-1')!, own.latest('db-2')!];
      assert.notEqual(primary.permissionFingerprint, first.primary.permissionFingerprint, 'seen in the next round, not 30 s later');
      assert.notEqual(replica.permissionFingerprint, first.replica.permissionFingerprint, 'the replica re-read once it applied the GRANT');
      assert.equal(replica.permissionObservedAtMillis, undefined);
      assert.equal(replica.permissionFingerprint, primary.permissionFingerprint, 'no drift: both read after the change');
    } finally {
      await cadenced.stop();
    }
  });

  it('2 SQL thread stopped, 100k rows written: not converged naming the thread, lag bytes growing; started again: recovering → stabilizing → healthy, one episode', async () => {
    const from = states.length - 1;
    await pair.query(pair.replica, 'STOP SLAVE SQL_THREAD');
    const rows = (n: number) => `INSERT INTO app.orders (payload) SELECT concat('order-', seq) FROM app.seq_1_to_${n}`;
    for (let i = 0; i < 5; i++) await pair.query(pair.primary, rows(10_000));
    const halfway = await binlogPosition();
    const first = await stepUntil('the replica lagging with the SQL thread named', (s) => member(s, 'db-2').status === 'lagging');
    assert.match(member(first, 'db-2').reason ?? '', /^SQL thread stopped/);
    assert.notEqual(member(first, 'db-2').lagSeconds, 0, 'Seconds_Behind_Master is NULL while the thread is stopped: never 0');
    assert.ok(first.episodeId !== null);
    // The second half, with the binlog position after each batch: the catch-up is replayed batch by batch below.
    const batchEnds: { file: string; position: number }[] = [];
    for (let i = 0; i < 5; i++) {
      await pair.query(pair.primary, rows(10_000));
      batchEnds.push(await binlogPosition());
    }
    const second = await step();
    assert.match(member(second, 'db-2').reason ?? '', /^SQL thread stopped/);
    assert.ok(
      member(second, 'db-2').lagBytes! > member(first, 'db-2').lagBytes!,
      `lag bytes grew: ${member(first, 'db-2').lagBytes} → ${member(second, 'db-2').lagBytes}`,
    );
    const degraded = await stepUntil('degraded (nothing improving)', (s) => s.phase === 'degraded');
    // Lag seconds from the leader's history: present once the leader moved past the replica, then only growing.
    const seconds = states
      .slice(from)
      .map((s) => member(s, 'db-2'))
      .filter((m) => m.status === 'lagging')
      .map((m) => m.lagSeconds);
    assert.ok(
      seconds.every((v, i) => (v === null ? seconds.slice(0, i).every((p) => p === null) : v > 0 && (i === 0 || v >= (seconds[i - 1] ?? 0)))),
      `lag seconds: ${seconds.join(', ')}`,
    );
    assert.ok(member(degraded, 'db-2').lagSeconds! > 0);

    // Apply the backlog in steps (the thread stops at each position), so the catch-up is seen in flight
    // whatever the machine's speed: on a fast one the whole backlog applies between two probe rounds.
    const applyUntil = async (what: string, until: { file: string; position: number }): Promise<void> => {
      await pair.query(pair.replica, `START SLAVE SQL_THREAD UNTIL MASTER_LOG_FILE='${until.file}', MASTER_LOG_POS=${until.position}`);
      // A START while the UNTIL run is still going would be a no-op: wait for it to stop there.
      await waitFor(`the SQL thread to stop at ${what}`, 60_000, async () => {
        const [status] = await pair.query<{ Slave_SQL_Running: string }>(pair.replica, 'SHOW SLAVE STATUS');
        return status?.Slave_SQL_Running === 'No' ? true : undefined;
      });
    };
    await applyUntil('the halfway point', halfway);
    const recovering = await stepUntil('recovering', (s) => s.phase === 'recovering');
    assert.equal(member(recovering, 'db-2').status, 'lagging');
    // The ETA needs two samples that moved: each batch applied is one more rise.
    for (const [i, end] of batchEnds.slice(0, -1).entries()) {
      await applyUntil(`batch ${i + 6} of 10`, end);
      await step();
    }
    await pair.query(pair.replica, 'START SLAVE SQL_THREAD');
    await stepUntil('stabilizing', (s) => s.phase === 'stabilizing');
    const healthy = await stepUntil('healthy after the hold-down', (s) => s.phase === 'healthy');
    assert.equal(member(healthy, 'db-2').lagBytes, 0);
    // The SQL thread rests at the halfway point until the test starts it again: a pause that long
    // is a stall (no rise for a third of the progress window), so degraded may come back in between.
    const sequence = phaseSequence(states.slice(from));
    assert.deepEqual(sequence.slice(0, 3), ['healthy', 'degraded', 'recovering'], sequence.join(' → '));
    assert.deepEqual(sequence.slice(-2), ['stabilizing', 'healthy'], sequence.join(' → '));
    assert.ok(
      sequence.slice(3, -2).every((p) => p === 'degraded' || p === 'recovering'),
      sequence.join(' → '),
    );
    assert.ok(
      states.slice(from).some((s) => s.phase === 'recovering' && s.etaSeconds !== null),
      'an ETA while recovering',
    );

    const episodes = engine.episodes({ group: GROUP.name });
    assert.equal(episodes.length, 1);
    assert.notEqual(episodes[0]!.endMillis, null);
    assert.deepEqual(episodes[0]!.membersAffected, ['db-2']);
  });

  it('4 a GRANT on the replica only (sql_log_bin=0): permission drift naming the replica; a CREATE USER on the primary only: drift again', async () => {
    await stepUntil('healthy', (s) => s.phase === 'healthy');
    await pair.query(pair.replica, "SET sql_log_bin=0; GRANT SELECT ON app.* TO 'rebound_monitor'@'%'");
    const drift = await stepUntil('permission drift', (s) => s.driftedMembers.length > 0);
    assert.deepEqual(drift.driftedMembers, ['db-2']);
    assert.equal(member(drift, 'db-2').permissionDrift, true);
    assert.equal(drift.phase, 'healthy', 'drift is a hazard beside the phase, not a phase');
    await pair.query(pair.replica, "SET sql_log_bin=0; REVOKE SELECT ON app.* FROM 'rebound_monitor'@'%'");
    await stepUntil('consistent again', (s) => s.driftedMembers.length === 0);

    await pair.query(pair.primary, "SET sql_log_bin=0; CREATE USER 'backdoor'@'%' IDENTIFIED BY 'not-replicated'");
    const again = await stepUntil('permission drift from the primary', (s) => s.driftedMembers.length > 0);
    assert.deepEqual(again.driftedMembers, ['db-2'], 'the leader is the reference: the replica lacks the account');
    await pair.query(pair.primary, "SET sql_log_bin=0; DROP USER 'backdoor'@'%'");
    await stepUntil('consistent again', (s) => s.driftedMembers.length === 0);
  });

  it('3 replica killed, writes, restarted with replication held: unreachable → lagging (IO thread named) → converged', async () => {
    const from = states.length;
    await pair.kill(pair.replica);
    const down = await stepUntil('the replica unreachable', (s) => member(s, 'db-2').status === 'unreachable');
    assert.equal(engine.sourceStates().get('mysql/billing-db'), true, 'a clear refusal still counts as the source answering');
    assert.notEqual(down.phase, 'healthy');
    await pair.query(pair.primary, "INSERT INTO app.orders (payload) SELECT concat('late-', seq) FROM app.seq_1_to_20000");
    await pair.start(pair.replica, { skipSlaveStart: true });
    const lagging = await stepUntil('the replica lagging with replication stopped', (s) => member(s, 'db-2').status === 'lagging');
    assert.match(member(lagging, 'db-2').reason ?? '', /replication link down: IO thread stopped; SQL thread stopped/);
    await pair.query(pair.replica, 'START SLAVE');
    await stepUntil('converged', (s) => member(s, 'db-2').status === 'converged');
    const statuses = states
      .slice(from)
      .map((s) => member(s, 'db-2').status)
      .filter((v, i, a) => a[i - 1] !== v);
    assert.deepEqual(statuses, ['unreachable', 'lagging', 'converged']);
    await stepUntil('healthy', (s) => s.phase === 'healthy');
  });

  it('8 hung replica (SIGSTOP): unknown after the freshness window, the source down, the other group unaffected', async () => {
    const from = otherStates.length;
    pair.pause(pair.replica);
    try {
      const state = await stepUntil('the hung replica unknown', (s) => member(s, 'db-2').status === 'unknown');
      assert.match(member(state, 'db-2').reason ?? '', /no observation/);
      assert.equal(engine.sourceStates().get('mysql/billing-db'), false);
      assert.notEqual(state.phase, 'healthy', 'absence of data is never health');
    } finally {
      pair.resume(pair.replica);
    }
    assert.ok(
      otherStates.slice(from).every((s) => s.phase === 'healthy'),
      'the other group stayed healthy',
    );
    assert.equal(engine.sourceStates().get('mysql/ledger-db'), true);
    await stepUntil('the replica converged again', (s) => member(s, 'db-2').status === 'converged');
  });

  it('8 wrong password: the source down, no observation, logged without any password', async () => {
    const wrongEngine = new RecoveryEngine({ groups: [group('wrong-db')] });
    process.env['REBOUND_TEST_WRONG_PASSWORD'] = `wrong-${PASSWORD}`;
    const config = parseMysqlConfig(
      { nodes: [{ member: 'w-1', url: `mysql://rebound_monitor:\${REBOUND_TEST_WRONG_PASSWORD}@127.0.0.1:${pair.primary.port}` }] },
      'groups[0].mysql',
    );
    const wrong = new MysqlReceiver('wrong-db', config, { intervalMillis: 200, logger, now: Date.now });
    await wrong.start(wrongEngine);
    await wrong.stop();
    await wrong.round(wrongEngine);
    const [state] = wrongEngine.tick();
    assert.equal(state!.members[0]!.status, 'unknown');
    assert.equal(wrongEngine.sourceStates().get('mysql/wrong-db'), false);
    assert.ok(logger.lines.some((l) => l.includes('w-1 did not answer') && l.includes('Access denied')));
  });

  it('7 an account without SLAVE MONITOR: the replica unknown with the reason, never a false leader, said in the log', async () => {
    await pair.query(
      pair.primary,
      `CREATE USER 'bare_monitor'@'%' IDENTIFIED BY '${PASSWORD}'; GRANT REPLICATION CLIENT ON *.* TO 'bare_monitor'@'%'; GRANT SELECT ON mysql.* TO 'bare_monitor'@'%'`,
    );
    await pair.waitForCatchUp();
    const bareEngine = new RecoveryEngine({ groups: [group('bare-db')] });
    const bare = receiverFor(
      'bare-db',
      [
        { member: 'b-1', port: pair.primary.port },
        { member: 'b-2', port: pair.replica.port },
      ],
      'bare_monitor',
    );
    await bare.start(bareEngine);
    await bare.stop();
    await bare.round(bareEngine);
    const [state] = bareEngine.tick();
    assert.equal(state!.leader, null, 'no member taken for a leader');
    for (const m of state!.members) {
      assert.equal(m.status, 'unknown');
      assert.match(m.reason ?? '', /may not read the replication status \(Error 1227: .*SLAVE MONITOR.*\); grant it SLAVE MONITOR/);
    }
    assert.notEqual(state!.phase, 'healthy');
    assert.ok(logger.lines.some((l) => l.includes('b-2: replication status refused') && l.includes('SLAVE MONITOR')));
  });

  it('7 SLAVE MONITOR revoked from the running account: the remembered leader is no longer taken for one; granted back: healthy', async () => {
    await stepUntil('healthy', (s) => s.phase === 'healthy');
    // Global privileges apply to new connections: drop the receiver's (it reconnects within the round).
    const reconnect = async (): Promise<void> => {
      await pair.waitForCatchUp();
      for (const node of [pair.primary, pair.replica]) await pair.query(node, "KILL CONNECTION USER 'rebound_monitor'");
    };
    await pair.query(pair.primary, "REVOKE SLAVE MONITOR ON *.* FROM 'rebound_monitor'@'%'");
    await reconnect();
    const blind = await stepUntil('both members unknown', (s) => s.members.every((m) => m.status === 'unknown'));
    assert.equal(blind.leader, null, 'db-1 was the leader a round ago and is declared leader, and is not taken for one now');
    assert.match(member(blind, 'db-1').reason ?? '', /SLAVE MONITOR/);
    assert.notEqual(blind.phase, 'healthy');
    await pair.query(pair.primary, "GRANT SLAVE MONITOR ON *.* TO 'rebound_monitor'@'%'");
    await reconnect();
    const back = await stepUntil('healthy again', (s) => s.phase === 'healthy');
    assert.equal(back.leader, 'db-1');
  });

  it('5 an errant transaction on the replica: diverged, naming the GTID', async () => {
    await stepUntil('healthy', (s) => s.phase === 'healthy');
    await pair.query(pair.replica, "SET sql_log_bin=1; INSERT INTO app.orders (payload) VALUES ('written on the replica')");
    const [{ pos }] = (await pair.query<{ pos: string }>(pair.replica, 'SELECT @@gtid_binlog_pos AS pos')) as [{ pos: string }];
    const errant = pos.split(',').find((g) => g.split('-')[1] === String(pair.replica.serverId))!;
    const state = await stepUntil('the replica diverged', (s) => member(s, 'db-2').status === 'diverged');
    assert.equal(member(state, 'db-2').reason, `errant transactions on db-2 that the leader db-1 does not have: ${errant}`);
    assert.notEqual(state.phase, 'healthy');
  });

  it('6 promotion: old primary stopped, the replica reset but left read_only → not serving; read_only=0 → failover recorded with its load ratio', async () => {
    // Load on the primary before the episode, so the failover has something to compare to.
    for (let i = 0; i < 3; i++) {
      await pair.query(pair.primary, 'SELECT 1; SELECT 2; SELECT 3; SELECT 4; SELECT 5');
      await step();
    }
    await pair.stop(pair.primary);
    await stepUntil('the primary unreachable', (s) => member(s, 'db-1').status === 'unreachable');
    await pair.query(pair.replica, 'STOP SLAVE; RESET SLAVE ALL');
    const stuck = await stepUntil('the promoted replica leader but not serving', (s) => s.leader === 'db-2');
    assert.equal(stuck.leaderServing, false, 'a promoted replica left read_only is an outage');
    assert.notEqual(stuck.phase, 'healthy');
    await pair.query(pair.replica, 'SET GLOBAL read_only=0');
    const serving = await stepUntil('the new leader serving', (s) => s.leader === 'db-2' && s.leaderServing);
    const withLoad = await stepUntil('the failover load ratio', (s) => s.failoverLoadRatio !== null);
    assert.ok(withLoad.failoverLoadRatio! >= 0);
    assert.equal(member(serving, 'db-1').status, 'unreachable');
  });

  it('never puts the password in logs, observations or states', () => {
    const everything = [...logger.lines, JSON.stringify(states), JSON.stringify(otherStates)].join('\n');
    assert.ok(logger.lines.length > 0);
    assert.ok(!everything.includes(PASSWORD), 'the password leaked');
  });
});
