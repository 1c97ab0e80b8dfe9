/**
 * The compose demo workload, on this machine: a Redis primary with two replicas, a PostgreSQL
 * primary with a streaming standby and a MariaDB primary with a GTID replica, on spare loopback
 * ports, set up by the same scripts the compose file runs (deploy/postgres/*.sh,
 * deploy/mariadb/*.sh) and, for MariaDB, with the server options of its compose services.
 * PostgreSQL runs as the `postgres` OS user.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Child, sparePort, waitFor } from '../support/processes';
import { readCompose, repoRoot } from './compose-files';

const execFileAsync = promisify(execFile);
const MARIADBD = process.env.MARIADBD ?? (existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : 'mariadbd');
/** The root password the compose image gives root@'%' (MARIADB_ROOT_PASSWORD); chaos logs in with it over TCP. */
export const MARIADB_ROOT_PASSWORD = 'test-root';
export const MARIADB_MONITOR_PASSWORD = 'test-monitor';

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
  mariadb: { primary: string; replica: string; primarySocket: string; replicaSocket: string };
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

/** The mariadb client as root over a node's socket (no password there); the rows, tab-separated. */
export function mariadb(socket: string, sql: string): string {
  return execFileSync('mariadb', [`--socket=${socket}`, '--user=root', '-NBe', sql], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MYSQL_PWD: '' },
  }).trim();
}

/**
 * The compose MariaDB pair: datadirs from mariadb-install-db (what the image does first), each
 * mariadbd with its compose service's options, then deploy/mariadb/init-*.sh as the image's
 * entrypoint runs them — as root over the node's socket (MARIADB_SOCKET, never the machine's own
 * server's default socket).
 */
