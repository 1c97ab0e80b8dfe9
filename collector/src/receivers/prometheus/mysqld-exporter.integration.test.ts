/**
 * The real thing: a MariaDB primary and GTID replica (the mysql receiver's
 * harness), one prometheus-mysqld-exporter 0.14 per node, plus one more on the
 * replica logged in as a user without SLAVE MONITOR / REPLICATION CLIENT,
 * Debian's Prometheus scraping them every second, and Rebound reading that
 * Prometheus through the real engine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exporterDir, startExporter, startTestPrometheus, type RunningExporter, type TestPrometheus } from '../../testing/exporter-stack';
import { startMariadbPrimaryReplica, type MariadbPrimaryReplica } from '../../testing/mariadb-primary-replica';
import { EngineDriver, integrationGroup, memberOf, statusSequence } from './engine-driver';

const BLIND_PASSWORD = 'blind-pw-5d1e';

describe('mysqld_exporter through a real Prometheus and the engine', { timeout: 180_000 }, () => {
  let pair: MariadbPrimaryReplica;
  let prometheus: TestPrometheus;
  const exporters: RunningExporter[] = [];
  const files = exporterDir();
  let driver: EngineDriver;
  let blindView: EngineDriver;

  before(async () => {
    pair = await startMariadbPrimaryReplica();
    // Created on the primary, so it replicates: PROCESS only, no SLAVE MONITOR / REPLICATION CLIENT.
    await pair.query(
      pair.primary,
      `CREATE USER 'blind'@'127.0.0.1' IDENTIFIED BY '${BLIND_PASSWORD}'; GRANT PROCESS ON *.* TO 'blind'@'127.0.0.1'; CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY AUTO_INCREMENT, v TEXT)`,
    );
    await pair.waitForCatchUp();
    exporters.push(await startExporter(files.dir, 'mysqld', 'primary', `root@unix(${pair.primary.socket})/`));
    exporters.push(await startExporter(files.dir, 'mysqld', 'replica', `root@unix(${pair.replica.socket})/`));
    exporters.push(await startExporter(files.dir, 'mysqld', 'replica-blind', `blind:${BLIND_PASSWORD}@tcp(127.0.0.1:${pair.replica.port})/`));
    prometheus = await startTestPrometheus('mysql', exporters);
    await prometheus.waitForTargets();
    const config = { url: prometheus.url, exporter: 'mysqld_exporter', member_label: 'member', interval: '1s' };
    driver = new EngineDriver(integrationGroup('billing'), {
      ...config,
      selector: '{job="mysql", member=~"primary|replica"}',
      declared: [{ member: 'primary' }, { member: 'replica' }],
    });
    blindView = new EngineDriver(integrationGroup('billing-blind'), { ...config, selector: '{job="mysql", member=~"primary|replica-blind"}' });
    await driver.declare();
  });

  after(async () => {
    await prometheus?.close();
    for (const e of exporters) await e.stop();
    await pair?.close();
    files.remove();
  });

  it('steady: healthy, the primary leads, the replica converged on Seconds_Behind_Master', async () => {
    const state = await driver.stepUntil('healthy', (s) => s.phase === 'healthy');
    assert.equal(state.leader, 'primary');
    assert.equal(memberOf(state, 'replica').lagSeconds, 0);
    assert.equal(state.permissionConsistency, null);
  });

  it('SQL thread stopped: not converged, with the reason; back to converged when it runs again', async () => {
    const from = driver.states.length;
    await pair.query(pair.replica, 'STOP SLAVE SQL_THREAD');
    await pair.query(pair.primary, "INSERT INTO app.t (v) VALUES ('while the SQL thread is stopped')");
    const stopped = await driver.stepUntil(
      'the replica lagging: SQL thread stopped',
      (s) => /SQL thread stopped/.test(memberOf(s, 'replica').reason ?? ''),
      30_000,
    );
    assert.equal(memberOf(stopped, 'replica').status, 'lagging');
    assert.equal(memberOf(stopped, 'replica').lagSeconds, null, 'Seconds_Behind_Master is absent, never read as 0');
    const held = await driver.stepFor(3_000);
    assert.ok(held.every((s) => memberOf(s, 'replica').status !== 'converged' && s.phase !== 'healthy'));
    await pair.query(pair.replica, 'START SLAVE SQL_THREAD');
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
    const sequence = statusSequence(driver.states.slice(from), 'replica');
    assert.deepEqual(sequence.slice(sequence.indexOf('lagging')), ['lagging', 'converged'], sequence.join(' → '));
    assert.equal(driver.engine.episodes({ group: 'billing' }).length, 1);
  });

  it('an exporter without SLAVE MONITOR on the replica: "exporter cannot see replication" (unknown), never leader', async () => {
    const state = await blindView.stepUntil(
      'the blind replica unknown with the reason',
      (s) => /exporter cannot see replication/.test(memberOf(s, 'replica-blind').reason ?? ''),
      30_000,
    );
    assert.equal(memberOf(state, 'replica-blind').status, 'unknown');
    assert.equal(state.leader, 'primary');
    assert.notEqual(state.phase, 'healthy');
  });

  it('IO thread stopped: link down, lagging, never converged', async () => {
    await pair.query(pair.replica, 'STOP SLAVE IO_THREAD');
    try {
      const state = await driver.stepUntil('the replica lagging: link down', (s) => /IO thread not running/.test(memberOf(s, 'replica').reason ?? ''), 30_000);
      assert.equal(memberOf(state, 'replica').status, 'lagging');
    } finally {
      await pair.query(pair.replica, 'START SLAVE IO_THREAD');
    }
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
  });

  it('replica exporter down: unknown, never healthy; Prometheus down: source 0, members unknown', async () => {
    await exporters[1]!.stop();
    const state = await driver.stepUntil('the replica unknown', (s) => memberOf(s, 'replica').status === 'unknown', 30_000);
    assert.notEqual(state.phase, 'healthy');
    await exporters[1]!.start();
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
    await prometheus.stop();
    await driver.step();
    assert.equal(driver.sourceUp(), false);
    await driver.stepUntil('every member unknown', (s) => s.members.every((m) => m.status === 'unknown'), 30_000);
    await prometheus.start();
    await driver.stepUntil('healthy again', (s) => s.phase === 'healthy', 60_000);
  });
});
