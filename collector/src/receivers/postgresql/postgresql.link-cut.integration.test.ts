/**
 * Issue 17 against a real PostgreSQL primary and streaming standby: a standby
 * whose replication link is gone is never converged, whatever its byte lag.
 * (1) primary_conninfo pointing at a port where nothing listens: no WAL
 * receiver, no walsender, 0 bytes behind on an idle primary — still lagging.
 * (2) The standby streams through a relay (testing/cuttable-link.ts) that is
 * cut while the primary takes a small write every 300 ms: first the primary
 * waits for replies (reply_time), then wal_sender_timeout / wal_receiver_timeout
 * drop the link; lagging throughout, the lag growing, one episode in all.
 * (3) The walsender terminated with pg_terminate_backend: down until the WAL
 * receiver reconnects (wal_retrieve_retry_interval), lagging meanwhile.
 * The probes run as the documented monitoring role (pg_monitor).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GroupConfig } from '../../config/group-config';
import { RecoveryEngine } from '../../engine/engine';
import { createMemoryLogger } from '../../logger';
import type { GroupState } from '../../model/group-state';
import { CuttableLink } from '../../testing/cuttable-link';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from '../../testing/postgres-primary-standby';
import { sparePort, waitFor } from '../../testing/processes';
import { parsePostgresqlConfig } from './config';
import { PostgresqlReceiver } from './postgresql-receiver';

const INTERVAL_MILLIS = 250;
const PASSWORD = 'pg-monitor-Cut-3c1d';
let pair: PostgresPrimaryStandby;
let link: CuttableLink;

interface Watch {
  engine: RecoveryEngine;
  states: GroupState[];
  standby(state?: GroupState): GroupState['members'][number];
  stop(): Promise<void>;
}

async function watch(): Promise<Watch> {
  const url = (port: number) => `postgres://rebound_monitor:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const config = parsePostgresqlConfig(
    {
      nodes: [
        { member: 'pg-1', url: url(pair.primary.port) },
        { member: 'pg-2', url: url(pair.standby.port) },
      ],
      timeout: '1s',
    },
    'groups[0].postgresql',
  );
  const group: GroupConfig = {
    name: 'orders-db',
    rtoMillis: 60_000,
    holdDownMillis: 2_000,
    freshnessMillis: 6 * INTERVAL_MILLIS,
    lagToleranceSeconds: 5,
    lagToleranceBytes: 1024 * 1024,
    progressWindowMillis: 30_000,
    stabilizationWindowMillis: 60_000,
    receivers: [{ type: 'postgresql', config }],
  };
  const engine = new RecoveryEngine({ groups: [group] });
  const receiver = new PostgresqlReceiver('orders-db', config, { intervalMillis: INTERVAL_MILLIS, logger: createMemoryLogger(), now: Date.now });
  await receiver.start({ observe: (o) => engine.observe(o), declare: (g, m) => engine.declare(g, m), sourceUp: (s, up) => engine.sourceUp(s, up) });
  const states: GroupState[] = [];
  const ticker = setInterval(() => states.push(engine.tick()[0]!), INTERVAL_MILLIS);
  return {
    engine,
    states,
    standby: (state = states.at(-1)!) => state.members.find((m) => m.member === 'pg-2')!,
    async stop() {
      clearInterval(ticker);
      await receiver.stop();
    },
  };
}

/** Point the standby's WAL receiver somewhere else (PostgreSQL 13+ applies it on reload). */
async function primaryConninfo(port: number): Promise<void> {
  await pair.query(pair.standby, `ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=${port} user=postgres application_name=pg-2'`);
  await pair.query(pair.standby, 'SELECT pg_reload_conf()');
}

async function healthy(w: Watch, what: string): Promise<void> {
  await waitFor(what, 60_000, () => (w.states.at(-1)?.phase === 'healthy' ? true : undefined));
}

/** From the first tick the standby was flagged to the end: lagging, never stabilizing/healthy, hidden instability. */
function assertNeverConvergedOnceFlagged(w: Watch, during: GroupState[]): GroupState['members'][number][] {
  const first = during.findIndex((s) => w.standby(s).status !== 'converged');
  assert.ok(first >= 0, 'the standby was never flagged');
  const flagged = during.slice(first);
  for (const state of flagged) {
    const m = w.standby(state);
    // Lagging; or unknown when a probe timed out on a busy machine — never converged.
    assert.ok(
      ['lagging', 'unknown'].includes(m.status),
      `pg-2 at ${new Date(state.derivedAtMillis).toISOString()}: ${m.status} (${m.reason}) ${m.lagSeconds}s / ${m.lagBytes} B`,
    );
    assert.ok(!['healthy', 'stabilizing'].includes(state.phase), `phase ${state.phase}`);
    assert.equal(state.hiddenInstability, true);
  }
  return flagged.map((s) => w.standby(s));
}

/** Episodes that overlap the ticks [from, until): the fault must be one episode, closed only after it ended. */
function episodesDuring(w: Watch, from: number, until: number) {
  const start = w.states[from]!.derivedAtMillis;
  const end = w.states[until - 1]!.derivedAtMillis;
  const episodes = w.engine.episodes().filter((e) => e.startMillis <= end && (e.endMillis === null || e.endMillis >= start));
  assert.equal(episodes.length, 1, JSON.stringify(episodes.map((e) => e.phases)));
  assert.ok(episodes[0]!.endMillis !== null && episodes[0]!.endMillis > end, 'it closed only after the fault ended');
}

