/**
 * Records the Prometheus API answers the unit tests replay: real redis-server,
 * PostgreSQL and MariaDB nodes, one Debian exporter per node, a real Prometheus scraping them
 * at 1 s, and for each scenario the receiver's own round queries sent to that
 * Prometheus. Run from collector/:
 *
 *   node --import tsx src/receivers/prometheus/testdata/capture.ts
 *
 * Writes <exporter>-<scenario>.json here: { captured, versions, queries, up, metrics }
 * where up/metrics are the raw /api/v1/query bodies.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exporterDir, startExporter, startTestPrometheus, type RunningExporter, type TestPrometheus } from '../../../testing/exporter-stack';
import { startMariadbPrimaryReplica } from '../../../testing/mariadb-primary-replica';
import { startPostgresPrimaryStandby } from '../../../testing/postgres-primary-standby';
import { waitFor } from '../../../testing/processes';
import { startRedisReplicaSet } from '../../../testing/redis-replica-set';
import { roundQueries } from '../queries';

const HERE = __dirname;

function versionOf(binary: string, flag = '--version'): string {
  try {
    return execFileSync(binary, [flag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')[0]!
      .trim();
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error)
      .split('\n')[0]!
      .trim();
  }
}

async function query(prometheus: TestPrometheus, promql: string): Promise<unknown> {
  const response = await fetch(`${prometheus.url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: promql }) });
  return response.json();
}

/** The round's two queries, plus `context`: what the misleading metrics said at that moment (never read by the receiver). */
async function record(
  prometheus: TestPrometheus,
  exporter: 'redis_exporter' | 'postgres_exporter' | 'mysqld_exporter',
  scenario: string,
  versions: Record<string, string>,
): Promise<void> {
  // As a receiver with `interval: 1s` sends them (max_sample_age 3 × 1 s).
  const queries = roundQueries(exporter, 'job="capture"', 3);
  const [up, metrics] = await Promise.all([query(prometheus, queries.up), query(prometheus, queries.metrics)]);
  const context = exporter === 'postgres_exporter' ? { pg_replication_lag: await query(prometheus, 'pg_replication_lag{job="capture"}') } : {};
  const file = join(HERE, `${exporter.replace('_exporter', '')}-${scenario}.json`);
  writeFileSync(file, `${JSON.stringify({ captured: new Date().toISOString(), versions, queries, up, metrics, context }, null, 1)}\n`);
  console.log(`wrote ${file}`);
}

/** The metrics answer has a series matching `predicate` (polled: scrapes run every second). */
async function until(prometheus: TestPrometheus, what: string, promql: string, timeoutMillis = 30_000): Promise<void> {
  await waitFor(
    what,
    timeoutMillis,
    async () => {
      const body = (await query(prometheus, promql)) as { data?: { result?: unknown[] } };
      return (body.data?.result?.length ?? 0) > 0 || undefined;
    },
    200,
  );
}

async function captureRedis(): Promise<void> {
  const versions = {
    redis: versionOf('redis-server'),
    redis_exporter: versionOf('prometheus-redis-exporter', '--version'),
    prometheus: versionOf('/usr/bin/prometheus'),
  };
  // Diskless sync with a delay keeps the primary in wait_bgsave for a few seconds on a full resync.
  const set = await startRedisReplicaSet({ replicas: 1, extraArgs: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '6'] });
  const files = exporterDir();
  const exporters: RunningExporter[] = [];
  let prometheus: TestPrometheus | undefined;
  try {
    await set.waitForSync();
    for (const node of set.nodes) exporters.push(await startExporter(files.dir, 'redis', node.name, node.address));
    prometheus = await startTestPrometheus('capture', exporters);
    await prometheus.waitForTargets();
    // ~20 MB through the replication stream, so a resync's "offset 0" would look like 20 MB of lag.
    await set.cli(set.primary, 'EVAL', "for i=1,20000 do redis.call('SET','k'..i, string.rep('x',1000)) end", '0');
    await set.waitForSync();
    await new Promise((r) => setTimeout(r, 2_500));
    await record(prometheus, 'redis_exporter', 'steady', versions);

    await set.stop(set.replicas[0]!);
    await until(prometheus, 'the replica exporter to report redis_up 0', 'redis_up{member="replica1"} == 0');
    await record(prometheus, 'redis_exporter', 'replica-down', versions);

    await set.start(set.replicas[0]!);
    await until(
      prometheus,
      'the primary to show the replica in wait_bgsave',
      'redis_connected_slave_offset_bytes{slave_state="wait_bgsave"} and on() (redis_up{member="replica1"} == 1)',
    );
    await record(prometheus, 'redis_exporter', 'full-resync', versions);
    await set.waitForSync(60_000);

    await exporters[1]!.stop();
    await until(prometheus, 'up 0 for the replica exporter', 'up{member="replica1"} == 0');
    await record(prometheus, 'redis_exporter', 'exporter-down', versions);
  } finally {
    await prometheus?.close();
    for (const e of exporters) await e.stop();
    await set.close();
    files.remove();
  }
}

