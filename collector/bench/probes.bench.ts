/**
 * Probe cost on loopback: the time of one probe round of a group (every node
 * probed concurrently, observations built) next to a bare round trip to the
 * same nodes in the same run (`SELECT 1` / `PING` on every node at once, kept
 * connections). The ratio is the figure: what the probe's queries cost over
 * the cheapest possible question. Servers are started by the benchmark.
 */
import { Client } from 'pg';
import { createMemoryLogger } from '../src/logger';
import { parsePostgresqlConfig } from '../src/receivers/postgresql/config';
import { PostgresqlReceiver } from '../src/receivers/postgresql/postgresql-receiver';
import { startPostgresPrimaryStandby } from '../src/testing/postgres-primary-standby';
import { RecordingSink } from '../src/testing/recording-sink';
import Redis from 'ioredis';
import { parseRedisConfig } from '../src/receivers/redis/config';
import { RedisReceiver } from '../src/receivers/redis/redis-receiver';
import { startRedisReplicaSet } from '../src/testing/redis-replica-set';
import { createConnection } from 'mysql2/promise';
import { parseMysqlConfig } from '../src/receivers/mysql/config';
import { MysqlReceiver } from '../src/receivers/mysql/mysql-receiver';
import { MONITOR_ACCOUNT_SQL } from '../src/receivers/mysql/testdata/monitor-account';
import { startMariadbPrimaryReplica } from '../src/testing/mariadb-primary-replica';

const ROUNDS = 300;
const REPEATS = 5;

/** Median per-operation time in ms of `op`, best (lowest) median over interleaved repeats. */
async function timeRounds(op: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    await op();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * 0.95)]!;
}

/**
 * Run the baseline, the probe round (permission facts on their cadence: positions only, most rounds)
 * and the probe reading the permission facts every round (what every round cost before the cadence)
 * alternately REPEATS times; report the best median of each (shared machine) and the ratios.
 */
async function compare(
  label: string,
  probe: () => Promise<unknown>,
  probeReadingPermissions: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  baselineLabel: string,
): Promise<void> {
  const best = { probe: Infinity, probeP95: Infinity, permissions: Infinity, baseline: Infinity };
  for (let r = 0; r < REPEATS; r++) {
    best.baseline = Math.min(best.baseline, median(await timeRounds(baseline)));
    const p = await timeRounds(probe);
    if (median(p) < best.probe) {
      best.probe = median(p);
      best.probeP95 = p95(p);
    }
    best.permissions = Math.min(best.permissions, median(await timeRounds(probeReadingPermissions)));
  }
  console.log(
    `${label}: one probe round ${best.probe.toFixed(3)} ms median (p95 ${best.probeP95.toFixed(3)} ms), permission facts carried (permissions_interval 30 s)`,
  );
  console.log(
    `${label}: a round reading the permission facts too ${best.permissions.toFixed(3)} ms median (every round before; now on a new connection, a change signal or every permissions_interval)`,
  );
  console.log(`${label}: ${baselineLabel} ${best.baseline.toFixed(3)} ms median`);
  console.log(
    `${label}: ratio probe / bare round trip = ${(best.probe / best.baseline).toFixed(1)}× (reading the permission facts: ${(best.permissions / best.baseline).toFixed(1)}×)`,
  );
}

async function postgresqlSection(): Promise<void> {
  const pair = await startPostgresPrimaryStandby();
  const bare = [new Client({ connectionString: pair.primary.url() }), new Client({ connectionString: pair.standby.url() })];
  const receiverWith = (extra: Record<string, unknown>) =>
    new PostgresqlReceiver(
      'bench',
      parsePostgresqlConfig(
        {
          nodes: [
            { member: 'pg-1', url: pair.primary.url() },
            { member: 'pg-2', url: pair.standby.url() },
          ],
          ...extra,
        },
        'groups[0].postgresql',
      ),
      { intervalMillis: 1000, logger: createMemoryLogger(), now: Date.now },
    );
  const receiver = receiverWith({});
  const everyRound = receiverWith({ permissions_interval: '1ms' });
  const sink = new RecordingSink();
  try {
    await Promise.all(bare.map((c) => c.connect()));
    await receiver.round(sink); // connect once: rounds reuse their connections, as in production
    await everyRound.round(sink);
    await compare(
      'postgresql (primary + standby)',
      async () => {
        sink.clear();
        await receiver.round(sink);
      },
      async () => {
        sink.clear();
        await everyRound.round(sink);
      },
      () => Promise.all(bare.map((c) => c.query('SELECT 1'))),
      'bare SELECT 1 on both nodes at once',
    );
    if (sink.observations.length !== 2 || sink.lastSourceUp() !== true) throw new Error('the probe rounds did not observe both nodes');
  } finally {
    await receiver.stop();
    await everyRound.stop();
    await Promise.all(bare.map((c) => c.end()));
    await pair.close();
  }
}

