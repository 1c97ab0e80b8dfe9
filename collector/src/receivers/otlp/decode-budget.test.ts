import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDefaultOtlpServerConfig } from './config';
import { countJsonContainers, DecodeBudget, JsonContainerCounter, RequestTooBigError } from './decode-budget';
import { decodeJsonRequest } from './decode-json';
import { decodeProtobufRequest } from './decode-protobuf';
import { ExportMetricsServiceRequestType } from './otlp-schema';
import { emptyHistogramPointsProtobuf, emptyResourcesJson, lengthPrefixed as wrap } from './otlp-test-helpers';

const limits = createDefaultOtlpServerConfig();
const budget = () => new DecodeBudget(limits);
const tooBig = (reason: string) => (error: unknown) => error instanceof RequestTooBigError && error.reason === reason;

describe('DecodeBudget while decoding', () => {
  it('stops a protobuf of 2 M empty histogram points at otlp.max_points_per_request', () => {
    const body = emptyHistogramPointsProtobuf(2_000_000);
    assert.ok(body.length < 4.2 * 1024 * 1024);
    assert.throws(
      () => decodeProtobufRequest(body, budget()),
      (error: unknown) => tooBig('too_many_points')(error) && /max_points_per_request/.test(String(error)),
    );
  });

  it('stops a protobuf that repeats one message field a million times at otlp.max_items_per_request', () => {
    // Metric { gauge {} gauge {} … }: a non-repeated field sent again is merged, decoded each time.
    const gauges = Buffer.alloc(1_000_000 * 2);
    for (let i = 0; i < gauges.length; i += 2) gauges[i] = 0x2a; // field 5, length-delimited, length 0
    const metric = ExportMetricsServiceRequestType.encode(
      ExportMetricsServiceRequestType.fromObject({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x' }] }] }] }),
    ).finish();
    const body = Buffer.concat([wrap(0x0a, wrap(0x12, wrap(0x12, Buffer.concat([Buffer.from(metric.subarray(6)), gauges]))))]);
    assert.throws(() => decodeProtobufRequest(body, budget()), tooBig('too_many_items'));
  });

  it('stops JSON of 1.39 M empty resources before JSON.parse, at otlp.max_items_per_request', () => {
    assert.throws(
      () => decodeJsonRequest(emptyResourcesJson(1_390_000), budget()),
      (error: unknown) => tooBig('too_many_items')(error) && /max_items_per_request/.test(String(error)),
    );
  });

  it('counts JSON data points of every kind against otlp.max_points_per_request', () => {
    const points = Array.from({ length: 11 }, () => ({}));
    const body = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'h', histogram: { dataPoints: points } }] }] }] });
    assert.throws(() => decodeJsonRequest(body, new DecodeBudget({ ...limits, maxPointsPerRequest: 10 })), tooBig('too_many_points'));
    assert.equal(decodeJsonRequest(body, new DecodeBudget({ ...limits, maxPointsPerRequest: 11 })).resourceMetrics.length, 1);
  });

  it('decodes a request within the limits exactly as without a budget', () => {
    const request = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pay{[' } }] },
          scopeMetrics: [{ metrics: [{ name: 'recovery.member.lag', unit: 's', gauge: { dataPoints: [{ asDouble: 2, timeUnixNano: '5' }] } }] }],
        },
      ],
    };
    const protobuf = ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject(request)).finish();
    assert.deepEqual(JSON.parse(JSON.stringify(decodeProtobufRequest(protobuf, budget()))), JSON.parse(JSON.stringify(decodeProtobufRequest(protobuf))));
    assert.deepEqual(decodeJsonRequest(JSON.stringify(request), budget()), decodeJsonRequest(JSON.stringify(request)));
  });
});

describe('countJsonContainers', () => {
  const count = (text: string): number => {
    for (let max = 16; ; max++) {
      try {
        countJsonContainers(Buffer.from(text), new DecodeBudget({ ...limits, maxItemsPerRequest: max }));
        return max;
      } catch {
        // one more
      }
    }
  };
  it('counts objects and arrays, not brackets inside strings or after escaped quotes', () => {
    assert.equal(count('{"a":[{},{}]}' + '[]'.repeat(12)), 16);
    assert.equal(count('{"a":"{[\\"{[","b":"\\\\"}' + '{}'.repeat(16)), 17);
  });
});

describe('JsonContainerCounter', () => {
  /** Objects and arrays in a parsed JSON value: what JSON.parse would build. */
  const containers = (value: unknown): number =>
    typeof value !== 'object' || value === null ? 0 : 1 + Object.values(value).reduce((sum: number, v) => sum + containers(v), 0);

  it('counts what JSON.parse builds, however the body is cut into chunks (escapes and quotes across the cuts)', () => {
    const awkward = fc.oneof(fc.json(), fc.constantFrom('{"a":"\\\\"}', '{"a":"\\"{["}', '["\\\\\\"[",{}]', '{"k\\\\":[["\\u005b"]]}'));
    fc.assert(
      fc.property(awkward, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const bytes = Buffer.from(text);
        const budget = new DecodeBudget({ ...limits, maxItemsPerRequest: 1e9 });
        const counter = new JsonContainerCounter(budget);
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        for (const cut of [...at, bytes.length]) {
          counter.feed(bytes.subarray(from, cut));
          from = cut;
        }
        assert.equal(budget.itemCount, containers(JSON.parse(text)), text);
      }),
      { numRuns: 3000 },
    );
  });
});
