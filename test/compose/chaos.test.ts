/**
 * deploy/chaos/chaos.sh against a real Redis primary + 2 replicas and a real PostgreSQL primary +
 * standby (set up by the compose stack's own scripts): each scenario must really break what it
 * says and really restore it. Docker's restart policy is played by the test where a scenario
 * stops a process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../support/processes';
import { repoRoot } from './compose-files';
import { psql, redisCli, redisCliWithin, startDemoServers, type DemoServers } from './demo-servers';

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
    await waitFor('both Redis replicas to sync', 30_000, async () =>
      /connected_slaves:2/.test(redisCli(servers.redis.primary, 'INFO', 'replication')) || undefined,
    );
    assert.equal(psql(servers.postgres.primaryPort, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"), '1');
    assert.equal(psql(servers.postgres.primaryPort, "SELECT rolname FROM pg_roles WHERE pg_has_role(rolname, 'pg_monitor', 'member') AND rolname = 'rebound_monitor'"), 'rebound_monitor');
  });

  it('redis_acl_drift adds an ACL user on one replica only, then removes it', async () => {
    const run = chaos('redis_acl_drift');
    await waitFor('the drifted ACL on replica 2', 10_000, async () => redisCli(servers.redis.replica2, 'ACL', 'LIST').includes('rebound-chaos') || undefined, 200);
    assert.doesNotMatch(redisCli(servers.redis.primary, 'ACL', 'LIST'), /rebound-chaos/);
    assert.doesNotMatch(redisCli(servers.redis.replica1, 'ACL', 'LIST'), /rebound-chaos/);
    await run;
    assert.doesNotMatch(redisCli(servers.redis.replica2, 'ACL', 'LIST'), /rebound-chaos/);
  });

  it('redis_replica_sleep makes a replica unresponsive while the primary writes, then it catches up', async () => {
    const run = chaos('redis_replica_sleep');
    await waitFor('replica 2 to stop answering', 10_000, async () => {
      try {
        // DEBUG SLEEP blocks the server for HOLD_SECONDS: a PING gets no answer within 1 s.
        redisCliWithin(1000, servers.redis.replica2, 'PING');
        return undefined;
      } catch {
        return true;
      }
    }, 300);
    await run;
    await waitFor('replica 2 to catch up with the primary', 30_000, async () => (offset(servers.redis.replica2) === offset(servers.redis.primary) ? true : undefined));
  });

  it('redis_replica_restart stops replica 1 (the restart policy brings it back and it resyncs)', async () => {
    await chaos('redis_replica_restart');
    assert.throws(() => redisCli(servers.redis.replica1, 'PING'));
    await servers.restartRedisReplica1();
    await waitFor('replica 1 to resync', 30_000, async () => /master_link_status:up/.test(redisCli(servers.redis.replica1, 'INFO', 'replication')) || undefined);
  });

  it('pg_replay_pause pauses WAL replay on the standby while the primary writes, then resumes', async () => {
    const run = chaos('pg_replay_pause');
    await waitFor('replay to be paused', 10_000, async () => (psql(servers.postgres.standbyPort, 'SELECT pg_is_wal_replay_paused()') === 't' ? true : undefined), 200);
    await waitFor('replay lag to grow', 10_000, async () =>
      Number(psql(servers.postgres.standbyPort, 'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())')) > 0 || undefined,
    );
    await run;
    assert.equal(psql(servers.postgres.standbyPort, 'SELECT pg_is_wal_replay_paused()'), 'f');
    await waitFor('the standby to replay everything', 30_000, async () =>
      psql(servers.postgres.standbyPort, 'SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()') === 't' || undefined,
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

  it('restore undoes what an interrupted scenario left: ACL user, pg_hba rule, paused replay', async () => {
    const hbaFile = join(servers.postgres.standbyData, 'pg_hba.conf');
    redisCli(servers.redis.replica2, 'ACL', 'SETUSER', 'rebound-chaos', 'on', 'nopass', '+get');
    appendFileSync(hbaFile, 'host all rebound-chaos 192.0.2.1/32 trust # rebound-chaos\n');
    psql(servers.postgres.standbyPort, 'SELECT pg_reload_conf(), pg_wal_replay_pause()');
    await chaos('restore');
    assert.doesNotMatch(redisCli(servers.redis.replica2, 'ACL', 'LIST'), /rebound-chaos/);
    assert.doesNotMatch(readFileSync(hbaFile, 'utf8'), /rebound-chaos/);
    assert.equal(psql(servers.postgres.standbyPort, "SELECT count(*) FROM pg_hba_file_rules WHERE 'rebound-chaos' = ANY(user_name)"), '0');
    assert.equal(psql(servers.postgres.standbyPort, 'SELECT pg_is_wal_replay_paused()'), 'f');
  });

  it('pg_standby_restart shuts the standby down (the restart policy brings it back as a standby)', async () => {
    await chaos('pg_standby_restart');
    assert.throws(() => psql(servers.postgres.standbyPort, 'SELECT 1'));
    await servers.restartStandby();
    await waitFor('the standby to stream again', 30_000, async () =>
      psql(servers.postgres.primaryPort, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") === '1' || undefined,
    );
  });
});
