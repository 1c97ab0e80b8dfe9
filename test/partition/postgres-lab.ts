import { appendFileSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newestPostgresBin, postgresUser } from '@rebound/collector/testing';
import { waitFor } from '../support/processes';
import type { LabNode, PartitionLab } from './network';

/** A PostgreSQL primary and a streaming standby, each `postgres` inside its lab node's namespace on port 5432. */
export interface PostgresLab {
  primary: LabNode;
  standby: LabNode;
  /** `postgres://postgres@ADDRESS:5432/postgres` (trust for the lab's /24 only). */
  url(node: LabNode): string;
  /** psql inside the node's namespace over its loopback (works whatever the cuts); returns unaligned rows. */
  psql(node: LabNode, sql: string): Promise<string>;
  /** The standby's WAL receiver status (`streaming`, …) or `none` when no receiver runs. */
  walReceiverStatus(): Promise<string>;
  /** wal_sender_timeout on the primary and wal_receiver_timeout on the standby (ALTER SYSTEM and a reload; no restart). */
  setReplicationTimeouts(seconds: number): Promise<void>;
  waitForStreaming(timeoutMillis: number): Promise<void>;
}

/** Durability does not matter in a throwaway cluster; the replication timing settings do (see the test). */
const SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'shared_buffers=16MB', 'max_wal_senders=5', 'max_replication_slots=5'];
const PORT = '5432';

/**
 * initdb and pg_basebackup as the repo's PostgreSQL harness does
 * (`collector/src/testing/postgres-primary-standby.ts`), but each server in its
 * namespace, running as the `postgres` OS user, the standby streaming from the
 * primary's lab address; plus a writer inside the primary's namespace (psql
 * `\watch 0.5`: a ~400-byte INSERT every 500 ms over the primary's loopback).
 */
export async function startPostgresLab(
  lab: PartitionLab,
  options: { primary: string; standby: string; dir: string; replicationTimeoutSeconds: number },
): Promise<PostgresLab> {
  const bin = process.env['PG_BIN'] ?? newestPostgresBin();
  const { uid, gid } = await postgresUser();
  const env = { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: options.dir, PGCONNECT_TIMEOUT: '5' };
  const asPostgres = { uid, gid, env };
  const primary = lab.node(options.primary);
  const standby = lab.node(options.standby);
  const dataDir = (node: LabNode) => join(options.dir, node.name);
  const socketDir = (node: LabNode) => join(options.dir, `${node.name}-socket`);
  chownSync(options.dir, uid, gid);
  for (const node of [primary, standby]) {
    mkdirSync(socketDir(node));
    chownSync(socketDir(node), uid, gid);
  }
  const psql = async (node: LabNode, sql: string): Promise<string> =>
    (
      await lab.exec(node, join(bin, 'psql'), ['-h', '127.0.0.1', '-p', PORT, '-U', 'postgres', '-d', 'postgres', '-Atc', sql], {
        ...asPostgres,
        timeoutMillis: 5_000,
      })
    ).trim();
  const start = async (node: LabNode): Promise<void> => {
    const settings = [...SETTINGS, `listen_addresses=${node.address},127.0.0.1`, 'wal_receiver_status_interval=1s', 'wal_retrieve_retry_interval=1s'];
    const server = lab.spawn(
      node,
      `postgres ${node.name}`,
      join(bin, 'postgres'),
      ['-D', dataDir(node), '-p', PORT, '-k', socketDir(node), ...settings.flatMap((s) => ['-c', s])],
      {
        cwd: options.dir,
        ...asPostgres,
        stopSignal: 'SIGINT',
      },
    );
    await waitFor(
      `PostgreSQL ${node.name} in ${node.namespace}`,
      60_000,
      async () => {
        if (!server.running) throw new Error(`postgres exited: ${server.tail()}`);
        return (await psql(node, 'SELECT 1')) === '1' ? true : undefined;
      },
      250,
    );
  };

  await lab.exec(primary, join(bin, 'initdb'), ['-D', dataDir(primary), '--auth=trust', '-U', 'postgres', '--no-sync', '--no-instructions'], {
    ...asPostgres,
    timeoutMillis: 120_000,
  });
  // Only the lab's own /24 may connect, for queries and replication.
  appendFileSync(join(dataDir(primary), 'pg_hba.conf'), `host all all ${lab.cidr} trust\nhost replication all ${lab.cidr} trust\n`);
  // In postgresql.conf (copied to the standby by pg_basebackup), not on the command line, so ALTER SYSTEM can change them later.
  const seconds = options.replicationTimeoutSeconds;
  appendFileSync(join(dataDir(primary), 'postgresql.conf'), `wal_sender_timeout = '${seconds}s'\nwal_receiver_timeout = '${seconds}s'\n`);
  await start(primary);
  await lab.exec(
    standby,
    join(bin, 'pg_basebackup'),
    [
      '-D',
      dataDir(standby),
      '-h',
      primary.address,
      '-p',
      PORT,
      '-U',
      'postgres',
      '-R',
      '-X',
      'stream',
      '-C',
      '-S',
      'standby_slot',
      '--checkpoint=fast',
      '--no-sync',
    ],
    { ...asPostgres, timeoutMillis: 120_000 },
  );
  await start(standby);
  await psql(primary, 'CREATE TABLE writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), payload text)');
  const writerScript = join(options.dir, 'writer.sql');
  writeFileSync(writerScript, "INSERT INTO writes (payload) VALUES (repeat('x', 400)) \\watch 0.5\n");
  lab.spawn(primary, 'writer', join(bin, 'psql'), ['-h', '127.0.0.1', '-p', PORT, '-U', 'postgres', '-d', 'postgres', '-q', '-f', writerScript], {
    cwd: options.dir,
    ...asPostgres,
  });

  const pair: PostgresLab = {
    primary,
    standby,
    url: (node) => `postgres://postgres@${node.address}:${PORT}/postgres`,
    psql,
    walReceiverStatus: async () => (await psql(standby, "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')")) || 'none',
    async setReplicationTimeouts(value) {
      await psql(primary, `ALTER SYSTEM SET wal_sender_timeout = '${value}s'`);
      await psql(primary, 'SELECT pg_reload_conf()');
      await psql(standby, `ALTER SYSTEM SET wal_receiver_timeout = '${value}s'`);
      await psql(standby, 'SELECT pg_reload_conf()');
    },
    async waitForStreaming(timeoutMillis) {
      await waitFor(
        'the standby to stream from the primary',
        timeoutMillis,
        async () => ((await pair.walReceiverStatus()) === 'streaming' ? true : undefined),
        250,
      );
    },
  };
  return pair;
}
