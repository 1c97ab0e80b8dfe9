import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ConfigError } from '../../config/config-error';
import { createMemoryLogger } from '../../logger';
import type { GroupState } from '../../model/group-state';
import { decodeProtobufRequest } from '../../receivers/otlp/decode-protobuf';
import { int64ToNumber, type OtlpMetricsRequest } from '../../receivers/otlp/otlp-types';
import { METRICS } from '../metric-definitions';
import { parseOtlpExporterConfig, type OtlpExporterConfig } from './config';
import { startOtlpExporter } from './otlp-exporter';
import { otlpName, renderOtlpNameTable } from './otlp-names';

const SNAPSHOT: GroupState[] = JSON.parse(readFileSync(join(__dirname, 'testdata', 'snapshot.json'), 'utf8'));
const NOW = SNAPSHOT[0]!.derivedAtMillis;

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A small OTLP/HTTP sink that keeps what it is sent. */
class HttpSink {
  readonly requests: Received[] = [];
  private server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.requests.push({ headers: request.headers, body: Buffer.concat(chunks) });
      const json = request.headers['content-type'] === 'application/json';
      response.writeHead(200, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' });
      response.end(json ? '{}' : undefined);
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** name → { unit, points: "attr=v,attr=v" → value } from a protobuf request decoded with the receiver's schema. */
function gaugesOf(request: OtlpMetricsRequest): Map<string, { unit: string; points: Map<string, number> }> {
  const result = new Map<string, { unit: string; points: Map<string, number> }>();
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        if (!metric.gauge) continue;
        const points = new Map<string, number>();
        for (const point of metric.gauge.dataPoints) {
          const key = point.attributes
            .map((kv) => `${kv.key}=${kv.value?.stringValue}`)
            .sort()
            .join(',');
          points.set(key, Object.prototype.hasOwnProperty.call(point, 'asDouble') ? point.asDouble! : int64ToNumber(point.asInt));
        }
        result.set(metric.name, { unit: metric.unit, points });
      }
    }
  }
  return result;
}

function config(sink: HttpSink, overrides: Partial<OtlpExporterConfig> = {}): OtlpExporterConfig {
  return {
    url: `${sink.url}/v1/metrics`,
    protocol: 'http/protobuf',
    headers: {},
    compression: 'none',
    intervalMillis: 3_600_000, // pushed by hand with forceFlush
    timeoutMillis: 5000,
    ...overrides,
  };
}

