/**
 * deploy/chaos/chaos.sh against a real Redis primary + 2 replicas, a real PostgreSQL primary +
 * standby and a real MariaDB primary + GTID replica (set up by the compose stack's own scripts): each scenario must really break what it
 * says and really restore it. Docker's restart policy is played by the test where a scenario
 * stops a process.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../support/processes';
import { repoRoot } from './compose-files';
import { MARIADB_ROOT_PASSWORD, mariadb, psql, redisCli, redisCliWithin, startDemoServers, type DemoServers } from './demo-servers';

const HOLD_SECONDS = 4;
let dir: string;
let servers: DemoServers;

/** Start one scenario; resolves with its output when the script exits (non-zero exit rejects). */
function chaos(scenario: string): Promise<string> {
  const env = {
    ...process.env,
    REDIS_PRIMARY: servers.redis.primary,
    REDIS_REPLICA_1: servers.redis.replica1,
    REDIS_REPLICA_2: servers.redis.replica2,
    PG_PRIMARY_URL: `postgres://postgres@127.0.0.1:${servers.postgres.primaryPort}/postgres`,
    PG_STANDBY_URL: `postgres://postgres@127.0.0.1:${servers.postgres.standbyPort}/postgres`,
    STANDBY_HBA_FILE: join(servers.postgres.standbyData, 'pg_hba.conf'),
    MYSQL_PRIMARY: servers.mariadb.primary,
    MYSQL_REPLICA: servers.mariadb.replica,
    MYSQL_CHAOS_USER: 'root',
    MYSQL_CHAOS_PASSWORD: MARIADB_ROOT_PASSWORD,
    CHAOS_HOLD_SECONDS: String(HOLD_SECONDS),
    CHAOS_RESTART_HOLD_SECONDS: '2',
  };
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [join(repoRoot, 'deploy/chaos/chaos.sh'), scenario], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`chaos.sh ${scenario} exited ${code}:\n${output}`))));
  });
}

/** One column of the replica's SHOW SLAVE STATUS (vertical output: `Name: value` lines). */
function slaveStatus(field: string): string {
  const out = execFileSync('mariadb', [`--socket=${servers.mariadb.replicaSocket}`, '--user=root', '-e', 'SHOW SLAVE STATUS\\G'], {
    encoding: 'utf8',
    env: { ...process.env, MYSQL_PWD: '' },
  });
  const line = out.split('\n').find((l) => l.trim().startsWith(`${field}:`));
  assert.ok(line, `SHOW SLAVE STATUS has no ${field}:\n${out}`);
  return line.split(':').slice(1).join(':').trim();
}

/** The grants of the compose monitoring account on one MariaDB node. */
const monitorGrants = (socket: string): string => mariadb(socket, "SHOW GRANTS FOR 'rebound_monitor'@'%'");
const demoRows = (socket: string): number => Number(mariadb(socket, 'SELECT COUNT(*) FROM rebound_demo.demo_orders'));

const offset = (address: string): number => Number(/master_repl_offset:(\d+)/.exec(redisCli(address, 'INFO', 'replication'))![1]);

