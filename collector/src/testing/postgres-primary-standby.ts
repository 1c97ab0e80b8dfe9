import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, readdirSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { ServerProcess, sparePort, waitFor } from './processes';
import { caSignedServerCertificate, type ServerCertificates } from './test-certificates';

const run = promisify(execFile);

/** `/usr/lib/postgresql/<newest>/bin` (Debian's layout), or PG_BIN from the environment. */
export function newestPostgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: install the postgresql package or set PG_BIN');
  return join(base, versions[0], 'bin');
}

/** One PostgreSQL server of the test pair. */
export interface PostgresTestNode {
  name: 'primary' | 'standby';
  port: number;
  dataDir: string;
  /** `postgres://USER[:PASSWORD]@127.0.0.1:PORT/postgres` (trust auth for `postgres`). */
  url(user?: string, password?: string): string;
}

export interface PostgresPrimaryStandby {
  primary: PostgresTestNode;
  standby: PostgresTestNode;
  /** With `tls: true`: the PEM of the test CA that signed both servers' certificate (CN localhost, SAN 127.0.0.1). */
  caFile?: string;
  /** Run SQL as the superuser `postgres`; returns the rows. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(node: PostgresTestNode, sql: string, params?: unknown[]): Promise<Row[]>;
  /** Fast shutdown (SIGINT) of the standby; its replication slot keeps the WAL it misses. */
  stopStandby(): Promise<void>;
  startStandby(): Promise<void>;
  /** Immediate shutdown (SIGQUIT) of the primary: a crash, its clients' connections cut. */
  crashPrimary(): Promise<void>;
  /** Start the primary again after crashPrimary (crash recovery, then it serves as before). */
  startPrimary(): Promise<void>;
  /** `pg_ctl promote` the standby and wait until it accepts writes (a failover). */
  promoteStandby(): Promise<void>;
  /** SIGSTOP / SIGCONT the standby's postmaster and backends: a hung node that still accepts TCP connections. */
  pauseStandby(): void;
  resumeStandby(): void;
  /** Append a line to a node's pg_hba.conf and `SELECT pg_reload_conf()`. */
  addHbaRule(node: PostgresTestNode, line: string): Promise<void>;
  /** Put a line first in a node's pg_hba.conf (first match wins) and reload. */
  prependHbaRule(node: PostgresTestNode, line: string): Promise<void>;
  /** With `archive`: the directory the primary's archive_command copies its WAL segments to. */
  archiveDir?: string;
  /** With `archive`: switch the primary to a new WAL segment and wait until everything written so far is archived. */
  archiveAll(timeoutMillis?: number): Promise<void>;
  /**
   * The standby stopped: make it catch up from the archive only — no primary_conninfo (no WAL
   * receiver), a restore_command that takes `secondsPerFile` per file it fetches (a slow archive,
   * so the restore runs at a known rate). Start it with startStandby().
   */
  restoreStandbyFromArchiveOnly(secondsPerFile: number): void;
  /**
   * Stop the standby, remove its data directory and clone it again from the primary with
   * pg_basebackup (`-R`, its slot, `--max-rate`, `application_name`) while the standby's port stays
   * closed; resolves when the copy is done (then startStandby()).
   */
  recloneStandby(options: { maxRate: string; applicationName: string }): Promise<void>;
  /** Wait until the standby replayed everything the primary has written. */
  waitForCatchUp(timeoutMillis?: number): Promise<void>;
  /** Stop both servers and remove the temp dir; safe after a failed start and twice. */
  close(): Promise<void>;
}

/** The `postgres` OS user's ids: PostgreSQL refuses to run as root. */
export async function postgresUser(): Promise<{ uid: number; gid: number }> {
  if (process.getuid?.() !== 0) return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Settings that make a throwaway cluster start fast; durability does not matter in a test. */
const FAST_SETTINGS = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'shared_buffers=16MB',
  'max_wal_senders=5',
  'max_replication_slots=5',
  'listen_addresses=127.0.0.1',
  'wal_receiver_status_interval=1s',
];

/**
 * A PostgreSQL 15 primary and a streaming standby (initdb, then pg_basebackup -R
 * with a replication slot) on spare loopback ports, running as the `postgres`
 * OS user, with data dirs and sockets in one temp dir removed by close().
 */
