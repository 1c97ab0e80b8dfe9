/**
 * Episode writes per second: the SQLite store against the PostgreSQL store
 * (a real server from the test harness, loopback), in the same run. Two
 * shapes: one episode per transaction (a phase change of one group) and 200
 * per transaction (a tick where many groups change at once, or the flush
 * after an outage).
 *
 * The harness's PostgreSQL runs with fsync=off and synchronous_commit=off (a
 * throwaway cluster); SQLite here is WAL with synchronous=NORMAL on the temp
 * directory's filesystem. Both numbers are upper bounds for their engine on
 * this machine; a PostgreSQL with fsync on a real disk adds its commit latency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeEpisode, openEpisode } from '../src/engine/episode-record';
import { createMemoryLogger } from '../src/logger';
import { SqliteEpisodeStore } from '../src/store/episode-store';
import { PostgresEpisodeStore } from '../src/store/postgres-episode-store';
import type { EpisodeStore } from '../src/store/types';
import { startPostgresPrimaryStandby } from '../src/testing/postgres-primary-standby';

const SECONDS = 2;

async function writesPerSecond(store: EpisodeStore, batch: number, prefix: string): Promise<number> {
  let written = 0;
  const started = performance.now();
  for (let round = 0; performance.now() - started < SECONDS * 1000; round++) {
    const completed = Array.from({ length: batch }, (_, i) => {
      const open = openEpisode({
        id: `${prefix}-${round}-${i}`,
        group: `group-${i % 500}`,
        phase: 'recovering',
        nowMillis: Date.now() - 60_000,
        rtoSeconds: 60,
        leaderBefore: 'db-1',
        loadBefore: 10,
      });
      return closeEpisode(open, Date.now());
    });
    await store.save([], completed);
    written += batch;
  }
  return written / ((performance.now() - started) / 1000);
}

async function roundTripsPerSecond(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < 1000) {
    await client.query('SELECT 1');
    n++;
  }
  await client.end();
  return n / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-store-bench-'));
  const pg = await startPostgresPrimaryStandby();
  const sqlite = new SqliteEpisodeStore(join(dir, 'bench.db'));
  const postgres = new PostgresEpisodeStore({ url: pg.primary.url(), redacted: 'harness', logger: createMemoryLogger(), roleCheckMillis: 60_000 });
  try {
    await postgres.start();
    if (!postgres.active) throw new Error(`PostgreSQL store not active: ${postgres.problem}`);
    console.log('episode store writes (completed episodes, one transaction per save), same run:');
    console.log('| store | 1 per transaction | 200 per transaction |');
    console.log('|---|---|---|');
    const results: Record<string, number[]> = {};
    for (const [name, store] of [
      ['SQLite (WAL, synchronous=NORMAL)', sqlite],
      ['PostgreSQL (loopback, harness: fsync=off)', postgres],
    ] as const) {
      results[name] = [await writesPerSecond(store, 1, `${name[0]}1`), await writesPerSecond(store, 200, `${name[0]}200`)];
      console.log(`| ${name} | ${Math.round(results[name]![0]!)} /s | ${Math.round(results[name]![1]!)} /s |`);
    }
    const [s, p] = Object.values(results) as [number[], number[]];
    console.log(`PostgreSQL / SQLite: ${(p[0]! / s[0]!).toFixed(2)}× one at a time, ${(p[1]! / s[1]!).toFixed(2)}× in batches of 200`);
    console.log(
      `for scale: a bare SELECT 1 on the same server, one at a time: ${Math.round(await roundTripsPerSecond(pg.primary.url()))} /s; load average ${loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    sqlite.close();
    await postgres.close();
    await pg.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