describe('startOtlpExporter', () => {
  const sink = new HttpSink();
  before(() => sink.start());
  after(() => sink.stop());

  it('pushes every gauge with its dotted name, unit and the snapshot values (protobuf)', async () => {
    let states: GroupState[] = SNAPSHOT;
    const exporter = startOtlpExporter(config(sink), () => states, createMemoryLogger(), {
      sources: () =>
        new Map([
          ['otlp', true],
          ['redis/cache', false],
        ]),
      storeUp: () => false,
      collectorActive: () => true,
      shard: { index: 1, count: 2 },
      now: () => NOW,
    });
    try {
      await exporter.forceFlush();
      const request = sink.requests.at(-1)!;
      assert.equal(request.headers['content-type'], 'application/x-protobuf');
      const gauges = gaugesOf(decodeProtobufRequest(request.body));

      for (const definition of Object.values(METRICS)) {
        if (definition.type !== 'gauge' || definition.name === 'recovery_group_failover_load_ratio') continue;
        assert.equal(gauges.get(otlpName(definition))?.unit, definition.unit, `${otlpName(definition)} pushed with unit ${definition.unit}`);
      }
      const value = (name: string, attributes: string) => gauges.get(name)?.points.get(attributes);
      assert.equal(value('recovery.group.phase', 'group=orders-db,phase=recovering'), 1);
      assert.equal(value('recovery.group.phase', 'group=orders-db,phase=healthy'), 0);
      assert.equal(value('recovery.store.up', ''), 0);
      assert.equal(gauges.get('recovery.group.phase')!.points.size, 6);
      assert.equal(value('recovery.group.progress_ratio', 'group=orders-db'), 0.5);
      assert.equal(value('recovery.group.eta_seconds', 'group=orders-db'), 120);
      assert.equal(value('recovery.group.eta_timestamp_seconds', 'group=orders-db'), 1_700_000_120);
      assert.equal(value('recovery.group.episode_elapsed_seconds', 'group=orders-db'), 30);
      assert.equal(value('recovery.group.rto_seconds', 'group=orders-db'), 900);
      assert.equal(value('recovery.group.episode_planned', 'group=orders-db'), 0);
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.group.finding')!.points), { 'cause=replica_lagging,group=orders-db': 1 });
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.group.members')!.points), {
        'group=orders-db,status=converged': 1,
        'group=orders-db,status=lagging': 1,
        'group=orders-db,status=diverged': 0,
        'group=orders-db,status=unreachable': 0,
        'group=orders-db,status=unknown': 1,
      });
      assert.equal(value('recovery.member.status', 'group=orders-db,member=pg-2,status=lagging'), 1);
      assert.equal(value('recovery.member.status', 'group=orders-db,member=pg-2,status=converged'), 0);
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.member.lag_seconds')!.points), {
        'group=orders-db,member=pg-1': 0,
        'group=orders-db,member=pg-2': 12.5,
      });
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.member.lag_bytes')!.points), {
        'group=orders-db,member=pg-1': 0,
        'group=orders-db,member=pg-2': 1048576,
      });
      assert.equal(value('recovery.group.divergence_ratio', 'group=orders-db'), 2 / 3);
      assert.equal(value('recovery.group.permission_consistency_ratio', 'group=orders-db'), 0.5);
      assert.equal(value('recovery.member.permission_drift', 'group=orders-db,member=pg-2'), 1);
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.member.permission_difference')!.points), {
        'change=missing,entry=role auditor,group=orders-db,member=pg-2': 1,
        'change=changed,entry=hba rule #2 hostssl all app 10.0.0.0/8,group=orders-db,member=pg-2': 1,
      });
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.member.role_info')!.points), {
        'group=orders-db,member=pg-1,role=leader': 1,
        'group=orders-db,member=pg-2,role=replica': 1,
        'group=orders-db,member=pg-3,role=standby': 1,
      });
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.member.failure_domain')!.points), {
        'dimension=cloud.region,group=orders-db,member=pg-1,value=eu-1': 1,
        'dimension=host.name,group=orders-db,member=pg-1,value=node-1': 1,
        'dimension=cloud.region,group=orders-db,member=pg-2,value=eu-1': 1,
        'dimension=host.name,group=orders-db,member=pg-2,value=node-2': 1,
      });
      assert.equal(value('recovery.group.independence_ratio', 'group=orders-db'), 0.5);
      assert.equal(value('recovery.group.effective_paths', 'group=orders-db'), 1);
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.group.shared_dependency')!.points), { 'dimension=cloud.region,group=orders-db,value=eu-1': 1 });
      assert.equal(value('recovery.group.hidden_instability', 'group=orders-db'), 1);
      assert.equal(value('recovery.group.net_stabilization_rate', 'group=orders-db'), 2);
      assert.equal(gauges.has('recovery.group.failover_load_ratio'), false, 'absent without a failover');
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.member.observation_age_seconds')!.points), {
        'group=orders-db,member=pg-1': 0.5,
        'group=orders-db,member=pg-2': 1.5,
      });
      assert.deepEqual(Object.fromEntries(gauges.get('recovery.source.up')!.points), { 'source=otlp': 1, 'source=redis/cache': 0 });

      // The ETA goes unknown: the next push must not repeat the last known value.
      states = [{ ...SNAPSHOT[0]!, etaSeconds: null, etaDeadlineMillis: null }];
      await exporter.forceFlush();
      const next = gaugesOf(decodeProtobufRequest(sink.requests.at(-1)!.body));
      assert.equal(next.has('recovery.group.eta_seconds'), false, 'eta absent when unknown');
      assert.equal(next.has('recovery.group.eta_timestamp_seconds'), false, 'deadline absent when unknown');
      assert.equal(next.get('recovery.group.progress_ratio')?.points.get('group=orders-db'), 0.5);
    } finally {
      await exporter.shutdown();
    }
  });

  it('pushes JSON with gzip and the configured headers, and records completed episodes', async () => {
    const cfg = parseOtlpExporterConfig(
      {
        endpoint: sink.url,
        protocol: 'http/json',
        compression: 'gzip',
        headers: { authorization: 'Bearer ${REBOUND_TEST_OTLP_EXPORT_TOKEN}' },
        interval: '1h',
      },
      'exporters.otlp',
      { REBOUND_TEST_OTLP_EXPORT_TOKEN: 'export-secret' },
    );
    const logger = createMemoryLogger();
    const exporter = startOtlpExporter(cfg, () => SNAPSHOT, logger, { now: () => NOW });
    try {
      exporter.recordEpisode({ group: 'orders-db', durationSeconds: 300, rtoSeconds: 900 });
      await exporter.forceFlush();
      const request = sink.requests.at(-1)!;
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['content-encoding'], 'gzip');
      assert.equal(request.headers['authorization'], 'Bearer export-secret');
      const body = JSON.parse(gunzipSync(request.body).toString());
      // The OTLP/JSON body as sent, read field by field below: typing every OTLP message here would restate the proto.
      /* eslint-disable @typescript-eslint/no-explicit-any */
      const metrics: { name: string; unit: string; histogram?: any; sum?: any; gauge?: any }[] = body.resourceMetrics.flatMap((rm: any) =>
        rm.scopeMetrics.flatMap((sm: any) => sm.metrics),
      );
      /* eslint-enable @typescript-eslint/no-explicit-any */
      const histogram = metrics.find((m) => m.name === 'recovery.duration_seconds')!;
      assert.equal(histogram.unit, 's');
      assert.equal(Number(histogram.histogram.dataPoints[0].count), 1);
      assert.equal(histogram.histogram.dataPoints[0].sum, 300);
      assert.ok(histogram.histogram.dataPoints[0].explicitBounds.includes(900), 'a 15 min bucket boundary');
      const episodes = metrics.find((m) => m.name === 'recovery.episodes')!;
      assert.equal(episodes.unit, '{episode}');
      assert.equal(episodes.sum.isMonotonic, true);
      assert.equal(Number(episodes.sum.dataPoints[0].asInt), 1);
      const withinRto = metrics.find((m) => m.name === 'recovery.episodes_within_rto')!;
      assert.equal(Number(withinRto.sum.dataPoints[0].asInt), 1, 'the 300 s episode was within its 900 s RTO');
      assert.equal(metrics.find((m) => m.name === 'recovery.group.progress_ratio')!.gauge.dataPoints[0].asDouble, 0.5);
      assert.ok(!logger.lines.join('\n').includes('export-secret'), 'the header value is never logged');
    } finally {
      await exporter.shutdown();
    }
  });

  it('logs a snapshot that cannot be read, and keeps exporting when it can again', async () => {
    let broken = true;
    const logger = createMemoryLogger();
    const exporter = startOtlpExporter(
      config(sink),
      () => {
        if (broken) throw new Error('engine not ready');
        return SNAPSHOT;
      },
      logger,
      { now: () => NOW },
    );
    try {
      await exporter.forceFlush();
      assert.ok(
        logger.lines.some((line) => line.startsWith('error OTLP export could not read the recovery state')),
        logger.lines.join('\n'),
      );
      broken = false;
      await exporter.forceFlush();
      const gauges = gaugesOf(decodeProtobufRequest(sink.requests.at(-1)!.body));
      assert.equal(gauges.get('recovery.group.progress_ratio')?.points.get('group=orders-db'), 0.5);
    } finally {
      await exporter.shutdown();
    }
  });

  it('logs a failing push once, without secrets, and keeps going', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const logger = createMemoryLogger();
    const exporter = startOtlpExporter(
      // A push to a closed port is retried until the timeout: 1 s, not the 5 s the other cases give a live sink.
      { ...config(sink), timeoutMillis: 1000, url: `http://user:pw-secret@127.0.0.1:${port}/v1/metrics`, headers: { authorization: 'Bearer hdr-secret' } },
      () => SNAPSHOT,
      logger,
    );
    try {
      await exporter.forceFlush();
      await exporter.forceFlush();
      const warnings = logger.lines.filter((line) => line.startsWith('warn OTLP export failed'));
      assert.equal(warnings.length, 1, logger.lines.join('\n'));
      assert.match(warnings[0]!, /user:\*\*\*@127\.0\.0\.1/);
      assert.doesNotMatch(logger.lines.join('\n'), /pw-secret|hdr-secret/);
    } finally {
      await exporter.shutdown().catch(() => undefined);
    }
  });
});