async function startMariadbPair(dir: string, children: Child[]): Promise<DemoServers['mariadb']> {
  const root = join(dir, 'mariadb');
  mkdirSync(root);
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const compose = readCompose();
  const node = async (name: 'primary' | 'replica') => ({ name, port: await sparePort(), socket: join(root, `${name}.sock`), dataDir: join(root, name) });
  const [primary, replica] = [await node('primary'), await node('replica')];
  for (const target of [primary, replica]) {
    await execFileAsync(
      'mariadb-install-db',
      ['--no-defaults', `--datadir=${target.dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot],
      { timeout: 120_000 },
    );
    const args = [
      '--no-defaults',
      `--datadir=${target.dataDir}`,
      `--port=${target.port}`,
      `--socket=${target.socket}`,
      `--pid-file=${join(root, `${target.name}.pid`)}`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      // Small and fast: durability does not matter in a test.
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      '--innodb-flush-log-at-trx-commit=0',
      '--sync-binlog=0',
      ...(compose.services[`mariadb-${target.name}`]?.command ?? []),
      ...asRoot,
    ];
    const server = new Child(`mariadb-${target.name}`, MARIADBD, args, root);
    children.push(server);
    await waitFor(
      `MariaDB ${target.name}`,
      60_000,
      async () => {
        if (!server.running) throw new Error(`mariadbd exited:\n${server.tail()}`);
        try {
          return mariadb(target.socket, 'SELECT 1') === '1' || undefined;
        } catch {
          return undefined;
        }
      },
      250,
    );
    // What the image's entrypoint does outside the binlog: root@'%' with MARIADB_ROOT_PASSWORD
    // (and no passwordless root@127.0.0.1, which would match TCP logins first).
    mariadb(
      target.socket,
      `SET sql_log_bin=0; DROP USER IF EXISTS root@'127.0.0.1', root@'::1'; CREATE USER root@'%' IDENTIFIED BY '${MARIADB_ROOT_PASSWORD}'; GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION`,
    );
  }
  const script = (name: string, socket: string, env: Record<string, string>) =>
    execFileAsync('sh', [join(repoRoot, 'deploy/mariadb', name)], {
      timeout: 120_000,
      env: { ...process.env, MARIADB_SOCKET: socket, MARIADB_ROOT_PASSWORD: '', REPLICATION_PASSWORD: 'test-replication', ...env },
    });
  await script('init-primary.sh', primary.socket, { MONITOR_PASSWORD: MARIADB_MONITOR_PASSWORD });
  await script('init-replica.sh', replica.socket, { PRIMARY_HOST: '127.0.0.1', PRIMARY_PORT: String(primary.port) });
  await waitFor("the MariaDB replica to apply the primary's setup", 60_000, async () => {
    const pos = mariadb(primary.socket, 'SELECT @@gtid_binlog_pos');
    return mariadb(replica.socket, `SELECT MASTER_GTID_WAIT('${pos}', 0.5)`) === '0' || undefined;
  });
  return { primary: `127.0.0.1:${primary.port}`, replica: `127.0.0.1:${replica.port}`, primarySocket: primary.socket, replicaSocket: replica.socket };
}

async function startRedis(dir: string, port: number, replicaOf?: number): Promise<Child> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--dir',
    dir,
    '--enable-debug-command',
    'yes',
  ];
  if (replicaOf) args.push('--replicaof', '127.0.0.1', String(replicaOf));
  const child = new Child(`redis-${port}`, 'redis-server', args, dir);
  await waitFor(`redis on ${port}`, 20_000, async () => (redisCli(`127.0.0.1:${port}`, 'PING') === 'PONG' ? true : undefined));
  return child;
}

export async function startDemoServers(dir: string): Promise<DemoServers> {
  const children: Child[] = [];
  try {
    return await startAll(dir, children);
  } catch (error) {
    // A failed start must not leave servers behind (the caller gets no handle to stop them).
    for (const child of [...children].reverse()) await child.stop();
    throw error;
  }
}

async function startAll(dir: string, children: Child[]): Promise<DemoServers> {
  // MariaDB starts alongside Redis and PostgreSQL (its setup is asynchronous).
  const mariadbReady = startMariadbPair(dir, children);
  try {
    return await startTheRest(dir, children, mariadbReady);
  } catch (error) {
    await mariadbReady.catch(() => undefined); // every child it starts is in `children` before we stop them
    throw error;
  }
}

async function startTheRest(dir: string, children: Child[], mariadbReady: Promise<DemoServers['mariadb']>): Promise<DemoServers> {
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
  const [cmd, argv] = asPostgres(
    'postgres',
    ['-D', primaryData, '-p', String(primaryPort), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    {},
  );
  children.push(new Child('postgres-primary', cmd, argv, pgDir));
  await waitFor('the PostgreSQL primary', 60_000, async () => (psql(primaryPort, 'SELECT 1') === '1' ? true : undefined));
  // The compose primary's init script, for real: roles, grants, the demo table.
  // The scripts run as the postgres user, which may not be able to read the checkout (a clone in
  // a 0700 directory): run copies from the test's own directory.
  const pgScript = (name: string): string => {
    const copy = join(pgDir, name);
    copyFileSync(join(repoRoot, 'deploy/postgres', name), copy);
    chmodSync(copy, 0o755);
    return copy;
  };
  run('sh', [pgScript('init-primary.sh')], {
    POSTGRES_USER: 'postgres',
    PGDATA: primaryData,
    PGHOST: '127.0.0.1',
    PGPORT: String(primaryPort),
    REPLICATION_PASSWORD: 'test-replication',
    MONITOR_PASSWORD: 'test-monitor',
  });
  psql(primaryPort, 'SELECT pg_reload_conf()');

  const startStandby = async (): Promise<Child> => {
    const [scmd, sargv] = asPostgres('sh', [pgScript('standby-entrypoint.sh'), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
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
  const mariadbServers = await mariadbReady;
  return {
    redis,
    postgres: { primaryPort, standbyPort, standbyData },
    mariadb: mariadbServers,
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
