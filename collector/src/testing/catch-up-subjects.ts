/**
 * The replicated pairs the ETA is measured on (testing/eta-accuracy.ts): a
 * replica whose replication stream runs through a throttling proxy, so it
 * catches up at a known, steady rate once released. Each subject knows how to
 * put its replica behind the proxy, write about N bytes of replication stream,
 * and read both nodes' true positions (the ground truth, every 100 ms).
 */
import Redis from 'ioredis';
import { Client } from 'pg';
import type { Receiver, ReceiverContext } from '../receivers/receiver';
import { parsePostgresqlConfig } from '../receivers/postgresql/config';
import { PostgresqlReceiver } from '../receivers/postgresql/postgresql-receiver';
import { lsnToBytes } from '../receivers/postgresql/lsn';
import { parseRedisConfig } from '../receivers/redis/config';
import { RedisReceiver } from '../receivers/redis/redis-receiver';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from './postgres-primary-standby';
import { waitFor } from './processes';
import { startRedisReplicaSet, type RedisReplicaSet } from './redis-replica-set';
import { ThrottlingProxy } from './throttling-proxy';

/** Both nodes' replication positions at one instant, in bytes of the stream. */
export interface Positions {
  atMillis: number;
  primary: number;
  replica: number;
}

export type CatchUpSystem = 'redis' | 'postgresql';

export interface CatchUpSubject {
  readonly system: CatchUpSystem;
  /** The throttling proxy between the replica and its primary. */
  readonly proxy: ThrottlingProxy;
  /** The real receiver of the system, probing both nodes (members `primary` and `replica`). */
  receiver(group: string, context: ReceiverContext): Receiver;
  positions(): Promise<Positions>;
  /** Write about `bytes` to the primary's replication stream. */
  write(bytes: number): Promise<void>;
  close(): Promise<void>;
}

export function startCatchUpSubject(system: CatchUpSystem, bytesPerSecond: number): Promise<CatchUpSubject> {
  return system === 'redis' ? startRedisSubject(bytesPerSecond) : startPostgresqlSubject(bytesPerSecond);
}