describe('parseOtlpExporterConfig', () => {
  it('an endpoint that is no URL is refused without its password, up to the last @', () => {
    assert.throws(
      () => parseOtlpExporterConfig({ endpoint: 'http://gw:p@ss w0rd/#x@otel collector:4318' }, 'exporters.otlp', {}),
      (error: Error) =>
        /exporters\.otlp\.endpoint: expected a URL/.test(error.message) &&
        error.message.includes('http://gw:***@otel collector:4318') &&
        !/ss w0|0rd/.test(error.message),
    );
  });

  it('applies defaults and appends /v1/metrics to a bare endpoint', () => {
    assert.deepEqual(parseOtlpExporterConfig({ endpoint: 'http://otel-collector:4318' }, 'exporters.otlp', {}), {
      url: 'http://otel-collector:4318/v1/metrics',
      protocol: 'http/protobuf',
      headers: {},
      compression: 'none',
      intervalMillis: 15_000,
      timeoutMillis: 10_000,
    });
    assert.equal(parseOtlpExporterConfig({ endpoint: 'https://gw.example/otlp/metrics' }, 'exporters.otlp', {}).url, 'https://gw.example/otlp/metrics');
  });

  const failures: [raw: unknown, keyPath: string, message: RegExp][] = [
    [{}, 'exporters.otlp.endpoint', /is required/],
    [{ endpoint: 'otel-collector:4318' }, 'exporters.otlp.endpoint', /expected a URL|http:\/\/ or https/],
    [{ endpoint: 'http://x:4318', protocol: 'grpc' }, 'exporters.otlp.protocol', /http\/protobuf or http\/json/],
    [{ endpoint: 'http://x:4318', interval: 'often' }, 'exporters.otlp.interval', /duration/],
    [{ endpoint: 'http://x:4318', header: {} }, 'exporters.otlp.header', /did you mean "headers"/],
    [{ endpoint: 'http://x:4318', headers: { authorization: '${MISSING_TOKEN}' } }, 'exporters.otlp.headers.authorization', /MISSING_TOKEN is not set/],
  ];
  for (const [raw, keyPath, message] of failures) {
    it(`rejects ${JSON.stringify(raw)} naming ${keyPath}`, () => {
      assert.throws(
        () => parseOtlpExporterConfig(raw, 'exporters.otlp', {}),
        (error: unknown) => error instanceof ConfigError && error.keyPath === keyPath && message.test(error.message),
      );
    });
  }
});

describe('otlpName', () => {
  it('maps the contract names to their dotted equivalents', () => {
    assert.equal(otlpName(METRICS.groupProgress), 'recovery.group.progress_ratio');
    assert.equal(otlpName(METRICS.memberLagSeconds), 'recovery.member.lag_seconds');
    assert.equal(otlpName(METRICS.sourceUp), 'recovery.source.up');
    assert.equal(otlpName(METRICS.storeUp), 'recovery.store.up');
    assert.equal(otlpName(METRICS.duration), 'recovery.duration_seconds');
    assert.equal(otlpName(METRICS.episodes), 'recovery.episodes');
    // Going back the way an OpenTelemetry Collector's Prometheus exporter does (dots to underscores, _total for monotonic sums).
    for (const definition of Object.values(METRICS)) {
      const back = otlpName(definition).replace(/\./g, '_') + (definition.type === 'counter' ? '_total' : '');
      assert.equal(back, definition.name);
    }
  });

  it('is documented by the table in README.md', () => {
    assert.ok(
      readFileSync(join(__dirname, 'README.md'), 'utf8').includes(renderOtlpNameTable()),
      'README.md table is up to date (paste renderOtlpNameTable())',
    );
  });
});
