import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { ServerProcess, sparePort, waitFor } from './processes';
import { caSignedServerCertificate } from './test-certificates';

const run = promisify(execFile);

/** The server binary: MARIADBD from the environment, else Debian's /usr/sbin/mariadbd (not always on a user's PATH). */
const MARIADBD = process.env['MARIADBD'] ?? (existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : 'mariadbd');

/** One MariaDB server of the test pair. */
export interface MariadbTestNode {
  name: 'primary' | 'replica';
  port: number;
  serverId: number;
  dataDir: string;
  socket: string;
  /** `mysql://USER[:PASSWORD]@127.0.0.1:PORT`. */
  url(user: string, password?: string): string;
}

export interface MariadbPrimaryReplica {
  primary: MariadbTestNode;
  replica: MariadbTestNode;
  /** With `tls`: the PEM of the throwaway CA that signed both servers' certificate. */
  caFile?: string;
  /** Run SQL (one statement, or several separated by `;`) as root over the node's socket; the rows of the last one. */
  query<Row = Record<string, unknown>>(node: MariadbTestNode, sql: string, params?: unknown[]): Promise<Row[]>;
  /** Shut a node down (SIGTERM, SIGKILL after 10 s). */
  stop(node: MariadbTestNode): Promise<void>;
  /** Kill a node (SIGKILL right after SIGTERM: no clean shutdown); start() recovers it like a crash. */
  kill(node: MariadbTestNode): Promise<void>;
  /** Start a stopped node again with its datadir; the replica resumes replication on its own unless `skipSlaveStart`. */
  start(node: MariadbTestNode, options?: { skipSlaveStart?: boolean }): Promise<void>;
  /** SIGSTOP / SIGCONT: a hung server that still accepts TCP connections. */
  pause(node: MariadbTestNode): void;
  resume(node: MariadbTestNode): void;
  /** Wait until the replica applied everything the primary wrote (GTID positions equal). */
  waitForCatchUp(timeoutMillis?: number): Promise<void>;
  /** Stop both servers and remove the temp dir; safe after a failed start and twice. */
  close(): Promise<void>;
}

/** Small and fast: durability does not matter in a test. */
const FAST_SETTINGS = [
  '--innodb-buffer-pool-size=32M',
  '--innodb-log-file-size=16M',
  '--innodb-flush-log-at-trx-commit=0',
  '--sync-binlog=0',
  '--skip-name-resolve',
  '--bind-address=127.0.0.1',
  '--log-bin=mariadb-bin',
  '--log-slave-updates=1',
  '--gtid-strict-mode=1',
  '--binlog-format=ROW',
  '--slave-net-timeout=5',
];

/** Replication account on the primary (created before the replica connects, so it replicates too). */
const REPLICATION_USER = 'rebound_repl';
const REPLICATION_PASSWORD = 'repl-test-pw-2c81';

/**
 * A MariaDB primary and a GTID replica (`MASTER_USE_GTID=slave_pos`) on spare
 * loopback ports, each installed by mariadb-install-db into a temp datadir and
 * run as the current user (`--user=root` when that is root). Grants are real
 * (no --skip-grant-tables): root logs in over the socket without a password,
 * everyone else over TCP with one. close() stops both and removes the temp dir.
 */
