/**
 * docker-compose.yml in miniature, without Docker: the compose demo workload (Redis primary +
 * 2 replicas, PostgreSQL primary + standby, MariaDB primary + replica, set up by
 * deploy/postgres/*.sh and deploy/mariadb/*.sh) probed by the real
 * collector with the groups of deploy/rebound.yaml, while deploy/chaos/chaos.sh breaks it. What
 * the compose stack would show must show here: permission drift naming the member, a recovery
 * episode recorded, the standby lagging and converging again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { RECEIVER_FACTORIES } from '@rebound/collector';
import { Child, sparePort, waitFor } from '../support/processes';
import { repoRoot } from './compose-files';
import { MARIADB_MONITOR_PASSWORD, MARIADB_ROOT_PASSWORD, startDemoServers, type DemoServers } from './demo-servers';

interface GroupView {
  name: string;
  phase: string;
  members: { member: string; status: string; reason: string | null; permission_drift: boolean; lag_bytes: number | null }[];
}

const registered = new Set(RECEIVER_FACTORIES.map((f) => f.type));
let dir: string;
let servers: DemoServers;
let collector: Child | undefined;
let apiUrl: string;

/** The compose groups with their addresses rewritten to this machine's servers (member names kept). */
function miniatureGroups(): unknown[] {
  const compose = parse(readFileSync(join(repoRoot, 'deploy/rebound.yaml'), 'utf8')) as { groups: Record<string, unknown>[] };
  const redisAddress: Record<string, string> = {
    'redis-primary': servers.redis.primary,
    'redis-replica-1': servers.redis.replica1,
    'redis-replica-2': servers.redis.replica2,
  };
  const pgPort: Record<string, number> = { 'postgres-primary': servers.postgres.primaryPort, 'postgres-standby': servers.postgres.standbyPort };
  const fast = { hold_down: '2s', progress_window: '3s', stabilization_window: '5s' };
  const groups: unknown[] = [];
  for (const group of compose.groups) {
    if (group.redis && registered.has('redis')) {
      const redis = group.redis as { nodes: { member: string }[] };
      groups.push({ ...group, ...fast, redis: { nodes: redis.nodes.map((n) => ({ ...n, address: redisAddress[n.member] })) } });
    }
    if (group.postgresql && registered.has('postgresql')) {
      const pg = group.postgresql as { nodes: { member: string; url: string }[] };
      groups.push({
        ...group,
        ...fast,
        // The monitoring role the compose primary's init script creates, with its grants only.
        postgresql: { nodes: pg.nodes.map((n) => ({ ...n, url: `postgres://rebound_monitor:test-monitor@127.0.0.1:${pgPort[n.member]}/postgres` })) },
      });
    }
    if (group.mysql && registered.has('mysql')) {
      const mysql = group.mysql as { nodes: { member: string; url: string }[] };
      const address: Record<string, string> = { 'mariadb-primary': servers.mariadb.primary, 'mariadb-replica': servers.mariadb.replica };
      // The compose URLs (the monitoring account deploy/mariadb/init-primary.sh creates, its
      // password from \${REBOUND_MYSQL_MONITOR_PASSWORD}) with this machine's host:port.
      groups.push({ ...group, ...fast, mysql: { nodes: mysql.nodes.map((n) => ({ ...n, url: n.url.replace(/@[^@]+$/, `@${address[n.member]}`) })) } });
    }
  }
  return groups;
}

async function groupView(name: string): Promise<GroupView> {
  const body = (await (await fetch(`${apiUrl}/api/v1/groups`)).json()) as { groups: GroupView[] };
  const group = body.groups.find((g) => g.name === name);
  assert.ok(group, `collector has no group ${name}`);
  return group;
}

const member = (group: GroupView, name: string) => group.members.find((m) => m.member === name)!;