async function capturePostgres(): Promise<void> {
  const versions = { postgres_exporter: versionOf('prometheus-postgres-exporter'), prometheus: versionOf('/usr/bin/prometheus') };
  const pair = await startPostgresPrimaryStandby();
  const files = exporterDir();
  const exporters: RunningExporter[] = [];
  let prometheus: TestPrometheus | undefined;
  try {
    for (const node of [pair.primary, pair.standby]) exporters.push(await startExporter(files.dir, 'postgres', node.name, `${node.url()}?sslmode=disable`));
    prometheus = await startTestPrometheus('capture', exporters);
    await prometheus.waitForTargets();
    await pair.query(pair.primary, 'CREATE TABLE IF NOT EXISTS t (v int); INSERT INTO t VALUES (1)');
    await pair.waitForCatchUp();
    await new Promise((r) => setTimeout(r, 2_500));
    await record(prometheus, 'postgres_exporter', 'steady', versions);

    // Idle: no commit for a while, so pg_replication_lag (now − last replayed commit) grows with 0 bytes behind.
    await until(prometheus, 'pg_replication_lag above 8 s on the idle standby', 'pg_replication_lag{member="standby"} > 8', 30_000);
    await record(prometheus, 'postgres_exporter', 'idle', versions);

    // The link gone while both nodes run: replication refused by the primary's pg_hba, the walsender ended.
    await pair.prependHbaRule(pair.primary, 'host replication all 0.0.0.0/0 reject');
    // pg_reload_conf() only signals the postmaster: end the walsender until the standby's reconnect is refused.
    await waitFor('the standby gone from pg_stat_replication', 30_000, async () => {
      await pair.query(pair.primary, 'SELECT pg_terminate_backend(pid) FROM pg_stat_replication');
      await new Promise((resolve) => setTimeout(resolve, 500));
      return (await pair.query(pair.primary, 'SELECT count(*)::int AS n FROM pg_stat_replication'))[0]?.['n'] === 0 || undefined;
    });
    await until(
      prometheus,
      'the standby row to leave pg_stat_replication',
      'absent(pg_stat_replication_pg_wal_lsn_diff{job="capture"}) and on() pg_up{member="standby"} == 1',
    );
    await pair.query(pair.primary, 'INSERT INTO t VALUES (2)');
    await new Promise((r) => setTimeout(r, 1_500));
    await record(prometheus, 'postgres_exporter', 'link-gone', versions);

    await pair.stopStandby();
    // postgres_exporter keeps pg_up 1 a while after its connection dies; either sign will do.
    await until(
      prometheus,
      'the standby exporter to report pg_up 0 (or fail its scrape)',
      '(pg_up{member="standby"} == 0) or (up{member="standby"} == 0)',
      60_000,
    );
    await record(prometheus, 'postgres_exporter', 'standby-down', versions);

    await exporters[1]!.stop();
    await until(prometheus, 'up 0 for the standby exporter', 'up{member="standby"} == 0');
    await record(prometheus, 'postgres_exporter', 'exporter-down', versions);
  } finally {
    await prometheus?.close();
    for (const e of exporters) await e.stop();
    await pair.close();
    files.remove();
  }
}

async function captureMysql(): Promise<void> {
  const versions = {
    mariadb: versionOf('/usr/sbin/mariadbd'),
    mysqld_exporter: versionOf('prometheus-mysqld-exporter'),
    prometheus: versionOf('/usr/bin/prometheus'),
  };
  const pair = await startMariadbPrimaryReplica();
  const files = exporterDir();
  const exporters: RunningExporter[] = [];
  let prometheus: TestPrometheus | undefined;
  try {
    // A monitoring user without SLAVE MONITOR / REPLICATION CLIENT (created on the primary, so it replicates).
    await pair.query(
      pair.primary,
      "CREATE USER 'blind'@'127.0.0.1' IDENTIFIED BY 'blind-pw'; GRANT PROCESS ON *.* TO 'blind'@'127.0.0.1'; CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY AUTO_INCREMENT, v TEXT)",
    );
    await pair.waitForCatchUp();
    exporters.push(await startExporter(files.dir, 'mysqld', 'primary', `root@unix(${pair.primary.socket})/`));
    exporters.push(await startExporter(files.dir, 'mysqld', 'replica', `root@unix(${pair.replica.socket})/`));
    exporters.push(await startExporter(files.dir, 'mysqld', 'replica-blind', `blind:blind-pw@tcp(127.0.0.1:${pair.replica.port})/`));
    prometheus = await startTestPrometheus('capture', exporters);
    await prometheus.waitForTargets();
    await new Promise((r) => setTimeout(r, 2_500));
    await record(prometheus, 'mysqld_exporter', 'steady', versions);

    await pair.query(pair.replica, 'STOP SLAVE SQL_THREAD');
    await until(prometheus, 'the SQL thread stopped', 'mysql_slave_status_slave_sql_running{member="replica"} == 0');
    await record(prometheus, 'mysqld_exporter', 'sql-stopped', versions);
    await pair.query(pair.replica, 'START SLAVE SQL_THREAD');

    await pair.query(pair.replica, 'STOP SLAVE IO_THREAD');
    await until(prometheus, 'the IO thread stopped', 'mysql_slave_status_slave_io_running{member="replica"} == 0');
    await record(prometheus, 'mysqld_exporter', 'io-stopped', versions);
    await pair.query(pair.replica, 'START SLAVE IO_THREAD');
  } finally {
    await prometheus?.close();
    for (const e of exporters) await e.stop();
    await pair.close();
    files.remove();
  }
}

async function main(): Promise<void> {
  const which = process.argv[2];
  if (which === undefined || which === 'redis') await captureRedis();
  // One system only: `capture.ts redis`, `capture.ts postgres` or `capture.ts mysql`.
  if (which === undefined || which === 'postgres') await capturePostgres();
  if (which === undefined || which === 'mysql') await captureMysql();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
