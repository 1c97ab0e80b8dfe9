import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecoveryEngine } from '../../engine/engine';
import { obs, testGroup } from '../../engine/testing/scenario';
import { PrometheusExporter } from './prometheus-exporter';

describe('recovery_group_finding', () => {
  it('has one series per cause while present, and none once it is gone', async () => {
    let now = 1_700_000_000_000;
    const engine = new RecoveryEngine({ groups: [testGroup()], now: () => now });
    const exporter = new PrometheusExporter();
    const tick = (bDown: boolean) => {
      engine.observe(obs('a', now, { role: 'leader', position: 10 }));
      engine.observe(obs('b', now, bDown ? { reachable: false } : { position: 10 }));
      exporter.update(engine.tick(), new Map());
      now += 1000;
    };
    tick(false);
    tick(true);
    assert.match(await exporter.metricsText(), /^recovery_group_finding\{group="db",cause="member_unreachable"\} 1$/m);
    tick(false);
    assert.doesNotMatch(await exporter.metricsText(), /^recovery_group_finding\{/m);
  });
});
