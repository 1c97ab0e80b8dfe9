import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ExportMetricsServiceRequestType, ExportMetricsServiceResponseType, StatusType } from './otlp-schema';
import { lagRequestJson, startTestReceiver, type StartedReceiver } from './otlp-test-helpers';
import { selfSignedLoopbackCertificate } from '../../testing/test-certificates';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP request (fetch would hide Content-Length and connection details). */
function post(url: string, body: Uint8Array | string, headers: Record<string, string>, options: { method?: string; ca?: Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      { method: options.method ?? 'POST', headers: { 'Content-Length': String(Buffer.byteLength(body)), ...headers }, ca: options.ca, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const PROTO_TYPE = { 'Content-Type': 'application/x-protobuf' };

function protobufOf(json: string): Uint8Array {
  return ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject(JSON.parse(json))).finish();
}

describe('createOtlpHttpReceiver', () => {
  let started: StartedReceiver;
  /** After every refusal the server must still take a good request. */
  const stillServing = async (member: string): Promise<void> => {
    const reply = await post(started.url, lagRequestJson(member), JSON_TYPE);
    assert.equal(reply.status, 200, reply.body.toString());
    assert.ok(
      started.sink.observations.some((o) => o.member === member),
      `observation of ${member} delivered`,
    );
  };

  before(async () => {
    started = await startTestReceiver({ maxRequestBytes: 256 * 1024, maxAttributeValueLength: 1024 });
  });
  after(async () => {
    await started.receiver.stop();
  });

  it('reports the otlp source up once listening', () => {
    assert.deepEqual(started.sink.sourceUps, [{ source: 'otlp', up: true }]);
  });

  it('answers 200 with an empty ExportMetricsServiceResponse, in the request encoding', async () => {
    const json = await post(started.url, lagRequestJson('json-1'), JSON_TYPE);
    assert.equal(json.status, 200);
    assert.equal(json.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(json.body.toString()), {});
    const proto = await post(started.url, protobufOf(lagRequestJson('proto-1')), PROTO_TYPE);
    assert.equal(proto.status, 200);
    assert.equal(proto.headers['content-type'], 'application/x-protobuf');
    assert.equal(proto.body.length, 0);
    assert.deepEqual(
      started.sink.observations.slice(-2).map((o) => [o.member, o.lagSeconds]),
      [
        ['json-1', 1.5],
        ['proto-1', 1.5],
      ],
    );
  });

  it('answers partial success with the count and reason for unknown groups', async () => {
    const body = JSON.stringify({
      resourceMetrics: [...JSON.parse(lagRequestJson('p-1')).resourceMetrics, ...JSON.parse(lagRequestJson('x-1', 1, 'not-configured')).resourceMetrics],
    });
    const json = await post(started.url, body, JSON_TYPE);
    assert.equal(json.status, 200);
    const answer = JSON.parse(json.body.toString());
    assert.equal(answer.partialSuccess.rejectedDataPoints, '1');
    assert.match(answer.partialSuccess.errorMessage, /unknown_group ×1 .*"not-configured"/);
    const proto = await post(started.url, protobufOf(body), PROTO_TYPE);
    const decoded = ExportMetricsServiceResponseType.toObject(ExportMetricsServiceResponseType.decode(proto.body), { longs: Number });
    assert.equal(decoded['partialSuccess'].rejectedDataPoints, 1);
    assert.equal(await started.refused('unknown_group'), 2);
  });

  it('answers 400 with a Status for malformed protobuf, truncated bodies and wrong JSON types', async () => {
    const valid = protobufOf(lagRequestJson('t-1'));
    const cases: [string, Uint8Array | string, Record<string, string>, RegExp][] = [
      ['garbage protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]), PROTO_TYPE, /not a valid protobuf/],
      ['truncated protobuf', valid.subarray(0, valid.length - 7), PROTO_TYPE, /not a valid protobuf/],
      ['truncated JSON', lagRequestJson('t-2').slice(0, 40), JSON_TYPE, /not valid JSON/],
      [
        'wrong JSON types',
        '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"recovery.member.lag","gauge":{"dataPoints":[{"asDouble":"fast"}]}}]}]}]}',
        JSON_TYPE,
        /asDouble: expected a number/,
      ],
      ['not gzip', 'plain text', { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, /not valid gzip/],
    ];
    for (const [name, body, headers, message] of cases) {
      const reply = await post(started.url, body, headers);
      assert.equal(reply.status, 400, name);
      const status = headers['Content-Type'] === 'application/json' ? JSON.parse(reply.body.toString()) : StatusType.toObject(StatusType.decode(reply.body));
      assert.equal(status.code, 3, name);
      assert.match(status.message, message, name);
      await stillServing(`after-${name.replace(/ /g, '-')}`);
    }
    assert.equal(await started.refused('malformed'), cases.length);
  });

  it('refuses a huge attribute value in partial success, not by failing the request', async () => {
    const body = JSON.parse(lagRequestJson('huge-1'));
    body.resourceMetrics[0].resource.attributes.push({ key: 'host.name', value: { stringValue: 'h'.repeat(200_000) } });
    const reply = await post(started.url, JSON.stringify(body), JSON_TYPE);
    assert.equal(reply.status, 200);
    assert.match(JSON.parse(reply.body.toString()).partialSuccess.errorMessage, /attribute_too_long/);
    await stillServing('after-huge-attribute');
  });

  it('answers 413 for a body over the limit, before and after decompression (gzip bomb)', async () => {
    const tooBig = await post(started.url, 'x'.repeat(300 * 1024), JSON_TYPE);
    assert.equal(tooBig.status, 413);
    await stillServing('after-too-big');
    // 64 MiB of zeros compress to ~64 KiB: small on the wire, far over the limit once expanded.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.ok(bomb.length < 256 * 1024);
    const heapBefore = process.memoryUsage().heapUsed;
    const reply = await post(started.url, bomb, { ...PROTO_TYPE, 'Content-Encoding': 'gzip' });
    assert.equal(reply.status, 413);
    assert.match(StatusType.toObject(StatusType.decode(reply.body))['message'], /after decompression/);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 48 * 1024 * 1024, 'the bomb was not expanded in memory');
    await stillServing('after-gzip-bomb');
    assert.equal(await started.refused('body_too_large'), 2);
  });

  it('accepts gzip bodies within the limit', async () => {
    const reply = await post(started.url, gzipSync(protobufOf(lagRequestJson('gz-1', 4))), { ...PROTO_TYPE, 'Content-Encoding': 'gzip' });
    assert.equal(reply.status, 200);
    assert.equal(started.sink.observations.find((o) => o.member === 'gz-1')?.lagSeconds, 4);
  });

  it('answers 415 for other content types and encodings, 404 and 405 elsewhere', async () => {
    assert.equal((await post(started.url, 'a=b', { 'Content-Type': 'text/plain' })).status, 415);
    assert.equal((await post(started.url, 'x', { ...JSON_TYPE, 'Content-Encoding': 'br' })).status, 415);
    assert.equal((await post(started.url.replace('/v1/metrics', '/v1/traces'), '{}', JSON_TYPE)).status, 404);
    const get = await post(started.url, '', {}, { method: 'GET' });
    assert.equal(get.status, 405);
    assert.equal(get.headers['allow'], 'POST');
    await stillServing('after-415');
    assert.equal(await started.refused('unsupported_media_type'), 2);
  });
});

describe('createOtlpHttpReceiver under load and with auth', () => {
  it('answers 503 with Retry-After when too many requests are in flight, then serves again', async () => {
    const started = await startTestReceiver({ maxConcurrentRequests: 1, retryAfterSeconds: 2 });
    try {
      // Hold one request open: headers sent, body not finished.
      const body = lagRequestJson('slow-1');
      const target = new URL(started.url);
      const slow = http.request(target, { method: 'POST', agent: false, headers: { ...JSON_TYPE, 'Content-Length': String(body.length) } });
      const slowStatus: Promise<number> = new Promise((resolve, reject) => {
        slow.on('response', (response) => {
          response.resume();
          resolve(response.statusCode!);
        });
        slow.on('error', reject);
      });
      slow.write(body.slice(0, 10));
      let overloaded: Reply | undefined;
      for (let attempt = 0; attempt < 200 && !overloaded; attempt++) {
        const reply = await post(started.url, lagRequestJson('other'), JSON_TYPE);
        if (reply.status === 503) overloaded = reply;
        else await new Promise((resolve) => setTimeout(resolve, 10)); // the slow request is not in flight yet
      }
      assert.ok(overloaded, 'a second request got 503 while the first was in flight');
      assert.equal(overloaded.headers['retry-after'], '2');
      slow.end(body.slice(10));
      assert.equal(await slowStatus, 200);
      assert.equal((await post(started.url, lagRequestJson('after'), JSON_TYPE)).status, 200);
      assert.ok((await started.refused('overloaded')) >= 1);
    } finally {
      await started.receiver.stop();
    }
  });

  it('answers 401 without the bearer token and 200 with it', async () => {
    const started = await startTestReceiver({ bearerToken: 'tok-123' });
    try {
      const missing = await post(started.url, lagRequestJson('a-1'), JSON_TYPE);
      assert.equal(missing.status, 401);
      assert.match(String(missing.headers['www-authenticate']), /^Bearer/);
      assert.equal((await post(started.url, lagRequestJson('a-1'), { ...JSON_TYPE, Authorization: 'Bearer wrong' })).status, 401);
      assert.equal((await post(started.url, lagRequestJson('a-1'), { ...JSON_TYPE, Authorization: 'Bearer tok-123' })).status, 200);
      assert.equal(await started.refused('unauthorized'), 2);
      assert.deepEqual(
        started.sink.observations.map((o) => o.member),
        ['a-1'],
      );
    } finally {
      await started.receiver.stop();
    }
  });

  it('serves HTTPS with the configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-otlp-tls-'));
    try {
      const certFile = join(dir, 'cert.pem');
      const keyFile = join(dir, 'key.pem');
      selfSignedLoopbackCertificate(certFile, keyFile);
      const started = await startTestReceiver({ tls: { certFile, keyFile } });
      try {
        assert.ok(started.url.startsWith('https://'));
        const { readFileSync } = await import('node:fs');
        const reply = await post(started.url, lagRequestJson('tls-1'), JSON_TYPE, { ca: readFileSync(certFile) });
        assert.equal(reply.status, 200);
        assert.equal(started.sink.observations[0]?.member, 'tls-1');
      } finally {
        await started.receiver.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