export async function startMariadbPrimaryReplica(options: { tls?: { serverName: string } } = {}): Promise<MariadbPrimaryReplica> {
  const root = mkdtempSync(join(tmpdir(), 'rebound-mariadb-'));
  let tls: { caFile: string; certFile: string; keyFile: string } | undefined;
  const node = (name: 'primary' | 'replica', port: number, serverId: number): MariadbTestNode => ({
    name,
    port,
    serverId,
    dataDir: join(root, name),
    socket: join(root, `${name}.sock`),
    url: (user, password) => `mysql://${encodeURIComponent(user)}${password !== undefined ? ':' + encodeURIComponent(password) : ''}@127.0.0.1:${port}`,
  });
  const primary = node('primary', await sparePort(), 1);
  const replica = node('replica', await sparePort(), 2);
  const servers = new Map<string, ServerProcess>();
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];

  const query = async <Row>(target: MariadbTestNode, sql: string, params: unknown[] = []): Promise<Row[]> => {
    const connection = await createConnection({ socketPath: target.socket, user: 'root', multipleStatements: true, connectTimeout: 5_000 });
    try {
      const [result] = await connection.query(sql, params);
      const last = Array.isArray(result) && Array.isArray(result.at(-1)) ? result.at(-1) : result;
      return (Array.isArray(last) ? last : []) as Row[];
    } finally {
      await connection.end().catch(() => connection.destroy());
    }
  };

  const start = async (target: MariadbTestNode, startOptions: { skipSlaveStart?: boolean } = {}): Promise<void> => {
    const args = [
      '--no-defaults',
      `--datadir=${target.dataDir}`,
      `--port=${target.port}`,
      `--socket=${target.socket}`,
      `--pid-file=${join(root, `${target.name}.pid`)}`,
      `--server-id=${target.serverId}`,
      ...(target.name === 'replica' ? ['--read-only=1', `--relay-log=${target.name}-relay`] : []),
      ...FAST_SETTINGS,
      ...(startOptions.skipSlaveStart ? ['--skip-slave-start'] : []),
      ...(tls ? [`--ssl-ca=${tls.caFile}`, `--ssl-cert=${tls.certFile}`, `--ssl-key=${tls.keyFile}`] : []),
      ...asRoot,
    ];
    const server = new ServerProcess(`mariadbd ${target.name}`, MARIADBD, args, root);
    servers.set(target.name, server);
    await waitFor(`MariaDB ${target.name} on port ${target.port}`, 60_000, async () => {
      if (!server.running) throw new Error(`mariadbd exited: ${server.tail()}`);
      return (await query<{ ok: number }>(target, 'SELECT 1 AS ok'))[0]?.ok === 1 ? true : undefined;
    });
  };

  const close = async (): Promise<void> => {
    await Promise.all([...servers.values()].map((s) => s.stop(10_000)));
    rmSync(root, { recursive: true, force: true });
  };

  try {
    if (options.tls) tls = await caSignedServerCertificate(root, options.tls.serverName, `DNS:${options.tls.serverName}`); // no IP SAN: connecting by IP must name it
    for (const target of [primary, replica]) {
      await run(
        'mariadb-install-db',
        ['--no-defaults', `--datadir=${target.dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot],
        { timeout: 120_000 },
      );
    }
    await Promise.all([start(primary), start(replica)]);
    // Both datadirs were installed alike; the replica starts from the primary's first GTID (empty slave_pos).
    await query(
      primary,
      `CREATE USER '${REPLICATION_USER}'@'127.0.0.1' IDENTIFIED BY '${REPLICATION_PASSWORD}'; GRANT REPLICATION SLAVE ON *.* TO '${REPLICATION_USER}'@'127.0.0.1'`,
    );
    await query(
      replica,
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='${REPLICATION_USER}', MASTER_PASSWORD='${REPLICATION_PASSWORD}', ` +
        `MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1; START SLAVE`,
    );
  } catch (error) {
    await close();
    throw error;
  }

  const pair: MariadbPrimaryReplica = {
    primary,
    replica,
    ...(tls ? { caFile: tls.caFile } : {}),
    query,
    stop: async (target) => servers.get(target.name)?.stop(10_000),
    kill: async (target) => servers.get(target.name)?.stop(0),
    start,
    pause: (target) => servers.get(target.name)?.pause(),
    resume: (target) => servers.get(target.name)?.resume(),
    async waitForCatchUp(timeoutMillis = 30_000) {
      await waitFor("the replica to apply all of the primary's transactions", timeoutMillis, async () => {
        const [{ pos }] = (await query<{ pos: string }>(primary, 'SELECT @@gtid_binlog_pos AS pos')) as [{ pos: string }];
        const [{ caught }] = (await query<{ caught: number }>(replica, `SELECT MASTER_GTID_WAIT(?, 0.5) = 0 AS caught`, [pos])) as [{ caught: number }];
        return caught === 1 ? true : undefined;
      });
    },
    close,
  };
  await pair.waitForCatchUp(60_000);
  return pair;
}
