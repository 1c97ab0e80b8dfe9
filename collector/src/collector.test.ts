import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Collector } from './collector';
import { parseConfigText } from './config/load';
import { createMemoryLogger } from './logger';
import { lagRequestJson } from './receivers/otlp/otlp-test-helpers';

describe('Collector: assembles the receivers from their factories', () => {
  const work = mkdtempSync(join(tmpdir(), 'rebound-collector-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  const start = async (name: string, yaml: string) => {
    const logger = createMemoryLogger();
    const config = parseConfigText(`store: ${join(work, name + '.db')}\nlisten: { metrics: 127.0.0.1:0, otlp: 127.0.0.1:0 }\n${yaml}`, `${name}.yaml`);
    const collector = new Collector({ config, logger });
    return { collector, logger, endpoints: await collector.start() };
  };

  it('a dynamic group first pushed over OTLP joins the engine and the exporter (no group configured)', async () => {
    const { collector, endpoints } = await start('dynamic', 'otlp: { dynamic_groups: true }\n');
    try {
      const otlp = endpoints.receivers['otlp'];
      assert.ok(otlp, 'the shared OTLP server runs for dynamic groups alone');
      const response = await fetch(`http://127.0.0.1:${otlp.port}/v1/metrics`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: lagRequestJson('m1', 1.5, 'checkout'),
      });
      assert.equal(response.status, 200);
      assert.equal(collector.engine.hasGroup('checkout'), true);
      // Declared to the exporter: its episode counters start at zero.
      assert.match(await collector.exporter.metricsText(), /^recovery_episodes_total\{[^}]*group="checkout"[^}]*\} 0$/m);
    } finally {
      await collector.stop();
    }
  });

  it('no OTLP server without an otlp: group or dynamic groups', async () => {
    const { collector, endpoints } = await start('demo-only', 'groups: [{ name: payments, demo: {} }]\n');
    try {
      assert.deepEqual(endpoints.receivers, {});
    } finally {
      await collector.stop();
    }
  });
});
