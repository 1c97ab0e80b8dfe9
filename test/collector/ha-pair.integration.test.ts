import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from '@rebound/collector/testing';
import { episodesRecord, selectors, sliWindows, sloRuleGroups, toYaml } from '@rebound/dashboards';
import { PrometheusApi } from '../dashboards-live/prometheus-api';
import { startPrometheus } from '../support/demo-stack';
import { otlpJsonBody, type MemberReport } from '../support/otlp-json';
import { Child, sparePort, waitFor } from '../support/processes';

/**
 * Real collector processes on one real PostgreSQL store (the harness's
 * primary + standby on spare ports): an HA pair where the active one is
 * killed -9 mid-episode, and a single collector whose store's PostgreSQL
 * crashes and comes back while an episode completes.
 */
const repo = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'rebound-ha-'));
const children: Child[] = [];
let pg: PostgresPrimaryStandby;
before(async () => {
  pg = await startPostgresPrimaryStandby();
});
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await pg?.close();
  rmSync(work, { recursive: true, force: true });
});

interface EpisodeJson {
  id: string;
  start: string;
  end: string | null;
}

const healthy: MemberReport[] = [
  { group: 'payments', member: 'pay-1', role: 'leader', up: true, position: 100 },
  { group: 'payments', member: 'pay-2', role: 'replica', up: true, position: 100 },
];
const replicaDown: MemberReport[] = [healthy[0]!, { group: 'payments', member: 'pay-2', role: 'replica', up: false }];
const INTERVAL_MILLIS = 200;

/** A built-from-source collector with one OTLP group `payments`, its episodes in `store`. */
async function collector(name: string, store: string) {
  const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
  const config = join(work, `${name}.yaml`);
  writeFileSync(
    config,
    [
      `interval: ${INTERVAL_MILLIS}ms`,
      `listen: { metrics: 127.0.0.1:${metricsPort}, otlp: 127.0.0.1:${otlpPort} }`,
      `store: ${store}`,
      'groups:',
      '  - name: payments',
      '    hold_down: 1s',
      '    freshness: 5s',
      '    otlp:',
      '      members: [{ member: pay-1, role: leader }, { member: pay-2, role: replica }]',
    ].join('\n'),
  );
  const base = `http://127.0.0.1:${metricsPort}`;
  let child: Child | undefined;
  const metrics = async () => (await fetch(`${base}/metrics`)).text();
  const gauge = async (metric: string) => Number(new RegExp(`^${metric} (\\d)$`, 'm').exec(await metrics())?.[1]);
  return {
    name,
    metricsPort,
    get child() {
      return child!;
    },
    async start() {
      child = new Child(name, process.execPath, ['--import', 'tsx', join(repo, 'collector/src/cli.ts'), '--config', config], repo);
      children.push(child);
      await waitFor(`${name} to serve /healthz`, 60_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    },
    async send(reports: MemberReport[]) {
      const response = await fetch(`http://127.0.0.1:${otlpPort}/v1/metrics`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: otlpJsonBody(reports),
      });
      assert.equal(response.status, 200, await response.text());
    },
    metrics,
    active: () => gauge('recovery_collector_active'),
    storeUp: () => gauge('recovery_store_up'),
    episodesTotal: async () => Number(/^recovery_episodes_total\{group="payments"\} (\d+)$/m.exec(await metrics())?.[1]),
    phase: async () => /^recovery_group_phase\{group="payments",phase="(\w+)"\} 1$/m.exec(await metrics())?.[1],
    episodes: async () => ((await (await fetch(`${base}/api/v1/episodes?group=payments`)).json()) as { episodes: EpisodeJson[] }).episodes,
  };
}
type TestCollector = Awaited<ReturnType<typeof collector>>;

/** Both collectors of the pair see the same members (in production: both probe them, or the OTel Collector sends to both). */
const sendAll = (pair: readonly TestCollector[], reports: MemberReport[]) => Promise.all(pair.filter((c) => c.child.running).map((c) => c.send(reports)));

const storedRows = async (database: string) =>
  (
    await pg.query<{ id: string; start_ms: string; end_ms: string | null }>(
      { ...pg.primary, url: () => pg.primary.url().replace(/\/postgres$/, `/${database}`) },
      'SELECT id, start_ms, end_ms FROM rebound_episodes WHERE group_name = $1 ORDER BY start_ms',
      ['payments'],
    )
  ).map((r) => ({ id: r.id, start: Number(r.start_ms), end: r.end_ms === null ? null : Number(r.end_ms) }));