// ---- Redis section (owned by the Redis receiver) ----

/** One Redis probe round (INFO replication + commandstats on 3 nodes, observations built; ACL LIST when due) next to a bare PING on the same 3. */
async function redisSection(): Promise<void> {
  const set = await startRedisReplicaSet({ replicas: 2, extraArgs: ['--repl-diskless-sync-delay', '0'] });
  const bare = set.nodes.map((n) => new Redis({ host: '127.0.0.1', port: n.port, lazyConnect: true }));
  const receiverWith = (extra: Record<string, unknown>) =>
    new RedisReceiver('bench', parseRedisConfig({ nodes: set.nodes.map((n) => ({ member: n.name, address: n.address })), ...extra }, 'groups[0].redis'), {
      intervalMillis: 1000,
      logger: createMemoryLogger(),
      now: Date.now,
    });
  const receiver = receiverWith({});
  const everyRound = receiverWith({ permissions_interval: '1ms' });
  const sink = new RecordingSink();
  try {
    await set.waitForSync();
    await Promise.all(bare.map((c) => c.connect()));
    await receiver.round(sink); // connect once: rounds reuse their connections, as in production
    await everyRound.round(sink);
    await compare(
      'redis (primary + 2 replicas)',
      async () => {
        sink.clear();
        await receiver.round(sink);
      },
      async () => {
        sink.clear();
        await everyRound.round(sink);
      },
      () => Promise.all(bare.map((c) => c.ping())),
      'bare PING on the 3 nodes at once',
    );
    if (sink.observations.length !== 3 || sink.lastSourceUp() !== true) throw new Error('the probe rounds did not observe all 3 nodes');
  } finally {
    await receiver.stop();
    await everyRound.stop();
    for (const c of bare) c.disconnect();
    await set.close();
  }
}

// ---- end of the Redis section ----

// ---- MariaDB section (owned by the MySQL receiver) ----

/** One MariaDB probe round (variables, status, binary logs, slave status on 2 nodes; the grant tables when due) next to a bare SELECT 1 on the same 2. */
async function mariadbSection(): Promise<void> {
  const pair = await startMariadbPrimaryReplica();
  const password = 'bench-monitor-pw-31';
  for (const sql of MONITOR_ACCOUNT_SQL(password)) await pair.query(pair.primary, sql);
  await pair.waitForCatchUp();
  process.env['REBOUND_BENCH_MYSQL_PASSWORD'] = password;
  const nodes = [
    { member: 'db-1', port: pair.primary.port },
    { member: 'db-2', port: pair.replica.port },
  ];
  const bare = await Promise.all(nodes.map((n) => createConnection({ host: '127.0.0.1', port: n.port, user: 'rebound_monitor', password })));
  const receiverWith = (extra: Record<string, unknown>) =>
    new MysqlReceiver(
      'bench',
      parseMysqlConfig(
        { nodes: nodes.map((n) => ({ member: n.member, url: `mysql://rebound_monitor:\${REBOUND_BENCH_MYSQL_PASSWORD}@127.0.0.1:${n.port}` })), ...extra },
        'groups[0].mysql',
      ),
      { intervalMillis: 1000, logger: createMemoryLogger(), now: Date.now },
    );
  const receiver = receiverWith({});
  const everyRound = receiverWith({ permissions_interval: '1ms' });
  const sink = new RecordingSink();
  try {
    await receiver.round(sink); // connect once: rounds reuse their connections, as in production
    await everyRound.round(sink);
    await compare(
      'mariadb (primary + replica)',
      async () => {
        sink.clear();
        await receiver.round(sink);
      },
      async () => {
        sink.clear();
        await everyRound.round(sink);
      },
      () => Promise.all(bare.map((c) => c.query('SELECT 1'))),
      'bare SELECT 1 on both nodes at once',
    );
    if (sink.observations.length !== 2 || sink.lastSourceUp() !== true || sink.latest('db-2')?.lagBytes !== 0)
      throw new Error('the probe rounds did not observe both nodes');
  } finally {
    await receiver.stop();
    await everyRound.stop();
    await Promise.all(bare.map((c) => c.end()));
    await pair.close();
  }
}

// ---- end of the MariaDB section ----

async function main(): Promise<void> {
  console.log(`probe rounds on loopback: ${ROUNDS} rounds × ${REPEATS} interleaved repeats, best median`);
  await postgresqlSection();
  await redisSection();
  await mariadbSection();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