function chaos(scenario: string, holdSeconds: number): Promise<void> {
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
    CHAOS_HOLD_SECONDS: String(holdSeconds),
  };
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [join(repoRoot, 'deploy/chaos/chaos.sh'), scenario], { env, stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chaos.sh ${scenario} exited ${code}`))));
  });
}

async function waitForGroup(what: string, name: string, check: (g: GroupView) => boolean, seconds = 30): Promise<GroupView> {
  return waitFor(
    `${name}: ${what}`,
    seconds * 1000,
    async () => {
      const group = await groupView(name);
      return check(group) ? group : undefined;
    },
    250,
  );
}

describe('the compose stack in miniature: collector + demo workload + chaos', { timeout: 600_000 }, () => {
  before(async () => {
    if (!registered.has('redis') && !registered.has('postgresql') && !registered.has('mysql')) return;
    dir = mkdtempSync(join(tmpdir(), 'rebound-stack-'));
    servers = await startDemoServers(dir);
    const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
    apiUrl = `http://127.0.0.1:${metricsPort}`;
    const configFile = join(dir, 'rebound.yaml');
    writeFileSync(
      configFile,
      stringify({
        interval: '500ms',
        listen: { metrics: `127.0.0.1:${metricsPort}`, otlp: `127.0.0.1:${otlpPort}` },
        store: join(dir, 'rebound.db'),
        groups: miniatureGroups(),
      }),
    );
    // From source, so the test always runs the code of this tree (a dist/ may be stale).
    const args = ['--import', 'tsx', join(repoRoot, 'collector/src/cli.ts'), '--config', configFile, '--quiet'];
    // What compose gives the collector (the child inherits this process's environment).
    process.env.REBOUND_MYSQL_MONITOR_PASSWORD = MARIADB_MONITOR_PASSWORD;
    collector = new Child('collector', process.execPath, args, repoRoot);
    await waitFor('the collector to answer /healthz', 60_000, async () => {
      if (!collector!.running) throw new Error(`collector exited:\n${collector!.tail()}`);
      return (await fetch(`${apiUrl}/healthz`)).ok || undefined;
    });
  });

  after(async () => {
    await collector?.stop();
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('Redis group "cache"', () => {
    it('is healthy once the replicas are in sync', async (t) => {
      if (!registered.has('redis')) return t.todo('the Redis receiver is not registered in the collector yet');
      await waitForGroup('healthy', 'cache', (g) => g.phase === 'healthy');
    });

    it('names the replica whose ACLs drift, and clears it when they are in sync again', async (t) => {
      if (!registered.has('redis')) return t.todo('the Redis receiver is not registered in the collector yet');
      const run = chaos('redis_acl_drift', 6);
      const drifted = await waitForGroup('permission drift on redis-replica-2', 'cache', (g) => member(g, 'redis-replica-2').permission_drift);
      assert.equal(member(drifted, 'redis-primary').permission_drift, false);
      await run;
      await waitForGroup('permissions in sync', 'cache', (g) => g.members.every((m) => !m.permission_drift));
    });

    it('records a recovery episode when a replica stops answering and catches up', async (t) => {
      if (!registered.has('redis')) return t.todo('the Redis receiver is not registered in the collector yet');
      await waitForGroup('healthy', 'cache', (g) => g.phase === 'healthy');
      const run = chaos('redis_replica_sleep', 5);
      await waitForGroup('leaving healthy', 'cache', (g) => g.phase !== 'healthy' && member(g, 'redis-replica-2').status !== 'converged');
      await run;
      await waitForGroup('healthy again', 'cache', (g) => g.phase === 'healthy', 60);
      const body = (await (await fetch(`${apiUrl}/api/v1/episodes?group=cache`)).json()) as {
        episodes: { members_affected: string[]; duration_seconds: number | null }[];
      };
      const episode = body.episodes.find((e) => e.members_affected.includes('redis-replica-2') && e.duration_seconds !== null);
      assert.ok(episode, `no completed episode naming redis-replica-2: ${JSON.stringify(body.episodes)}`);
    });
  });

  describe('PostgreSQL group "orders-db"', () => {
    it('is healthy with the compose monitoring role', async (t) => {
      if (!registered.has('postgresql')) return t.todo('the PostgreSQL receiver is not registered in the collector yet');
      await waitForGroup('healthy', 'orders-db', (g) => g.phase === 'healthy');
    });

    it('shows the standby lagging while replay is paused, then converged', async (t) => {
      if (!registered.has('postgresql')) return t.todo('the PostgreSQL receiver is not registered in the collector yet');
      const run = chaos('pg_replay_pause', 6);
      await waitForGroup(
        'standby not converged',
        'orders-db',
        (g) => member(g, 'postgres-standby').status !== 'converged' || (member(g, 'postgres-standby').lag_bytes ?? 0) > 0,
      );
      await run;
      await waitForGroup('standby converged', 'orders-db', (g) => member(g, 'postgres-standby').status === 'converged', 60);
    });

    it('names the standby whose pg_hba.conf drifts', async (t) => {
      if (!registered.has('postgresql')) return t.todo('the PostgreSQL receiver is not registered in the collector yet');
      const run = chaos('pg_hba_drift', 6);
      await waitForGroup('permission drift on postgres-standby', 'orders-db', (g) => member(g, 'postgres-standby').permission_drift);
      await run;
      await waitForGroup('permissions in sync', 'orders-db', (g) => g.members.every((m) => !m.permission_drift));
    });
  });

  describe('MariaDB group "billing-db"', () => {
    it('is healthy with the compose monitoring account', async (t) => {
      if (!registered.has('mysql')) return t.todo('the MySQL receiver is not registered in the collector yet');
      await waitForGroup('healthy', 'billing-db', (g) => g.phase === 'healthy', 60);
    });

    it('shows the replica lagging with its SQL thread named while it is stopped, then converged', async (t) => {
      if (!registered.has('mysql')) return t.todo('the MySQL receiver is not registered in the collector yet');
      const run = chaos('mysql_sql_thread_stop', 6);
      const lagging = await waitForGroup(
        'mariadb-replica lagging, SQL thread named',
        'billing-db',
        (g) => member(g, 'mariadb-replica').status === 'lagging' && /SQL thread/.test(member(g, 'mariadb-replica').reason ?? ''),
      );
      assert.notEqual(lagging.phase, 'healthy');
      assert.equal(member(lagging, 'mariadb-primary').status, 'converged');
      await run;
      await waitForGroup('mariadb-replica converged', 'billing-db', (g) => member(g, 'mariadb-replica').status === 'converged', 60);
    });

    it('names the replica whose grants drift (a GRANT outside the binlog), and clears it after the REVOKE', async (t) => {
      if (!registered.has('mysql')) return t.todo('the MySQL receiver is not registered in the collector yet');
      const run = chaos('mysql_grant_drift', 6);
      const drifted = await waitForGroup('permission drift on mariadb-replica', 'billing-db', (g) => member(g, 'mariadb-replica').permission_drift);
      assert.equal(member(drifted, 'mariadb-primary').permission_drift, false);
      await run;
      await waitForGroup('permissions in sync', 'billing-db', (g) => g.members.every((m) => !m.permission_drift));
    });
  });
});
