/**
 * The compose demo workload, on this machine: a Redis primary with two replicas and a PostgreSQL
 * primary with a streaming standby, on spare loopback ports, set up by the same scripts the
 * compose file runs (deploy/postgres/*.sh). PostgreSQL runs as the `postgres` OS user.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Child, sparePort, waitFor } from '../support/processes';
import { repoRoot } from './compose-files';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const pgEnv = { PATH: `${PG_BIN}:${process.env.PATH ?? ''}` };

function postgresUser(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

/** Run as the postgres OS user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(command: string, args: string[], env: Record<string, string>): [string, string[]] {
  const vars = Object.entries({ ...pgEnv, ...env }).map(([k, v]) => `${k}=${v}`);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', 'env', ...vars, command, ...args]] : ['env', [...vars, command, ...args]];
}

export interface DemoServers {
  redis: { primary: string; replica1: string; replica2: string };
  postgres: { primaryPort: number; standbyPort: number; standbyData: string };
  children: Child[];
  restartRedisReplica1(): Promise<void>;
  restartStandby(): Promise<void>;
  stop(): Promise<void>;
}

/** redis-cli; throws when the node refuses or does not answer within `timeoutMillis`. */
export function redisCli(address: string, ...args: string[]): string {
  return redisCliWithin(5000, address, ...args);
}

export function redisCliWithin(timeoutMillis: number, address: string, ...args: string[]): string {
  const [host, port] = address.split(':');
  return execFileSync('redis-cli', ['-h', host, '-p', port, ...args], { encoding: 'utf8', timeout: timeoutMillis, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function psql(port: number, sql: string): string {
  return execFileSync('psql', [`postgres://postgres@127.0.0.1:${port}/postgres`, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

async function startRedis(dir: string, port: number, replicaOf?: number): Promise<Child> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--enable-debug-command', 'yes'];
  if (replicaOf) args.push('--replicaof', '127.0.0.1', String(replicaOf));
  const child = new Child(`redis-${port}`, 'redis-server', args, dir);
  await waitFor(`redis on ${port}`, 20_000, async () => (redisCli(`127.0.0.1:${port}`, 'PING') === 'PONG' ? true : undefined));
  return child;
}

export async function startDemoServers(dir: string): Promise<DemoServers> {
  const children: Child[] = [];
  const [p1, p2, p3] = [await sparePort(), await sparePort(), await sparePort()];
  children.push(await startRedis(dir, p1));
  const replica1 = await startRedis(dir, p2, p1);
  children.push(replica1, await startRedis(dir, p3, p1));

  const { uid, gid } = postgresUser();
  const pgDir = join(dir, 'pg');
  const socketDir = join(pgDir, 'sock');
  const primaryData = join(pgDir, 'primary');
  const standbyData = join(pgDir, 'standby');
  mkdirSync(socketDir, { recursive: true });
  mkdirSync(standbyData);
  for (const path of [dir, pgDir, socketDir, standbyData]) {
    chmodSync(path, path === standbyData ? 0o700 : 0o755);
    if (path !== dir) chownSync(path, uid, gid);
  }
  const [primaryPort, standbyPort] = [await sparePort(), await sparePort()];
  const run = (command: string, args: string[], env: Record<string, string> = {}): string => {
    const [cmd, argv] = asPostgres(command, args, env);
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
  };
  run('initdb', ['-D', primaryData, '--auth=trust', '-U', 'postgres', '--no-sync']);
  const [cmd, argv] = asPostgres('postgres', ['-D', primaryData, '-p', String(primaryPort), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {});
  children.push(new Child('postgres-primary', cmd, argv, pgDir));
  await waitFor('the PostgreSQL primary', 60_000, async () => (psql(primaryPort, 'SELECT 1') === '1' ? true : undefined));
  // The compose primary's init script, for real: roles, grants, the demo table.
  run('sh', [join(repoRoot, 'deploy/postgres/init-primary.sh')], {
    POSTGRES_USER: 'postgres',
    PGDATA: primaryData,
    PGHOST: '127.0.0.1',
    PGPORT: String(primaryPort),
    REPLICATION_PASSWORD: 'test-replication',
    MONITOR_PASSWORD: 'test-monitor',
  });
  psql(primaryPort, 'SELECT pg_reload_conf()');

  const startStandby = async (): Promise<Child> => {
    const [scmd, sargv] = asPostgres('sh', [join(repoRoot, 'deploy/postgres/standby-entrypoint.sh'), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
      PGDATA: standbyData,
      PGPORT: String(standbyPort),
      PRIMARY_HOST: '127.0.0.1',
      PRIMARY_PORT: String(primaryPort),
      REPLICATION_PASSWORD: 'test-replication',
    });
    const standby = new Child('postgres-standby', scmd, sargv, pgDir);
    await waitFor('the PostgreSQL standby', 120_000, async () => (psql(standbyPort, 'SELECT pg_is_in_recovery()') === 't' ? true : undefined), 1000);
    return standby;
  };
  let standby = await startStandby();
  children.push(standby);

  const redis = { primary: `127.0.0.1:${p1}`, replica1: `127.0.0.1:${p2}`, replica2: `127.0.0.1:${p3}` };
  return {
    redis,
    postgres: { primaryPort, standbyPort, standbyData },
    children,
    async restartRedisReplica1() {
      children.push(await startRedis(dir, p2, p1));
    },
    async restartStandby() {
      standby = await startStandby();
      children.push(standby);
    },
    async stop() {
      for (const child of [...children].reverse()) await child.stop();
    },
  };
}
