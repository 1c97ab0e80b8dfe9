/**
 * Regenerates the full-resync fixtures from real servers:
 * `node --import tsx src/receivers/postgresql/testdata/capture-full-resync.ts` (from collector/).
 * (1) A standby restoring ~30 MB from the WAL archive only (1 MB segments, restore_command 0.3 s a
 * file): the primary and two rounds of the standby a second apart, then the standby once the
 * archive is exhausted. (2) The primary while the standby is cloned again by pg_basebackup at 3 MB/s.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby, type PostgresTestNode } from '../../../testing/postgres-primary-standby';
import { waitFor } from '../../../testing/processes';
import { BASE_BACKUP_SQL, POSITION_SQL, RECOVERY_SQL, REPLICATION_SQL, WAL_RECEIVER_SQL } from '../queries';

const QUERIES = { POSITION_SQL, REPLICATION_SQL, WAL_RECEIVER_SQL, RECOVERY_SQL, BASE_BACKUP_SQL };

async function capture(pair: PostgresPrimaryStandby, name: string, node: PostgresTestNode): Promise<void> {
  // As the documented monitoring role: what it may see is what the receiver sees.
  const client = new Client({ connectionString: node.url('rebound_monitor') });
  await client.connect();
  const rows: Record<string, unknown[]> = {};
  try {
    for (const [query, sql] of Object.entries(QUERIES)) rows[query] = (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
  writeFileSync(join(__dirname, `${name}.rows.json`), JSON.stringify({ port: node.port, primaryPort: pair.primary.port, rows }, null, 2) + '\n');
}

async function monitorRole(pair: PostgresPrimaryStandby): Promise<void> {
  await pair.query(pair.primary, 'CREATE ROLE rebound_monitor LOGIN');
  await pair.query(pair.primary, 'GRANT pg_monitor TO rebound_monitor');
}

async function restoring(): Promise<void> {
  const pair = await startPostgresPrimaryStandby({ archive: true });
  try {
    await monitorRole(pair);
    await pair.query(pair.primary, 'CREATE TABLE backlog (id bigserial PRIMARY KEY, payload text)');
    await pair.waitForCatchUp();
    await pair.stopStandby();
    await pair.query(pair.primary, 'INSERT INTO backlog (payload) SELECT repeat(md5(i::text), 28) FROM generate_series(1, 30000) i');
    await pair.archiveAll();
    pair.restoreStandbyFromArchiveOnly(0.3);
    await pair.startStandby();
    await new Promise((r) => setTimeout(r, 2_000));
    await capture(pair, 'primary-standby-restoring', pair.primary);
    await capture(pair, 'standby-restoring', pair.standby);
    await new Promise((r) => setTimeout(r, 1_000));
    await capture(pair, 'standby-restoring-later', pair.standby);
    await waitFor('the archive exhausted', 120_000, async () => {
      const rows = await pair.query<{ w: string | null }>(pair.standby, "SELECT wait_event AS w FROM pg_stat_activity WHERE backend_type = 'startup'");
      return rows[0]?.w === 'RecoveryRetrieveRetryInterval' ? true : undefined;
    });
    await capture(pair, 'standby-archive-exhausted', pair.standby);
  } finally {
    await pair.close();
  }
}

async function cloning(): Promise<void> {
  const pair = await startPostgresPrimaryStandby();
  try {
    await monitorRole(pair);
    await pair.query(pair.primary, 'CREATE TABLE orders AS SELECT i AS id, repeat(md5(i::text), 20) AS payload FROM generate_series(1, 30000) i');
    await pair.waitForCatchUp();
    const clone = pair.recloneStandby({ maxRate: '3M', applicationName: 'standby' });
    await waitFor('the copy streaming', 60_000, async () => {
      const rows = await pair.query<{ s: number }>(
        pair.primary,
        "SELECT backup_streamed AS s FROM pg_stat_progress_basebackup WHERE phase = 'streaming database files'",
      );
      return Number(rows[0]?.s ?? 0) > 5_000_000 ? true : undefined;
    });
    await capture(pair, 'primary-base-backup', pair.primary);
    await clone;
  } finally {
    await pair.close();
  }
}

void (async () => {
  await restoring();
  await cloning();
})();
