import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupView } from '../../api/json-views';
import { RecoveryEngine } from '../../engine/engine';
import { testGroup } from '../../engine/testing/scenario';
import { PrometheusExporter } from '../../exporters/prometheus/prometheus-exporter';
import { createMemoryLogger } from '../../logger';
import { parsePrometheusConfig } from './config';
import { FakePrometheusClient, recordedSamples } from './fake-client';
import { PrometheusReceiver } from './prometheus-receiver';

/**
 * No exporter exposes ACLs, pg_hba or grants: a group read through Prometheus has no
 * permission fingerprint, and must say "permissions: not observed" — never 100 % consistent.
 */
describe('permissions of a group read through exporters', () => {
  it('the API says "not observed" and recovery_group_permission_consistency_ratio is absent for it', async () => {
    let now = 1_800_000_000_000;
    const engine = new RecoveryEngine({ groups: [testGroup({ name: 'sessions' })], now: () => now });
    const config = parsePrometheusConfig(
      { url: 'http://127.0.0.1:9', exporter: 'redis_exporter', selector: '{job="capture"}', member_label: 'member' },
      'groups[0].prometheus',
    );
    const receiver = new PrometheusReceiver(
      'sessions',
      config,
      { intervalMillis: 1000, logger: createMemoryLogger(), now: () => now },
      new FakePrometheusClient(recordedSamples('redis-steady')),
    );
    const exporter = new PrometheusExporter();
    for (let i = 0; i < 3; i++) {
      await receiver.round(engine);
      exporter.update(engine.tick(), engine.sourceStates());
      now += 1000;
    }
    const state = engine.tick().find((s) => s.name === 'sessions')!;
    assert.equal(state.phase, 'healthy');
    const view = groupView(state);
    assert.equal(view.signals.permissions, 'not observed');
    assert.equal(view.signals.permission_consistency_ratio, null);
    const text = await exporter.metricsText();
    assert.ok(!/recovery_group_permission_consistency_ratio\{group="sessions"\}/.test(text), 'no ratio series for the group');
    assert.match(text, /recovery_source_up\{source="prometheus\/sessions"\} 1/);
  });
});
