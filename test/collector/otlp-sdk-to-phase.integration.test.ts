import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { Child, sparePort, waitFor } from '../support/processes';

const repo = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'rebound-otlp-e2e-'));
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** One member reporting itself with the official OpenTelemetry JS SDK over OTLP/HTTP protobuf. */
function member(otlpPort: number, name: string, role: string, state: { up: number; lagBytes: number; position: number }) {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'payments',
      'service.instance.id': name,
      'recovery.member.role': role,
      'cloud.availability_zone': 'eu-1a',
    }),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `http://127.0.0.1:${otlpPort}/v1/metrics`, compression: 'gzip' as never }),
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  const meter = provider.getMeter('payments-replication');
  meter.createObservableGauge('recovery.member.up').addCallback((r) => r.observe(state.up));
  meter.createObservableGauge('recovery.member.position').addCallback((r) => r.observe(state.position));
  meter.createObservableGauge('recovery.member.lag_bytes', { unit: 'By' }).addCallback((r) => r.observe(state.lagBytes));
  cleanups.push(() => provider.shutdown());
  return { state, flush: () => provider.forceFlush() };
}

/**
 * Official SDK in, recovery state out: members pushed by the OpenTelemetry JS
 * SDK over OTLP/HTTP protobuf drive a collector process through a recovery.
 */
describe('OTLP SDK to recovery phase', () => {
  it('turns pushed replica lag into lagging, recovering and a completed episode', async () => {
    const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
    const config = join(work, 'rebound.yaml');
    writeFileSync(
      config,
      [
        'interval: 200ms',
        `listen: { metrics: 127.0.0.1:${metricsPort}, otlp: 127.0.0.1:${otlpPort} }`,
        `store: ${join(work, 'rebound.db')}`,
        'groups:',
        '  - name: payments',
        '    hold_down: 1s',
        '    progress_window: 5s',
        '    lag_tolerance_bytes: 1000',
        '    otlp: { push_interval: 2s }',
      ].join('\n'),
    );
    const collector = new Child('collector', process.execPath, ['--import', 'tsx', join(repo, 'collector/src/cli.ts'), '--config', config, '--quiet'], repo);
    cleanups.push(() => collector.stop());
    const base = `http://127.0.0.1:${metricsPort}`;
    await waitFor('the collector', 30_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    const group = async () =>
      (
        (await (await fetch(`${base}/api/v1/groups`)).json()) as {
          groups: { name: string; phase: string; progress: number; members: { member: string; status: string; lag_bytes: number | null }[] }[];
        }
      ).groups.find((g) => g.name === 'payments');

    const leader = member(otlpPort, 'pay-1', 'leader', { up: 1, lagBytes: 0, position: 1_000_000 });
    const replica = member(otlpPort, 'pay-2', 'replica', { up: 1, lagBytes: 0, position: 1_000_000 });
    const push = () => Promise.all([leader.flush(), replica.flush()]);
    await push();
    await waitFor('healthy', 10_000, async () => ((await group())?.phase === 'healthy' ? true : undefined), 100);

    replica.state.lagBytes = 500_000;
    await push();
    const lagging = await waitFor(
      'the replica lagging',
      10_000,
      async () => {
        const g = await group();
        return g?.members.find((m) => m.member === 'pay-2')?.status === 'lagging' ? g : undefined;
      },
      100,
    );
    assert.equal(lagging.members.find((m) => m.member === 'pay-2')!.lag_bytes, 500_000);
    assert.notEqual(lagging.phase, 'healthy');

    const phases = new Set<string>();
    for (const lag of [400_000, 300_000, 200_000, 100_000, 0]) {
      replica.state.lagBytes = lag;
      await push();
      await new Promise((r) => setTimeout(r, 400));
      phases.add((await group())!.phase);
    }
    assert.ok(phases.has('recovering'), `recovering seen in ${[...phases]}`);
    const episode = await waitFor(
      'the episode to complete',
      15_000,
      async () => {
        await push();
        const body = (await (await fetch(`${base}/api/v1/episodes?group=payments`)).json()) as {
          episodes: { end: string | null; duration_seconds: number; members_affected: string[] }[];
        };
        return body.episodes[0]?.end ? body.episodes[0] : undefined;
      },
      300,
    );
    assert.deepEqual(episode.members_affected, ['pay-2']);
    assert.ok(episode.duration_seconds > 0);
  });
});
