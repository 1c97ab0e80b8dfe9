/**
 * The real client is the test: the official OpenTelemetry JS metric exporters
 * (OTLP/HTTP JSON and protobuf, gzip on and off) send to our receiver, and the
 * observations must carry exactly what was recorded.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ValueType } from '@opentelemetry/api';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { resources } from '@opentelemetry/sdk-node';
import { startTestReceiver, type StartedReceiver } from './otlp-test-helpers';

type Protocol = 'http/json' | 'http/protobuf';

/** Forwards to the receiver and remembers each request's headers, to check what the exporter really sent. */
async function startRecordingProxy(target: string): Promise<{ url: string; seen: http.IncomingHttpHeaders[]; stop(): Promise<void> }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((request, response) => {
    seen.push(request.headers);
    const upstream = http.request(target, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`,
    seen,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Case {
  protocol: Protocol;
  compression: 'gzip' | 'none';
  temporality: AggregationTemporalityPreference;
}

const CASES: Case[] = [
  { protocol: 'http/json', compression: 'none', temporality: AggregationTemporalityPreference.CUMULATIVE },
  { protocol: 'http/json', compression: 'gzip', temporality: AggregationTemporalityPreference.DELTA },
  { protocol: 'http/protobuf', compression: 'none', temporality: AggregationTemporalityPreference.DELTA },
  { protocol: 'http/protobuf', compression: 'gzip', temporality: AggregationTemporalityPreference.CUMULATIVE },
];

function exporterFor(c: Case, url: string, headers: Record<string, string>): PushMetricExporter {
  const options = { url, headers, compression: c.compression as never, temporalityPreference: c.temporality, timeoutMillis: 5000 };
  return c.protocol === 'http/json' ? new JsonExporter(options) : new ProtoExporter(options);
}

/** What one application process reports about itself (the leader) and, by point attributes, a replica it watches. */
function instrument(provider: MeterProvider, member: string): { addPosition(n: number): void } {
  const meter = provider.getMeter('rebound-integration-test');
  const position = meter.createCounter('recovery.member.position', { valueType: ValueType.INT });
  const lag = meter.createObservableGauge('recovery.member.lag', { unit: 's' });
  const lagBytes = meter.createObservableGauge('recovery.member.lag_bytes', { unit: 'By', valueType: ValueType.INT });
  const up = meter.createObservableGauge('recovery.member.up', { valueType: ValueType.INT });
  const serving = meter.createObservableGauge('recovery.member.serving', { valueType: ValueType.INT });
  const load = meter.createObservableGauge('recovery.member.load', { unit: '{operation}/s' });
  const info = meter.createObservableGauge('recovery.member.info', { valueType: ValueType.INT });
  const replica = { 'recovery.member': `${member}-replica`, 'recovery.member.role': 'replica', 'recovery.dependency.rack': 'r2' };
  lag.addCallback((result) => {
    result.observe(0, {});
    result.observe(3.25, replica);
  });
  lagBytes.addCallback((result) => result.observe(65536, replica));
  up.addCallback((result) => {
    result.observe(1, {});
    result.observe(0, replica);
  });
  serving.addCallback((result) => result.observe(1, {}));
  load.addCallback((result) => result.observe(812.5, {}));
  info.addCallback((result) => result.observe(1, { 'recovery.state.fingerprint': 'v42', 'recovery.permission.fingerprint': 'acl-7' }));
  return { addPosition: (n) => position.add(n) };
}

describe('OTLP receiver with the official OpenTelemetry JS exporters', () => {
  let started: StartedReceiver;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  before(async () => {
    started = await startTestReceiver({ bearerToken: 'integration-token' });
    proxy = await startRecordingProxy(started.url);
  });
  after(async () => {
    await proxy.stop();
    await started.receiver.stop();
  });

  for (const c of CASES) {
    const label = `${c.protocol}, compression ${c.compression}, ${c.temporality === AggregationTemporalityPreference.DELTA ? 'delta' : 'cumulative'} sums`;
    it(`receives what ${label} sends`, async () => {
      const member = `app-${c.protocol.replace('http/', '')}-${c.compression}`;
      const provider = new MeterProvider({
        resource: resources.resourceFromAttributes({
          'service.name': 'payments',
          'service.instance.id': member,
          'recovery.member.role': 'leader',
          'cloud.availability_zone': 'eu-1a',
          'host.name': 'node-1',
          'service.version': '2.4.1',
        }),
        readers: [
          new PeriodicExportingMetricReader({
            exporter: exporterFor(c, proxy.url, { Authorization: 'Bearer integration-token' }),
            exportIntervalMillis: 3_600_000, // flushed by hand
          }),
        ],
      });
      try {
        const app = instrument(provider, member);
        const before = Date.now();
        app.addPosition(1000);
        await provider.forceFlush();
        app.addPosition(500);
        await provider.forceFlush();
        const after = Date.now();

        const sent = proxy.seen.slice(-2);
        assert.deepEqual(
          sent.map((h) => h['content-type']),
          Array(2).fill(c.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf'),
        );
        assert.deepEqual(
          sent.map((h) => h['content-encoding']),
          Array(2).fill(c.compression === 'gzip' ? 'gzip' : undefined),
        );

        const leader = started.sink.observations.filter((o) => o.member === member);
        const replica = started.sink.observations.filter((o) => o.member === `${member}-replica`);
        assert.equal(leader.length, 2, 'one observation per export for the leader');
        assert.equal(replica.length, 2, 'one observation per export for the replica');
        assert.deepEqual(
          leader.map((o) => o.position),
          [1000, 1500],
          'position follows the counter, delta or cumulative',
        );
        const last = leader[1]!;
        assert.ok(last.observedAtMillis >= before && last.observedAtMillis <= after, 'time from the data point');
        assert.deepEqual(
          { ...last, observedAtMillis: 0 },
          {
            group: 'payments',
            member,
            source: 'otlp',
            observedAtMillis: 0,
            reachable: true,
            role: 'leader',
            serving: true,
            position: 1500,
            lagSeconds: 0,
            load: 812.5,
            stateFingerprint: 'v42',
            permissionFingerprint: 'acl-7',
            dependencies: { 'cloud.availability_zone': 'eu-1a', 'host.name': 'node-1', 'service.version': '2.4.1' },
          },
        );
        assert.deepEqual(
          { ...replica[1]!, observedAtMillis: 0 },
          {
            group: 'payments',
            member: `${member}-replica`,
            source: 'otlp',
            observedAtMillis: 0,
            reachable: false,
            role: 'replica',
            lagSeconds: 3.25,
            lagBytes: 65536,
            dependencies: { 'cloud.availability_zone': 'eu-1a', 'host.name': 'node-1', 'service.version': '2.4.1', rack: 'r2' },
          },
        );
      } finally {
        await provider.shutdown();
      }
    });
  }

  it('refuses an exporter without the bearer token (401), delivering nothing', async () => {
    const refusedBefore = await started.refused('unauthorized');
    const provider = new MeterProvider({
      resource: resources.resourceFromAttributes({ 'service.name': 'payments', 'service.instance.id': 'no-token' }),
      readers: [new PeriodicExportingMetricReader({ exporter: new ProtoExporter({ url: started.url }), exportIntervalMillis: 3_600_000 })],
    });
    try {
      provider
        .getMeter('t')
        .createObservableGauge('recovery.member.up')
        .addCallback((r) => r.observe(1));
      await provider.forceFlush(); // the reader reports the failed export to the global error handler, it does not throw
      assert.equal(await started.refused('unauthorized'), refusedBefore + 1);
      assert.ok(!started.sink.observations.some((o) => o.member === 'no-token'));
    } finally {
      await provider.shutdown().catch(() => undefined);
    }
  });
});
