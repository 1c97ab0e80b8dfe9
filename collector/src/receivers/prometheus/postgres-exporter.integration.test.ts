/**
 * The real thing: a PostgreSQL primary and streaming standby, one
 * prometheus-postgres-exporter per node (with the Debian example's
 * pg_replication query, so the misleading pg_replication_lag is there),
 * Debian's Prometheus scraping them every second, and Rebound reading that
 * Prometheus through the real engine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exporterDir, startExporter, startTestPrometheus, type RunningExporter, type TestPrometheus } from '../../testing/exporter-stack';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from '../../testing/postgres-primary-standby';
import { waitFor } from '../../testing/processes';
import { EngineDriver, integrationGroup, memberOf, statusSequence } from './engine-driver';

async function promValue(prometheus: TestPrometheus, query: string): Promise<number | undefined> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as {
    data: { result: { value: [number, string] }[] };
  };
  const value = body.data.result[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

describe('postgres_exporter through a real Prometheus and the engine', { timeout: 180_000 }, () => {
  let pair: PostgresPrimaryStandby;
  let prometheus: TestPrometheus;
  const exporters: RunningExporter[] = [];
  const files = exporterDir();
  let driver: EngineDriver;

  before(async () => {
    pair = await startPostgresPrimaryStandby();
    await pair.query(pair.primary, 'CREATE TABLE orders (id bigserial PRIMARY KEY, payload text NOT NULL)');
    await pair.waitForCatchUp();
    for (const node of [pair.primary, pair.standby]) exporters.push(await startExporter(files.dir, 'postgres', node.name, `${node.url()}?sslmode=disable`));
    prometheus = await startTestPrometheus('postgres', exporters);
    await prometheus.waitForTargets();
    driver = new EngineDriver(integrationGroup('orders-db', { lagToleranceBytes: 64 * 1024 }), {
      url: prometheus.url,
      exporter: 'postgres_exporter',
      selector: '{job="postgres"}',
      member_label: 'member',
      // pg_basebackup -R names the standby's connection "walreceiver" (its application_name).
      standbys: { walreceiver: 'standby' },
      interval: '1s',
      declared: [{ member: 'primary' }, { member: 'standby' }],
    });
    await driver.declare();
  });

  after(async () => {
    await prometheus?.close();
    for (const e of exporters) await e.stop();
    await pair?.close();
    files.remove();
  });

  it('steady: healthy, the primary leads; permissions not observed', async () => {
    const state = await driver.stepUntil('healthy', (s) => s.phase === 'healthy');
    assert.equal(state.leader, 'primary');
    assert.equal(driver.sourceUp(), true);
    assert.equal(state.permissionConsistency, null);
  });

  it('idle primary for 20 s: pg_replication_lag passes the 5 s tolerance, the group stays healthy', async () => {
    await pair.query(pair.primary, "INSERT INTO orders (payload) VALUES ('one commit, then nothing')");
    const states = await driver.stepFor(20_000);
    const trap = await promValue(prometheus, 'pg_replication_lag{member="standby"}');
    assert.ok(trap !== undefined && trap > 10, `the trap is live: pg_replication_lag ${trap}`);
    assert.ok(
      states.every((s) => s.phase === 'healthy'),
      states.map((s) => s.phase).join(','),
    );
  });

  it('standby stopped, writes, restarted with replay held: down → lagging → converged, one episode', async () => {
    const from = driver.states.length;
    await pair.stopStandby();
    // postgres_exporter 0.11.1 spends 1 s retrying a refused connection, so at a 1 s scrape the scrape
    // itself fails (up 0): the standby shows unknown rather than unreachable. Either is "not healthy".
    const down = await driver.stepUntil('the standby down', (s) => ['unreachable', 'unknown'].includes(memberOf(s, 'standby').status), 30_000);
    assert.notEqual(down.phase, 'healthy');
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('x', 200) FROM generate_series(1, 20000)");
    await pair.startStandby();
    await pair.query(pair.standby, 'SELECT pg_wal_replay_pause()');
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('y', 200) FROM generate_series(1, 20000)");
    await driver.stepUntil(
      'the standby lagging by bytes',
      (s) => memberOf(s, 'standby').status === 'lagging' && (memberOf(s, 'standby').lagBytes ?? 0) > 64 * 1024,
      30_000,
    );
    await pair.query(pair.standby, 'SELECT pg_wal_replay_resume()');
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
    // The primary's pg_stat_replication row may vanish before the standby's scrape fails: lagging (link down) first, then down.
    const sequence = statusSequence(driver.states.slice(from), 'standby');
    const notConverged = sequence.slice(sequence[0] === 'converged' ? 1 : 0, -1);
    const firstDown = notConverged.findIndex((s) => s === 'unreachable' || s === 'unknown');
    assert.ok(firstDown >= 0, sequence.join(' → '));
    assert.ok(notConverged.slice(firstDown).includes('lagging'), sequence.join(' → '));
    assert.ok(!notConverged.includes('converged'), sequence.join(' → '));
    assert.equal(sequence.at(-1), 'converged');
    const episodes = driver.engine.episodes({ group: 'orders-db' });
    assert.equal(episodes.length, 1);
    assert.notEqual(episodes[0]!.endMillis, null);
  });

  it('standby exporter down: the standby is unknown, never healthy', async () => {
    await exporters[1]!.stop();
    const state = await driver.stepUntil('the standby unknown', (s) => memberOf(s, 'standby').status === 'unknown', 30_000);
    assert.notEqual(state.phase, 'healthy');
    await exporters[1]!.start();
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
  });

  it('Prometheus down: recovery_source_up 0, members unknown after freshness', async () => {
    await prometheus.stop();
    await driver.step();
    assert.equal(driver.sourceUp(), false);
    const state = await driver.stepUntil('every member unknown', (s) => s.members.every((m) => m.status === 'unknown'), 30_000);
    assert.notEqual(state.phase, 'healthy');
    await prometheus.start();
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
  });

  it('the link gone while both run (pg_up 1 on the standby): lagging, link down, never converged', async () => {
    await pair.prependHbaRule(pair.primary, 'host replication all 0.0.0.0/0 reject');
    // pg_reload_conf() only signals the postmaster: end the walsender until the standby's reconnect is refused.
    await waitFor('the standby gone from pg_stat_replication', 30_000, async () => {
      await pair.query(pair.primary, 'SELECT pg_terminate_backend(pid) FROM pg_stat_replication');
      await new Promise((resolve) => setTimeout(resolve, 500));
      return (await pair.query(pair.primary, 'SELECT count(*)::int AS n FROM pg_stat_replication'))[0]?.['n'] === 0 || undefined;
    });
    const state = await driver
      .stepUntil('the standby lagging with its link down', (s) => /replication link down/.test(memberOf(s, 'standby').reason ?? ''), 30_000)
      .catch((error: Error) => {
        throw new Error(`${error.message}; last: ${JSON.stringify(memberOf(driver.states.at(-1)!, 'standby'))}`);
      });
    assert.equal(memberOf(state, 'standby').status, 'lagging');
    const later = await driver.stepFor(5_000);
    assert.ok(later.every((s) => memberOf(s, 'standby').status !== 'converged' && s.phase !== 'healthy'));
  });
});