async function episodeUntil(
  c: TestCollector,
  pair: readonly TestCollector[],
  reports: MemberReport[],
  what: string,
  done: (episodes: EpisodeJson[]) => boolean,
) {
  return waitFor(
    what,
    30_000,
    async () => {
      await sendAll(pair, reports);
      const episodes = await c.episodes();
      return done(episodes) ? episodes : undefined;
    },
    INTERVAL_MILLIS,
  );
}

describe('collectors on a PostgreSQL episode store', { timeout: 300_000 }, () => {
  it("an HA pair: one active, kill -9 it mid-episode, the standby takes over with the open episode's start; no episode lost or duplicated", async () => {
    await pg.query(pg.primary, 'CREATE DATABASE rebound_pair');
    const store = pg.primary.url().replace(/\/postgres$/, '/rebound_pair');
    const a = await collector('collector-a', store);
    const b = await collector('collector-b', store);
    const pair = [a, b];
    await a.start();
    await waitFor('a to be active', 10_000, async () => ((await a.active()) === 1 ? true : undefined));
    await b.start();
    // One real Prometheus scrapes both under the collector's job, with the SLO rules evaluated every second.
    const promDir = join(work, 'prometheus');
    mkdirSync(promDir);
    const rules = join(promDir, 'recovery-slo.yml');
    writeFileSync(rules, toYaml({ groups: sloRuleGroups.map((g) => ({ ...g, interval: '1s' })) }));
    const job = /job="([^"]+)"/.exec(selectors.collector)![1]!;
    const prometheus = await startPrometheus(promDir, {
      metricsPort: a.metricsPort,
      moreMetricsPorts: [b.metricsPort],
      job,
      ruleFiles: [rules],
      labels: { [selectors.clusterLabel]: 'ha' },
    });
    children.push(prometheus.child);
    const promApi = new PrometheusApi(prometheus.url);
    await waitFor('both collectors scraped', 60_000, async () => ((await promApi.instant(`up{job="${job}"} == 1`)).length === 2 ? true : undefined));
    // Exact, without increase()'s extrapolation: every sample either collector ever had, summed over the pair.
    const episodesSummed = async () =>
      Number(
        (await promApi.instant(`sum by (group) (max_over_time(recovery_episodes_total{${selectors.collector},group="payments"}[5m]))`))[0]?.value?.[1] ?? NaN,
      );
    const episodesCounted = async () => Number((await promApi.instant(`${episodesRecord(sliWindows[0]!)}{group="payments"}`))[0]?.value?.[1] ?? NaN);
    assert.equal(await b.active(), 0, 'b is the standby');
    assert.equal(await b.storeUp(), 1);

    // A first episode, completed while a is active: written once, by a; listed by both.
    await sendAll(pair, healthy);
    await waitFor('payments healthy on both', 20_000, async () => ((await a.phase()) === 'healthy' && (await b.phase()) === 'healthy' ? true : undefined));
    await episodeUntil(a, pair, replicaDown, 'an open episode on a', (e) => e.length === 1);
    const [first] = await episodeUntil(a, pair, healthy, 'the first episode to complete', (e) => e.length === 1 && e[0]!.end !== null);
    await waitFor('b to list it from the store', 10_000, async () => {
      const listed = await b.episodes();
      return listed.length === 1 && listed[0]!.id === first!.id && listed[0]!.end === first!.end ? true : undefined;
    });

    assert.deepEqual([await a.episodesTotal(), await b.episodesTotal()], [1, 0], 'counted where it is written: a sum over the pair counts it once');
    const countedOnce = await waitFor('the SLO rules to count the first episode', 30_000, async () => {
      const n = await episodesCounted();
      return n >= 0.9 ? n : undefined;
    });
    // increase() extrapolates a series younger than its window (~1.3 here); counted by both it would be twice that.
    assert.ok(countedOnce < 1.9, `the pair's first episode counted ${countedOnce} times by ${episodesRecord(sliWindows[0]!)}`);
    await waitFor("Prometheus to hold the pair's counters summing to 1", 10_000, async () => ((await episodesSummed()) === 1 ? true : undefined));

    // A second one, open when a dies.
    const [open] = await episodeUntil(a, pair, replicaDown, 'a second open episode, stored', (e) => e.length === 2 && e[0]!.end === null);
    await waitFor('the open episode in PostgreSQL', 10_000, async () => ((await storedRows('rebound_pair')).some((r) => r.id === open!.id) ? true : undefined));
    await a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      'b to take over',
      10_000,
      async () => {
        await sendAll(pair, replicaDown);
        return (await b.active()) === 1 ? true : undefined;
      },
      INTERVAL_MILLIS,
    );
    const takeoverMillis = Date.now() - killedAt;
    assert.ok(takeoverMillis < 10 * INTERVAL_MILLIS + 2000, `took over in ${takeoverMillis} ms`);
    const [continued] = await b.episodes();
    assert.equal(continued!.id, open!.id, 'b continues the episode a opened');
    assert.equal(continued!.start, open!.start, 'with its start');
    assert.equal(continued!.end, null);

    const [closed] = await episodeUntil(b, pair, healthy, 'the second episode to complete on b', (e) => e[0]!.end !== null);
    assert.equal(closed!.id, open!.id);
    assert.equal(await b.episodesTotal(), 1, 'b, active now, counts the episode it completed');
    const countedTwice = await waitFor('the SLO rules to count the second episode', 30_000, async () => {
      const n = await episodesCounted();
      return n >= 1.9 ? n : undefined;
    });
    assert.ok(countedTwice < 2.9, `two episodes counted as ${countedTwice} through Prometheus (a's series stale since kill -9, b's new)`);
    await waitFor("Prometheus to hold the pair's counters summing to 2", 10_000, async () => ((await episodesSummed()) === 2 ? true : undefined));
    console.log(
      `HA pair through Prometheus: ${episodesRecord(sliWindows[0]!)} = ${countedOnce.toFixed(3)} after the first episode, ${countedTwice.toFixed(3)} after the second`,
    );
    const rows = await waitFor('both episodes completed in PostgreSQL', 10_000, async () => {
      const stored = await storedRows('rebound_pair');
      return stored.every((r) => r.end !== null) ? stored : undefined;
    });
    assert.deepEqual(
      rows.map((r) => r.id),
      [first!.id, open!.id],
      'each episode once',
    );
    assert.equal(rows[1]!.start, Date.parse(open!.start));

    // a back: the standby now. The members keep reporting (stale ones would be an episode of their own).
    const keepReporting = setInterval(() => void sendAll(pair, healthy).catch(() => undefined), INTERVAL_MILLIS);
    try {
      await a.start();
      assert.equal(await a.active(), 0, 'a restarted is the standby');
      assert.deepEqual(
        (await a.episodes()).map((e) => e.id),
        [open!.id, first!.id],
      );
    } finally {
      clearInterval(keepReporting);
    }
    console.log(`HA pair: the standby took over ${takeoverMillis} ms after kill -9 (interval ${INTERVAL_MILLIS} ms)`);
  });

  it("the store's PostgreSQL crashes mid-episode and restarts: deriving and serving go on, recovery_store_up 0 and one line, the episode written once it is back", async () => {
    await pg.query(pg.primary, 'CREATE DATABASE rebound_outage');
    const store = pg.primary.url().replace(/\/postgres$/, '/rebound_outage');
    const c = await collector('collector-outage', store);
    await c.start();
    await c.send(healthy);
    await waitFor('payments healthy', 20_000, async () => ((await c.phase()) === 'healthy' ? true : undefined));
    const [open] = await episodeUntil(c, [c], replicaDown, 'an open episode', (e) => e.length === 1);
    await waitFor('the open episode in PostgreSQL', 10_000, async () => ((await storedRows('rebound_outage')).length === 1 ? true : undefined));

    await pg.crashPrimary();
    await waitFor('recovery_store_up 0', 10_000, async () => ((await c.storeUp()) === 0 ? true : undefined));
    const [closed] = await episodeUntil(c, [c], healthy, 'the episode to complete while the store is down', (e) => e[0]!.end !== null);
    assert.equal(closed!.id, open!.id, 'listed from memory');
    assert.equal(await c.phase(), 'healthy', 'derivation went on');
    assert.equal(await c.storeUp(), 0);
    assert.equal(await c.active(), 0, 'without the store, nobody holds the lock');
    assert.ok(!((await c.episodesTotal()) > 0), 'with a PostgreSQL store an episode is counted once its close is written');

    await pg.startPrimary();
    const rows = await waitFor('the episode written after the restart', 30_000, async () => {
      const stored = await storedRows('rebound_outage').catch(() => []);
      return stored.length === 1 && stored[0]!.end !== null ? stored : undefined;
    });
    assert.equal(rows[0]!.id, open!.id);
    assert.equal(rows[0]!.end, Date.parse(closed!.end!));
    await waitFor('recovery_store_up 1 and active again', 10_000, async () => ((await c.storeUp()) === 1 && (await c.active()) === 1 ? true : undefined));
    assert.equal(await c.episodesTotal(), 1, 'counted when written, once');
    const log = c.child.output.join('');
    assert.equal(log.split('\n').filter((l) => /episode store .*: unreachable \(/.test(l)).length, 1, `one line for the outage:\n${c.child.tail()}`);
    assert.match(log, /episode store .*: connected to 127\.0\.0\.1:\d+ again/);
    assert.match(log, /writable again; wrote 1 episode/);
  });
});