describe('deploy/chaos/chaos.sh against the demo workload', { timeout: 600_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-chaos-'));
    servers = await startDemoServers(dir);
  });

  after(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('set up replication the way compose does: two Redis replicas and a streaming standby', async () => {
    await waitFor(
      'both Redis replicas to sync',
      30_000,
      async () => /connected_slaves:2/.test(redisCli(servers.redis.primary, 'INFO', 'replication')) || undefined,
    );
    assert.equal(psql(servers.postgres.primaryPort, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"), '1');
    assert.equal(
      psql(servers.postgres.primaryPort, "SELECT rolname FROM pg_roles WHERE pg_has_role(rolname, 'pg_monitor', 'member') AND rolname = 'rebound_monitor'"),
      'rebound_monitor',
    );
  });

  it('set up the MariaDB replica the way compose does: GTID from the primary, both threads running, the monitoring account replicated', () => {
    assert.equal(slaveStatus('Using_Gtid'), 'Slave_Pos');
    assert.equal(slaveStatus('Slave_IO_Running'), 'Yes');
    assert.equal(slaveStatus('Slave_SQL_Running'), 'Yes');
    // The least-privilege account of docs/monitoring-roles.md, on both nodes (grants replicate).
    for (const socket of [servers.mariadb.primarySocket, servers.mariadb.replicaSocket]) {
      const grants = monitorGrants(socket);
      assert.match(grants, /GRANT .*SLAVE MONITOR.* ON \*\.\* TO `rebound_monitor`@`%`/);
      // REPLICATION CLIENT is shown by its 10.5+ name, BINLOG MONITOR.
      assert.match(grants, /GRANT .*(REPLICATION CLIENT|BINLOG MONITOR).* ON \*\.\*/);
      assert.match(grants, /GRANT SELECT ON `mysql`\.\*/);
      assert.doesNotMatch(grants, /SUPER|ALL PRIVILEGES|rebound_demo/);
    }
    assert.equal(mariadb(servers.mariadb.replicaSocket, 'SELECT @@read_only'), '1');
  });

  it("mysql_sql_thread_stop stops the replica's SQL thread while the primary writes (IO thread still receiving), then starts it", async () => {
    const rowsBefore = demoRows(servers.mariadb.primarySocket);
    const run = chaos('mysql_sql_thread_stop');
    await waitFor('the SQL thread to stop', 10_000, async () => (slaveStatus('Slave_SQL_Running') === 'No' ? true : undefined), 200);
    assert.equal(slaveStatus('Slave_IO_Running'), 'Yes');
    await waitFor(
      'the primary to get writes the replica does not apply',
      10_000,
      async () => demoRows(servers.mariadb.primarySocket) > demoRows(servers.mariadb.replicaSocket) || undefined,
    );
    assert.ok(demoRows(servers.mariadb.primarySocket) > rowsBefore, 'the chaos write load reaches MariaDB');
    const output = await run;
    assert.match(output, /chaos: mysql: .* stops its SQL thread/);
    assert.match(output, /chaos: mysql: .* applies again/);
    assert.equal(slaveStatus('Slave_SQL_Running'), 'Yes');
    await waitFor('the replica to apply the backlog', 30_000, async () => {
      const pos = mariadb(servers.mariadb.primarySocket, 'SELECT @@gtid_binlog_pos');
      return mariadb(servers.mariadb.replicaSocket, `SELECT MASTER_GTID_WAIT('${pos}', 0.5)`) === '0' || undefined;
    });
  });

  it('mysql_grant_drift grants on the replica only (outside the binlog), then revokes it', async () => {
    const run = chaos('mysql_grant_drift');
    await waitFor('the drifted grant on the replica', 10_000, async () => /rebound_demo/.test(monitorGrants(servers.mariadb.replicaSocket)) || undefined, 200);
    assert.doesNotMatch(monitorGrants(servers.mariadb.primarySocket), /rebound_demo/);
    const output = await run;
    assert.match(output, /chaos: mysql: GRANT .* only \(permission drift\)/);
    assert.match(output, /chaos: mysql: grant revoked/);
    assert.doesNotMatch(monitorGrants(servers.mariadb.replicaSocket), /rebound_demo/);
    // sql_log_bin=0: neither the grant nor the revoke became a replica-side (errant) transaction.
    assert.doesNotMatch(mariadb(servers.mariadb.replicaSocket, 'SELECT @@gtid_binlog_pos'), /-2-/);
    assert.equal(mariadb(servers.mariadb.replicaSocket, 'SELECT COUNT(*) FROM mysql.db WHERE Db = "rebound_demo"'), '0');
  });

  it('redis_acl_drift adds an ACL user on one replica only, then removes it', async () => {
    const run = chaos('redis_acl_drift');
    await waitFor(
      'the drifted ACL on replica 2',
      10_000,
      async () => redisCli(servers.redis.replica2, 'ACL', 'LIST').includes('rebound-chaos') || undefined,
      200,
    );
    assert.doesNotMatch(redisCli(servers.redis.primary, 'ACL', 'LIST'), /rebound-chaos/);
    assert.doesNotMatch(redisCli(servers.redis.replica1, 'ACL', 'LIST'), /rebound-chaos/);
    await run;
    assert.doesNotMatch(redisCli(servers.redis.replica2, 'ACL', 'LIST'), /rebound-chaos/);
  });

  it('redis_replica_sleep makes a replica unresponsive while the primary writes, then it catches up', async () => {
    const run = chaos('redis_replica_sleep');
    await waitFor(
      'replica 2 to stop answering',
      10_000,
      async () => {
        try {
          // DEBUG SLEEP blocks the server for HOLD_SECONDS: a PING gets no answer within 1 s.
          redisCliWithin(1000, servers.redis.replica2, 'PING');
          return undefined;
        } catch {
          return true;
        }
      },
      300,
    );
    await run;
    await waitFor('replica 2 to catch up with the primary', 30_000, async () =>
      offset(servers.redis.replica2) === offset(servers.redis.primary) ? true : undefined,
    );
  });

  it('redis_replica_restart stops replica 1 (the restart policy brings it back and it resyncs)', async () => {
    await chaos('redis_replica_restart');
    assert.throws(() => redisCli(servers.redis.replica1, 'PING'));
    await servers.restartRedisReplica1();
    await waitFor(
      'replica 1 to resync',
      30_000,
      async () => /master_link_status:up/.test(redisCli(servers.redis.replica1, 'INFO', 'replication')) || undefined,
    );
  });

  it('pg_replay_pause pauses WAL replay on the standby while the primary writes, then resumes', async () => {
    const run = chaos('pg_replay_pause');
    await waitFor(
      'replay to be paused',
      10_000,
      async () => (psql(servers.postgres.standbyPort, 'SELECT pg_is_wal_replay_paused()') === 't' ? true : undefined),
      200,
    );
    await waitFor(
      'replay lag to grow',
      10_000,
      async () => Number(psql(servers.postgres.standbyPort, 'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())')) > 0 || undefined,
    );
    await run;
    assert.equal(psql(servers.postgres.standbyPort, 'SELECT pg_is_wal_replay_paused()'), 'f');
    await waitFor(
      'the standby to replay everything',
      30_000,
      async () => psql(servers.postgres.standbyPort, 'SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()') === 't' || undefined,
    );
  });

  it('pg_hba_drift adds a pg_hba rule on the standby only, then removes it, keeping the file owner', async () => {
    const hbaFile = join(servers.postgres.standbyData, 'pg_hba.conf');
    const ownerBefore = statSync(hbaFile).uid;
    const rules = (port: number): string => psql(port, "SELECT count(*) FROM pg_hba_file_rules WHERE 'rebound-chaos' = ANY(user_name)");
    const run = chaos('pg_hba_drift');
    await waitFor('the drifted rule on the standby', 10_000, async () => (rules(servers.postgres.standbyPort) === '1' ? true : undefined), 200);
    assert.equal(rules(servers.postgres.primaryPort), '0');
    await run;
    assert.equal(rules(servers.postgres.standbyPort), '0');
    assert.doesNotMatch(readFileSync(hbaFile, 'utf8'), /rebound-chaos/);
    assert.equal(statSync(hbaFile).uid, ownerBefore);
  });

  it('restore undoes what an interrupted scenario left: ACL user, pg_hba rule, paused replay, stopped SQL thread, drifted grant', async () => {
    const hbaFile = join(servers.postgres.standbyData, 'pg_hba.conf');
    mariadb(servers.mariadb.replicaSocket, "STOP SLAVE SQL_THREAD; SET sql_log_bin=0; GRANT SELECT ON rebound_demo.* TO 'rebound_monitor'@'%'");
    redisCli(servers.redis.replica2, 'ACL', 'SETUSER', 'rebound-chaos', 'on', 'nopass', '+get');
    appendFileSync(hbaFile, 'host all rebound-chaos 192.0.2.1/32 trust # rebound-chaos\n');
    psql(servers.postgres.standbyPort, 'SELECT pg_reload_conf(), pg_wal_replay_pause()');
    await chaos('restore');
    assert.doesNotMatch(redisCli(servers.redis.replica2, 'ACL', 'LIST'), /rebound-chaos/);
    assert.doesNotMatch(readFileSync(hbaFile, 'utf8'), /rebound-chaos/);
    assert.equal(psql(servers.postgres.standbyPort, "SELECT count(*) FROM pg_hba_file_rules WHERE 'rebound-chaos' = ANY(user_name)"), '0');
    assert.equal(psql(servers.postgres.standbyPort, 'SELECT pg_is_wal_replay_paused()'), 'f');
    assert.equal(slaveStatus('Slave_SQL_Running'), 'Yes');
    assert.doesNotMatch(monitorGrants(servers.mariadb.replicaSocket), /rebound_demo/);
  });

  it('pg_standby_restart shuts the standby down (the restart policy brings it back as a standby)', async () => {
    await chaos('pg_standby_restart');
    assert.throws(() => psql(servers.postgres.standbyPort, 'SELECT 1'));
    await servers.restartStandby();
    await waitFor(
      'the standby to stream again',
      30_000,
      async () => psql(servers.postgres.primaryPort, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") === '1' || undefined,
    );
  });
});