describe('PostgreSQL: a standby whose replication link is gone (real servers)', { timeout: 240_000 }, () => {
  before(async () => {
    pair = await startPostgresPrimaryStandby();
    for (const sql of [`CREATE ROLE rebound_monitor WITH LOGIN PASSWORD '${PASSWORD}'`, 'GRANT pg_monitor TO rebound_monitor'])
      await pair.query(pair.primary, sql);
    await pair.query(pair.primary, 'CREATE TABLE orders (id bigserial PRIMARY KEY, payload text NOT NULL)');
    link = await CuttableLink.start(pair.primary.port);
    // Short timeouts so the cut link is dropped within the test (defaults: 60 s).
    await pair.query(pair.primary, "ALTER SYSTEM SET wal_sender_timeout = '4s'");
    await pair.query(pair.primary, 'SELECT pg_reload_conf()');
    await pair.query(pair.standby, "ALTER SYSTEM SET wal_receiver_timeout = '4s'");
    await pair.query(pair.standby, "ALTER SYSTEM SET wal_retrieve_retry_interval = '1s'");
    await pair.waitForCatchUp();
  });

  after(async () => {
    await link?.close();
    await pair?.close();
  });

  it('primary_conninfo pointing nowhere: no WAL receiver, 0 bytes behind, still lagging with the link named', async () => {
    const w = await watch();
    let restored = false;
    try {
      await healthy(w, 'the group healthy');
      const from = w.states.length;
      await primaryConninfo(await sparePort());
      await waitFor('no streaming WAL receiver on the standby', 20_000, async () =>
        (await pair.query(pair.standby, "SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'")).length === 0 ? true : undefined,
      );
      await waitFor('the standby flagged with its link down', 20_000, () => (/^replication link down/.test(w.standby().reason ?? '') ? true : undefined));
      await new Promise((r) => setTimeout(r, 6_000));
      const until = w.states.length;
      await primaryConninfo(pair.primary.port);
      restored = true;
      await healthy(w, 'the group healthy once the WAL receiver streams again');

      const flagged = assertNeverConvergedOnceFlagged(w, w.states.slice(from, until));
      assert.ok(
        flagged.some((m) => m.lagBytes === 0),
        `a sample 0 bytes behind: only the link says lagging (${flagged.map((m) => m.lagBytes).join(',')})`,
      );
      assert.match(flagged.at(-1)!.reason!, /^replication link down for \d+s/);
      assert.ok(flagged.at(-1)!.lagSeconds! >= 5, `lag keeps growing while down: ${flagged.at(-1)!.lagSeconds}s`);
      episodesDuring(w, from, until);
    } finally {
      if (!restored) await primaryConninfo(pair.primary.port);
      await w.stop();
    }
  });

  it('the walsender terminated (pg_terminate_backend): link down until the WAL receiver reconnects, lagging meanwhile', async () => {
    await pair.query(pair.standby, "ALTER SYSTEM SET wal_retrieve_retry_interval = '5s'");
    await pair.query(pair.standby, 'SELECT pg_reload_conf()');
    const w = await watch();
    try {
      await healthy(w, 'the group healthy');
      const from = w.states.length;
      const killed = await pair.query(pair.primary, 'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_replication');
      assert.equal(killed.length, 1);
      await waitFor('the standby flagged with its link down', 20_000, () => (/^replication link down/.test(w.standby().reason ?? '') ? true : undefined));
      await healthy(w, 'the group healthy once the WAL receiver reconnects');
      const flagged = w.states.slice(from).filter((s) => w.standby(s).status !== 'converged');
      assert.ok(flagged.every((s) => !['healthy', 'stabilizing'].includes(s.phase)));
      assert.ok(flagged.some((s) => /^replication link down/.test(w.standby(s).reason ?? '')));
    } finally {
      await pair.query(pair.standby, "ALTER SYSTEM SET wal_retrieve_retry_interval = '1s'");
      await pair.query(pair.standby, 'SELECT pg_reload_conf()');
      await w.stop();
    }
  });

  it('a cut through the relay with writes: silent, then down; lagging throughout, lag growing, one episode', async () => {
    await primaryConninfo(link.port);
    await pair.waitForCatchUp();
    const w = await watch();
    let i = 0;
    const writer = setInterval(() => void pair.query(pair.primary, `INSERT INTO orders (payload) VALUES ('w${i++}')`).catch(() => {}), 300);
    try {
      await healthy(w, 'the group healthy through the relay');
      const from = w.states.length;
      link.sever();
      await waitFor('the walsender gone from pg_stat_replication (wal_sender_timeout)', 60_000, async () =>
        (await pair.query(pair.primary, 'SELECT 1 FROM pg_stat_replication')).length === 0 ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, 6_000));
      const until = w.states.length;
      link.heal();
      await healthy(w, 'the group healthy after the heal');

      const flagged = assertNeverConvergedOnceFlagged(w, w.states.slice(from, until));
      assert.ok(flagged.some((m) => /^replication link silent/.test(m.reason!)) || flagged.some((m) => /^replication link down/.test(m.reason!)));
      assert.ok(
        flagged.some((m) => /^replication link down/.test(m.reason!)),
        'a reason naming the link down',
      );
      assert.ok(
        flagged.every((m) => m.lagBytes === null || m.lagBytes < 1024 * 1024),
        'bytes under the tolerance: only the link says lagging',
      );
      const lags = flagged.map((m) => m.lagSeconds).filter((l): l is number => l !== null);
      for (let k = 1; k < lags.length; k++) assert.ok(lags[k]! >= lags[k - 1]! - 1, `lag fell from ${lags[k - 1]} to ${lags[k]}`);
      episodesDuring(w, from, until);
    } finally {
      clearInterval(writer);
      link.heal();
      await primaryConninfo(pair.primary.port);
      await w.stop();
    }
  });
});
