/**
 * Regenerates the fixtures from real servers: `node --import tsx src/receivers/postgresql/testdata/capture.ts`
 * (from collector/). Starts a primary + standby, runs the probe's queries on each, writes the rows.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgresPrimaryStandby } from '../../../testing/postgres-primary-standby';
import { sparePort, waitFor } from '../../../testing/processes';
import { HBA_SQL, LOGIN_ROLES_SQL, POSITION_SQL, REPLICATION_SQL, WAL_RECEIVER_SQL } from '../queries';

const QUERIES = { POSITION_SQL, REPLICATION_SQL, WAL_RECEIVER_SQL, HBA_SQL, LOGIN_ROLES_SQL };

async function rowsOf(url: string): Promise<Record<string, unknown[]>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const result: Record<string, unknown[]> = {};
  try {
    for (const [name, sql] of Object.entries(QUERIES)) {
      try {
        result[name] = (await client.query(sql)).rows;
      } catch (error) {
        result[name] = [{ error: (error as Error).message }];
      }
    }
  } finally {
    await client.end();
  }
  return result;
}

async function main(): Promise<void> {
  const pair = await startPostgresPrimaryStandby();
  try {
    await pair.query(pair.primary, 'CREATE TABLE orders (id bigserial PRIMARY KEY, payload text)');
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('x', 100) FROM generate_series(1, 1000)");
    await pair.waitForCatchUp();
    // A standby behind: replay paused while the primary writes on.
    await pair.query(pair.standby, 'SELECT pg_wal_replay_pause()');
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('y', 100) FROM generate_series(1, 1000)");
    await new Promise((r) => setTimeout(r, 1500));
    for (const [name, node] of [
      ['primary', pair.primary],
      ['standby-lagging', pair.standby],
    ] as const) {
      writeFileSync(
        join(__dirname, `${name}.rows.json`),
        JSON.stringify({ port: node.port, primaryPort: pair.primary.port, rows: await rowsOf(node.url()) }, null, 2) + '\n',
      );
    }
    // The link gone: primary_conninfo pointing where nothing listens. No WAL receiver on the standby,
    // no walsender for it on the primary (issue 17: such a standby is never converged).
    // Replay must run for the startup process to restart the WAL receiver with the new conninfo.
    await pair.query(pair.standby, 'SELECT pg_wal_replay_resume()');
    await pair.query(pair.standby, `ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=${await sparePort()} user=postgres'`);
    await pair.query(pair.standby, 'SELECT pg_reload_conf()');
    await waitFor('the WAL receiver and walsender gone', 30_000, async () => {
      const receivers = await pair.query(pair.standby, "SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'");
      const senders = await pair.query(pair.primary, 'SELECT 1 FROM pg_stat_replication');
      return receivers.length === 0 && senders.length === 0 ? true : undefined;
    });
    for (const [name, node] of [
      ['primary-standby-gone', pair.primary],
      ['standby-no-wal-receiver', pair.standby],
    ] as const) {
      writeFileSync(
        join(__dirname, `${name}.rows.json`),
        JSON.stringify({ port: node.port, primaryPort: pair.primary.port, rows: await rowsOf(node.url()) }, null, 2) + '\n',
      );
    }
  } finally {
    await pair.close();
  }
}

void main();