/** A Redis primary and replica; the replica's REPLICAOF points at the proxy. */
async function startRedisSubject(bytesPerSecond: number): Promise<CatchUpSubject> {
  let set: RedisReplicaSet | undefined;
  let proxy: ThrottlingProxy | undefined;
  const clients: Redis[] = [];
  const close = async (): Promise<void> => {
    for (const client of clients) client.disconnect();
    await proxy?.close();
    await set?.close();
  };
  try {
    // A backlog and replica buffer large enough that holding the link never forces a full resync.
    set = await startRedisReplicaSet({
      replicas: 1,
      extraArgs: ['--repl-backlog-size', '256mb', '--client-output-buffer-limit', 'replica 1gb 1gb 0', '--repl-timeout', '120'],
    });
    const [primary, replica] = set.nodes as [typeof set.primary, typeof set.primary];
    proxy = new ThrottlingProxy({ target: { host: '127.0.0.1', port: primary.port }, bytesPerSecond });
    const proxyPort = await proxy.start();
    await set.cli(replica, 'REPLICAOF', '127.0.0.1', String(proxyPort));
    const primaryClient = new Redis({ host: '127.0.0.1', port: primary.port, lazyConnect: true });
    const replicaClient = new Redis({ host: '127.0.0.1', port: replica.port, lazyConnect: true });
    clients.push(primaryClient, replicaClient);
    await Promise.all([primaryClient.connect(), replicaClient.connect()]);
    const positions = async (): Promise<Positions> => {
      const [p, r] = await Promise.all([primaryClient.info('replication'), replicaClient.info('replication')]);
      return { atMillis: Date.now(), primary: infoField(p, 'master_repl_offset'), replica: infoField(r, 'slave_repl_offset') };
    };
    await waitFor('the replica to sync through the proxy', 30_000, async () => {
      const info = await replicaClient.info('replication');
      const now = await positions();
      return /master_link_status:up/.test(info) && now.replica === now.primary ? true : undefined;
    });
    const config = parseRedisConfig(
      {
        nodes: [
          { member: 'primary', address: primary.address, role: 'leader' },
          { member: 'replica', address: replica.address },
        ],
      },
      'redis',
    );
    return {
      system: 'redis',
      proxy,
      receiver: (group, context) => new RedisReceiver(group, config, context),
      positions,
      write: (bytes) => writeRedis(primaryClient, bytes),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A PostgreSQL primary and streaming standby; the standby's primary_conninfo
 * points at the proxy (reloaded: its WAL receiver reconnects through it). The
 * truth is the primary's current WAL position against the standby's replay
 * position: what the receiver calls converged.
 */
async function startPostgresqlSubject(bytesPerSecond: number): Promise<CatchUpSubject> {
  let pair: PostgresPrimaryStandby | undefined;
  let proxy: ThrottlingProxy | undefined;
  const clients: Client[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await proxy?.close();
    await pair?.close();
  };
  try {
    pair = await startPostgresPrimaryStandby();
    const { primary, standby } = pair;
    proxy = new ThrottlingProxy({ target: { host: '127.0.0.1', port: primary.port }, bytesPerSecond });
    const proxyPort = await proxy.start();
    await pair.query(standby, `ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=${proxyPort} user=postgres application_name=replica'`);
    await pair.query(standby, 'SELECT pg_reload_conf()');
    const connect = async (url: string): Promise<Client> => {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      client.on('error', () => undefined);
      clients.push(client);
      await client.connect();
      return client;
    };
    const [primaryClient, standbyClient] = await Promise.all([connect(primary.url()), connect(standby.url())]);
    await primaryClient.query('CREATE TABLE eta_fill (v text)');
    const positions = async (): Promise<Positions> => {
      const [p, s] = await Promise.all([
        primaryClient.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'),
        standbyClient.query<{ lsn: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS lsn'),
      ]);
      return { atMillis: Date.now(), primary: lsnToBytes(p.rows[0]!.lsn), replica: s.rows[0]!.lsn === null ? 0 : lsnToBytes(s.rows[0]!.lsn) };
    };
    await waitFor('the standby to stream through the proxy and catch up', 60_000, async () => {
      const receiver = await standbyClient.query<{ port: number | null; status: string | null }>(
        'SELECT sender_port AS port, status FROM pg_stat_wal_receiver',
      );
      const row = receiver.rows[0];
      if (row?.port !== proxyPort || row.status !== 'streaming') return undefined;
      const now = await positions();
      return now.replica >= now.primary ? true : undefined;
    });
    const config = parsePostgresqlConfig(
      {
        nodes: [
          { member: 'primary', url: primary.url() },
          { member: 'replica', url: standby.url() },
        ],
        timeout: '1s',
      },
      'postgresql',
    );
    return {
      system: 'postgresql',
      proxy,
      receiver: (group, context) => new PostgresqlReceiver(group, config, context),
      positions,
      write: (bytes) => writePostgresql(primaryClient, bytes),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Values of 100 kB in pipelined batches: the replication stream grows by about `bytes`. */
async function writeRedis(client: Redis, bytes: number): Promise<void> {
  const value = 'x'.repeat(100_000);
  const count = Math.ceil(bytes / value.length);
  for (let start = 0; start < count; start += 50) {
    const pipeline = client.pipeline();
    for (let i = start; i < Math.min(count, start + 50); i++) pipeline.set(`eta-accuracy:${i}`, value);
    await pipeline.exec();
  }
}

/** Rows of 1 kB (inline, not TOASTed or compressed) in statements of 5,000 until the WAL grew by `bytes`. */
async function writePostgresql(client: Client, bytes: number): Promise<void> {
  const lsn = async (): Promise<number> => lsnToBytes((await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn);
  const start = await lsn();
  while ((await lsn()) - start < bytes) {
    await client.query('INSERT INTO eta_fill SELECT repeat(md5(i::text), 32) FROM generate_series(1, 5000) AS i');
  }
}

function infoField(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  if (match === null) throw new Error(`INFO replication has no ${name}`);
  return Number(match[1]);
}