export async function startPostgresPrimaryStandby(
  options: {
    tls?: boolean;
    /**
     * The primary archives its WAL (archive_mode=on, archive_command copying to `archiveDir`), with
     * 1 MB WAL segments so a restore from it moves in small steps.
     */
    archive?: boolean;
  } = {},
): Promise<PostgresPrimaryStandby> {
  const PG_BIN = process.env['PG_BIN'] ?? newestPostgresBin();
  const { uid, gid } = await postgresUser();
  const root = mkdtempSync(join(tmpdir(), 'rebound-pg-'));
  chownSync(root, uid, gid);
  const tls = options.tls ? await makeTestCertificates(root, uid, gid) : undefined;
  const socketDir = join(root, 'sockets');
  mkdirSync(socketDir);
  chownSync(socketDir, uid, gid);
  const asPostgres = { uid, gid, env: { ...process.env, PATH: `${PG_BIN}:${process.env['PATH'] ?? ''}`, HOME: root } };
  const node = (name: 'primary' | 'standby', port: number): PostgresTestNode => ({
    name,
    port,
    dataDir: join(root, name),
    url: (user = 'postgres', password?: string) =>
      `postgres://${encodeURIComponent(user)}${password !== undefined ? ':' + encodeURIComponent(password) : ''}@127.0.0.1:${port}/postgres`,
  });
  const archiveDir = join(root, 'archive');
  if (options.archive) {
    mkdirSync(archiveDir);
    chownSync(archiveDir, uid, gid);
  }
  const archiveSettings = options.archive ? ['archive_mode=on', `archive_command=cp %p ${archiveDir}/%f`] : [];
  const primary = node('primary', await sparePort());
  const standby = node('standby', await sparePort());
  const servers = new Map<string, ServerProcess>();

  const query = async <Row extends Record<string, unknown>>(target: PostgresTestNode, sql: string, params: unknown[] = []): Promise<Row[]> => {
    const client = new Client({ connectionString: target.url(), connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  /**
   * pg_reload_conf() only signals the postmaster: the reload happens after it returns. Wait until a
   * new session sees the new load time, so the postmaster has re-read the files and signalled the
   * other sessions (a probe's next statement then runs with the new rules).
   */
  const reloadConfig = async (target: PostgresTestNode): Promise<void> => {
    const loadTime = async () => (await query<{ t: string }>(target, 'SELECT pg_conf_load_time()::text AS t'))[0]!['t'];
    const before = await loadTime();
    await query(target, 'SELECT pg_reload_conf()');
    await waitFor(`PostgreSQL ${target.name} to reload its configuration`, 10_000, async () => ((await loadTime()) !== before ? true : undefined));
  };
  const startServer = async (target: PostgresTestNode): Promise<void> => {
    const tlsSettings = tls ? ['ssl=on', `ssl_cert_file=${tls.certFile}`, `ssl_key_file=${tls.keyFile}`] : [];
    const settings = [...FAST_SETTINGS, ...tlsSettings, ...(target.name === 'primary' ? archiveSettings : [])].flatMap((s) => ['-c', s]);
    const server = new ServerProcess(
      `postgres ${target.name}`,
      join(PG_BIN, 'postgres'),
      ['-D', target.dataDir, '-p', String(target.port), '-k', socketDir, ...settings],
      root,
      {
        ...asPostgres,
        stopSignal: 'SIGINT',
        withChildren: true,
      },
    );
    servers.set(target.name, server);
    await waitFor(`PostgreSQL ${target.name} on port ${target.port}`, 60_000, async () => {
      if (!server.running) throw new Error(`postgres exited: ${server.tail()}`);
      return (await query(target, 'SELECT 1 AS ok'))[0]?.['ok'] === 1 ? true : undefined;
    });
  };
  // pg_basebackup -R into the standby's data dir, streaming WAL through the standby's slot (`-C`: create it).
  const cloneStandby = (extra: string[], connection = `host=127.0.0.1 port=${primary.port} user=postgres`): Promise<unknown> =>
    run(
      join(PG_BIN, 'pg_basebackup'),
      ['-D', standby.dataDir, '-d', connection, '-R', '-X', 'stream', '-S', 'standby_slot', '--checkpoint=fast', '--no-sync', ...extra],
      { ...asPostgres, timeout: 300_000 },
    );
  const close = async (): Promise<void> => {
    await Promise.all([...servers.values()].map((s) => s.stop(10_000)));
    rmSync(root, { recursive: true, force: true });
  };

  try {
    const segmentSize = options.archive ? ['--wal-segsize=1'] : [];
    await run(join(PG_BIN, 'initdb'), ['-D', primary.dataDir, '--auth=trust', '-U', 'postgres', '--no-sync', '--no-instructions', ...segmentSize], {
      ...asPostgres,
      timeout: 120_000,
    });
    await startServer(primary);
    await cloneStandby(['-C']);
    await startServer(standby);
  } catch (error) {
    await close();
    throw error;
  }

  const pair: PostgresPrimaryStandby = {
    primary,
    standby,
    ...(tls ? { caFile: tls.caFile } : {}),
    query,
    stopStandby: async () => servers.get('standby')?.stop(10_000),
    startStandby: () => startServer(standby),
    async crashPrimary() {
      await run(join(PG_BIN, 'pg_ctl'), ['stop', '-D', primary.dataDir, '-m', 'immediate', '-w', '-t', '30'], { ...asPostgres, timeout: 40_000 });
    },
    startPrimary: () => startServer(primary),
    async promoteStandby() {
      await run(join(PG_BIN, 'pg_ctl'), ['promote', '-D', standby.dataDir, '-w', '-t', '60'], { ...asPostgres, timeout: 70_000 });
      await waitFor('the promoted standby to accept writes', 60_000, async () =>
        (await query<{ r: boolean }>(standby, 'SELECT pg_is_in_recovery() AS r'))[0]?.['r'] === false ? true : undefined,
      );
    },
    pauseStandby: () => servers.get('standby')?.pause(),
    resumeStandby: () => servers.get('standby')?.resume(),
    async addHbaRule(target, line) {
      appendFileSync(join(target.dataDir, 'pg_hba.conf'), `${line}\n`);
      await reloadConfig(target);
    },
    async prependHbaRule(target, line) {
      const file = join(target.dataDir, 'pg_hba.conf');
      writeFileSync(file, `${line}\n${readFileSync(file, 'utf8')}`);
      await reloadConfig(target);
    },
    ...(options.archive ? { archiveDir } : {}),
    async archiveAll(timeoutMillis = 60_000) {
      // The segment the switch completed (pg_walfile_name of a segment boundary names the segment before it).
      const [{ last }] = (await query<{ last: string }>(primary, 'SELECT pg_walfile_name(pg_switch_wal()) AS last')) as [{ last: string }];
      await waitFor(`WAL up to ${last} archived`, timeoutMillis, async () => {
        const [{ archived }] = (await query<{ archived: string | null }>(primary, 'SELECT last_archived_wal AS archived FROM pg_stat_archiver')) as [
          { archived: string | null },
        ];
        return archived !== null && archived >= last ? true : undefined;
      });
    },
    restoreStandbyFromArchiveOnly(secondsPerFile) {
      if (!options.archive) throw new Error('restoreStandbyFromArchiveOnly needs startPostgresPrimaryStandby({ archive: true })');
      // Later lines of postgresql.auto.conf win; the standby.signal pg_basebackup -R wrote stays.
      appendFileSync(
        join(standby.dataDir, 'postgresql.auto.conf'),
        `primary_conninfo = ''\nrestore_command = 'sleep ${secondsPerFile} && cp ${archiveDir}/%f %p'\n`,
      );
    },
    async recloneStandby({ maxRate, applicationName }) {
      await servers.get('standby')?.stop(10_000);
      rmSync(standby.dataDir, { recursive: true, force: true });
      await cloneStandby(['--max-rate', maxRate], `host=127.0.0.1 port=${primary.port} user=postgres application_name=${applicationName}`);
    },
    async waitForCatchUp(timeoutMillis = 30_000) {
      await waitFor("the standby to replay all of the primary's WAL", timeoutMillis, async () => {
        // The insert position, not pg_current_wal_lsn() (the write position): with synchronous_commit=off
        // a commit returns before its record is written, and a wait on the write position could end
        // before the standby has the commit (a CREATE ROLE not yet visible there; CI flake).
        const [{ lsn }] = (await query<{ lsn: string }>(primary, 'SELECT pg_current_wal_insert_lsn()::text AS lsn')) as [{ lsn: string }];
        const [{ caught }] = (await query<{ caught: boolean }>(standby, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught', [lsn])) as [
          { caught: boolean },
        ];
        return caught ? true : undefined;
      });
    },
    close,
  };
  return pair;
}

/** A throwaway CA and a server certificate for localhost / 127.0.0.1, owned by the postgres user. */
async function makeTestCertificates(root: string, uid: number, gid: number): Promise<ServerCertificates> {
  const dir = join(root, 'tls');
  mkdirSync(dir);
  const tls = await caSignedServerCertificate(dir, 'localhost', 'IP:127.0.0.1,DNS:localhost');
  // PostgreSQL refuses a key others can read.
  for (const path of [tls.keyFile, tls.certFile]) chownSync(path, uid, gid);
  chmodSync(tls.keyFile, 0o600);
  return tls;
}
