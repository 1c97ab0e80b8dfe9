/**
 * The real thing: a Redis primary and replica, one prometheus-redis-exporter per
 * node, Debian's Prometheus scraping them every second, and Rebound reading that
 * Prometheus through the real engine. No database credentials reach Rebound.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exporterDir, startExporter, startTestPrometheus, type RunningExporter, type TestPrometheus } from '../../testing/exporter-stack';
import { startRedisReplicaSet, type RedisReplicaSet } from '../../testing/redis-replica-set';
import { EngineDriver, integrationGroup, memberOf, statusSequence } from './engine-driver';

const DATA_BYTES = 20 * 1000 * 1000;

describe('redis_exporter through a real Prometheus and the engine', { timeout: 180_000 }, () => {
  let set: RedisReplicaSet;
  let prometheus: TestPrometheus;
  const exporters: RunningExporter[] = [];
  const files = exporterDir();
  let driver: EngineDriver;

  before(async () => {
    // Diskless sync with a delay: a full resync holds the primary in wait_bgsave for seconds, as a big dataset would.
    set = await startRedisReplicaSet({ replicas: 1, extraArgs: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '3'] });
    await set.waitForSync();
    for (const node of set.nodes) exporters.push(await startExporter(files.dir, 'redis', node.name, node.address, { zone: `zone-${node.name}` }));
    prometheus = await startTestPrometheus('redis', exporters);
    await prometheus.waitForTargets();
    driver = new EngineDriver(integrationGroup('sessions'), {
      url: prometheus.url,
      exporter: 'redis_exporter',
      selector: '{job="redis"}',
      member_label: 'member',
      dependencies_from_labels: { zone: 'cloud.availability_zone' },
      interval: '1s',
      timeout: '2s',
      declared: [{ member: 'primary' }, { member: 'replica1' }],
    });
    await driver.declare();
  });

  after(async () => {
    await prometheus?.close();
    for (const e of exporters) await e.stop();
    await set?.close();
    files.remove();
  });

  it('steady: healthy, the primary leads, zones from target labels', async () => {
    const state = await driver.stepUntil('healthy', (s) => s.phase === 'healthy');
    assert.equal(state.leader, 'primary');
    assert.equal(driver.sourceUp(), true);
    assert.equal(state.permissionConsistency, null, 'permissions are not observed through an exporter');
  });

  it('replica stopped, 20 MB written, restarted (full resync): unreachable → lagging → converged, one episode, never 20 MB of lag', async () => {
    const from = driver.states.length;
    await set.stop(set.replicas[0]!);
    await driver.stepUntil('the replica unreachable', (s) => memberOf(s, 'replica1').status === 'unreachable');
    await set.cli(set.primary, 'EVAL', "for i=1,20000 do redis.call('SET','k'..i, string.rep('x',1000)) end", '0');
    await set.start(set.replicas[0]!);
    const resync = await driver.stepUntil('the full resync seen', (s) => /full resync/.test(memberOf(s, 'replica1').reason ?? ''), 30_000);
    assert.equal(memberOf(resync, 'replica1').status, 'lagging');
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 90_000);
    const during = driver.states.slice(from);
    // The first steps after the stop may still see the last scrape (converged): from the stop's first sign on.
    const sequence = statusSequence(during, 'replica1');
    assert.deepEqual(sequence.slice(sequence.indexOf('unreachable')), ['unreachable', 'lagging', 'converged'], sequence.join(' → '));
    const maxLag = Math.max(0, ...during.map((s) => memberOf(s, 'replica1').lagBytes ?? 0));
    assert.ok(maxLag < DATA_BYTES / 2, `the resync's offset 0 was read as lag: ${maxLag} bytes`);
    assert.ok(!during.some((s) => s.phase === 'healthy' && memberOf(s, 'replica1').status !== 'converged'));
    const episodes = driver.engine.episodes({ group: 'sessions' });
    assert.equal(episodes.length, 1);
    assert.notEqual(episodes[0]!.endMillis, null);
  });

  it('idle primary for 15 s: stays healthy (ACKs every second; 15 s covers the 10 s replica ping period)', async () => {
    const states = await driver.stepFor(15_000);
    assert.ok(
      states.every((s) => s.phase === 'healthy'),
      states.map((s) => s.phase).join(','),
    );
  });

  it('replica exporter down: the replica is unknown, never healthy; back when the exporter is', async () => {
    await exporters[1]!.stop();
    const state = await driver.stepUntil('the replica unknown', (s) => memberOf(s, 'replica1').status === 'unknown', 30_000);
    assert.notEqual(state.phase, 'healthy');
    await exporters[1]!.start();
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
  });

  it('Prometheus down: recovery_source_up 0, members unknown after freshness; back when Prometheus is', async () => {
    await prometheus.stop();
    await driver.step();
    assert.equal(driver.sourceUp(), false);
    const state = await driver.stepUntil('every member unknown', (s) => s.members.every((m) => m.status === 'unknown'), 30_000);
    assert.notEqual(state.phase, 'healthy');
    await prometheus.start();
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
    assert.equal(driver.sourceUp(), true);
  });
});
