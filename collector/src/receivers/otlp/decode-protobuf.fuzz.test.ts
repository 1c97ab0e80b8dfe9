import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as protobuf from 'protobufjs';
import { createDefaultOtlpServerConfig } from './config';
import { DecodeBudget, RequestTooBigError } from './decode-budget';
import { decodeProtobufRequest } from './decode-protobuf';
import { OtlpIngest } from './ingest';
import { OTLP_METRICS_PROTO } from './otlp-schema';
import { encodeSenderRequest } from './otlp-sender-schema';
import { lengthPrefixed as lengthDelimited } from './otlp-test-helpers';
import { hasOwn, int64ToNumber, OtlpDecodeError, type OtlpAnyValue, type OtlpKeyValue, type OtlpMetricsRequest, type OtlpNumberDataPoint } from './otlp-types';

/**
 * The hand-written decoder against protobufjs with the receiver's schema (what
 * it replaced): random valid requests encoded by protobufjs from a sender's
 * full schema (otlp-sender-schema.ts: fields Rebound skips, fields no OTLP has,
 * packed and unpacked, int64 edges, empty and missing fields, nesting, any
 * UTF-16 and invalid UTF-8) must decode to the same values, map to the same
 * observations, and count the same items and points against the budget.
 * `REBOUND_FUZZ_RUNS` raises the number of requests (300 by default).
 */
const RUNS = Number(process.env['REBOUND_FUZZ_RUNS'] ?? 300);
const NOW = 1_700_000_000_000;

/** protobufjs with the receiver's schema, every message counted as the receiver used to count them. */
const protobufjsRoot = protobuf.parse(OTLP_METRICS_PROTO, { keepCase: false }).root;
protobufjsRoot.resolveAll();
let protobufjsCounts = { items: 0, points: 0 };
const countTypes = (namespace: protobuf.NamespaceBase): void => {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) {
      nested.setup();
      const generated = nested.decode as unknown as (this: protobuf.Type, ...args: unknown[]) => protobuf.Message;
      const isPoint = nested.name === 'NumberDataPoint' || nested.name === 'CountedPoint';
      nested.decode = function counted(this: protobuf.Type, ...args: unknown[]) {
        protobufjsCounts.items++;
        if (isPoint) protobufjsCounts.points++;
        return generated.apply(this, args);
      } as protobuf.Type['decode'];
    }
    if (nested instanceof protobuf.Namespace) countTypes(nested);
  }
};
countTypes(protobufjsRoot);
const ProtobufjsRequest = protobufjsRoot.lookupType('rebound.otlp.ExportMetricsServiceRequest');

function protobufjsDecode(bytes: Uint8Array): { request: OtlpMetricsRequest; items: number; points: number } {
  protobufjsCounts = { items: 0, points: 0 };
  const request = ProtobufjsRequest.decode(bytes) as unknown as OtlpMetricsRequest;
  return { request, ...protobufjsCounts };
}

/** What the mapping can read of a decoded request, as plain data (Longs as numbers, presence as keys). */
function readable(request: OtlpMetricsRequest): unknown {
  const anyValue = (v: OtlpAnyValue | null | undefined): unknown => {
    if (v === null || v === undefined) return null;
    const out: Record<string, unknown> = {};
    if (hasOwn(v, 'stringValue')) out['string'] = v.stringValue;
    if (hasOwn(v, 'boolValue')) out['bool'] = v.boolValue;
    if (hasOwn(v, 'intValue')) out['int'] = int64ToNumber(v.intValue);
    if (hasOwn(v, 'doubleValue')) out['double'] = v.doubleValue;
    if (hasOwn(v, 'arrayValue')) out['array'] = true;
    if (hasOwn(v, 'kvlistValue')) out['kvlist'] = true;
    if (hasOwn(v, 'bytesValue')) out['bytes'] = Buffer.from(v.bytesValue as Uint8Array).toString('hex');
    return out;
  };
  const attributes = (list: readonly OtlpKeyValue[]) => list.map((kv) => ({ key: kv.key, value: anyValue(kv.value) }));
  const point = (p: OtlpNumberDataPoint) => ({
    attributes: attributes(p.attributes),
    time: int64ToNumber(p.timeUnixNano),
    ...(hasOwn(p, 'asDouble') ? { asDouble: p.asDouble } : {}),
    ...(hasOwn(p, 'asInt') ? { asInt: int64ToNumber(p.asInt) } : {}),
  });
  return request.resourceMetrics.map((rm) => ({
    resource: rm.resource ? attributes(rm.resource.attributes) : null,
    scopes: rm.scopeMetrics.map((sm) =>
      sm.metrics.map((m) => ({
        name: m.name,
        unit: m.unit,
        gauge: m.gauge ? m.gauge.dataPoints.map(point) : null,
        sum: m.sum ? { points: m.sum.dataPoints.map(point), temporality: m.sum.aggregationTemporality, monotonic: m.sum.isMonotonic } : null,
        histogram: m.histogram ? m.histogram.dataPoints.length : null,
        exponentialHistogram: m.exponentialHistogram ? m.exponentialHistogram.dataPoints.length : null,
        summary: m.summary ? m.summary.dataPoints.length : null,
      })),
    ),
  }));
}

/** The receiver's settings: the defaults, and tight limits (max_groups, max_members_per_group, max_attributes, value length) that refuse often. */
const SERVERS = [
  { ...createDefaultOtlpServerConfig(), dynamicGroups: true },
  { ...createDefaultOtlpServerConfig(), dynamicGroups: true, maxGroups: 1, maxMembersPerGroup: 1, maxAttributes: 3, maxAttributeValueLength: 6 },
];
const receiverOf = (server = SERVERS[0]!) => new OtlpIngest({ groups: new Set(['payments', 'orders']), server });

/** What a fresh receiver makes of a request: observations and refusals. */
function ingested(request: OtlpMetricsRequest, server = SERVERS[0]): unknown {
  const result = receiverOf(server).ingest(request, NOW);
  return { ...result, refusals: [...result.refusals] };
}

/** What a fresh receiver makes of a protobuf body read straight into observations (map-protobuf.ts), as the receiver reads it. */
function ingestedFromWire(
  bytes: Uint8Array,
  server = SERVERS[0],
  budget = new DecodeBudget({ maxItemsPerRequest: Infinity, maxPointsPerRequest: Infinity }),
): unknown {
  const result = receiverOf(server).ingestProtobuf(bytes, budget, NOW);
  return { ...result, refusals: [...result.refusals] };
}

/** The error `fn` throws (class and message), or undefined. */
function thrown(fn: () => unknown): { name: string; message: string; reason?: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    const { name, message } = error as Error;
    return error instanceof RequestTooBigError ? { name, message, reason: error.reason } : { name, message };
  }
}

// Generators: the values a sender can put in each field, biased towards the ones Rebound reads.
const text = fc.oneof(
  fc.constantFrom('', 'service.name', 'service.instance.id', 'recovery.group', 'recovery.member', 'recovery.member.role', 'leader', 'replica', 'payments', 'a'),
  fc.constantFrom('recovery.dependency.rack', 'host.name', 'cloud.availability_zone', 'recovery.state.fingerprint', 'ä€😀', '\u0000', 'x'.repeat(70)),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 80 }), // lone surrogates too: encoded as protobufjs encodes them
);
const metricName = fc.oneof(
  fc.constantFrom('recovery.member.position', 'recovery.member.lag', 'recovery.member.lag_bytes', 'recovery.member.up'),
  fc.constantFrom('recovery.member.serving', 'recovery.member.load', 'recovery.member.info', 'redis.role', 'postgresql.wal.lag'),
  text,
);
const int64 = fc.oneof(
  fc.constantFrom('0', '1', '-1', '9223372036854775807', '-9223372036854775808', '9007199254740993', '-9007199254740993', '4294967296', '-4294967296'),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
);
const uint64 = fc.oneof(
  fc.constantFrom('0', '1', '18446744073709551615', '9223372036854775808', '1700000000000000000', '1699999999500000000'),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
);
const double = fc.oneof(fc.double(), fc.constantFrom(0, -0, 1, 2.5, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE));
const extra = fc.record(
  {
    varint: uint64,
    fixed32: fc.nat(),
    fixed64: double,
    text,
    packed: fc.array(int64, { maxLength: 3 }),
    expanded: fc.array(fc.nat(), { maxLength: 3 }),
    nested: fc.constant({ varint: '5', text: 'deeper' }),
  },
  { requiredKeys: [] },
);

const { anyValue } = fc.letrec<{ anyValue: Record<string, unknown>; keyValue: Record<string, unknown> }>((tie) => ({
  anyValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ stringValue: text }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ intValue: int64 }),
    fc.record({ doubleValue: double }),
    fc.record({ bytesValue: fc.uint8Array({ maxLength: 8 }) }),
    fc.constant({}),
    fc.record({ stringValue: text, intValue: int64, extra }, { requiredKeys: [] }), // two members of the oneof: both decoded
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('anyValue'), { maxLength: 3 }), extra }, { requiredKeys: [] }) }),
    fc.record({ kvlistValue: fc.record({ values: fc.array(tie('keyValue'), { maxLength: 3 }) }, { requiredKeys: [] }) }),
  ),
  keyValue: fc.record({ key: text, value: tie('anyValue'), extra }, { requiredKeys: [] }),
}));
const keyValue = fc.record({ key: text, value: anyValue, extra }, { requiredKeys: ['key'] });
const attributes = fc.array(keyValue, { maxLength: 5 });
const numberDataPoint = fc.record(
  {
    labels1: extra,
    attributes,
    startTimeUnixNano: uint64,
    timeUnixNano: uint64,
    asDouble: double,
    asInt: int64,
    exemplars: fc.array(fc.record({ filteredAttributes: attributes, timeUnixNano: uint64, asDouble: double, spanId: fc.uint8Array({ maxLength: 8 }) }), {
      maxLength: 2,
    }),
    flags: fc.nat(),
  },
  { requiredKeys: [] },
);
const otherPoint = fc.record(
  {
    attributes,
    timeUnixNano: uint64,
    count: uint64,
    sum: double,
    bucketCounts: fc.array(uint64, { maxLength: 4 }),
    explicitBounds: fc.array(double, { maxLength: 4 }),
    flags: fc.nat(),
  },
  { requiredKeys: [] },
);
const points = fc.array(numberDataPoint, { maxLength: 4 });
const metric = fc.record(
  {
    name: metricName,
    description: text,
    unit: fc.oneof(fc.constantFrom('', 's', 'ms', 'By', 'KiB', '{operation}/s'), text),
    reserved4: extra,
    gauge: fc.record({ dataPoints: points, extra }, { requiredKeys: [] }),
    sum: fc.record({ dataPoints: points, aggregationTemporality: fc.integer({ min: -1, max: 3 }), isMonotonic: fc.boolean() }, { requiredKeys: [] }),
    histogram: fc.record({ dataPoints: fc.array(otherPoint, { maxLength: 3 }), aggregationTemporality: fc.nat(3) }, { requiredKeys: [] }),
    exponentialHistogram: fc.record({ dataPoints: fc.array(otherPoint, { maxLength: 3 }) }, { requiredKeys: [] }),
    summary: fc.record({ dataPoints: fc.array(otherPoint, { maxLength: 3 }) }, { requiredKeys: [] }),
    metadata: attributes,
  },
  { requiredKeys: ['name'] },
);
const request = fc.record(
  {
    resourceMetrics: fc.array(
      fc.record(
        {
          resource: fc.record({ attributes, droppedAttributesCount: fc.nat(), extra }, { requiredKeys: [] }),
          scopeMetrics: fc.array(
            fc.record(
              {
                scope: fc.record({ name: text, version: text, attributes, droppedAttributesCount: fc.nat() }, { requiredKeys: [] }),
                metrics: fc.array(metric, { maxLength: 4 }),
                schemaUrl: text,
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
          schemaUrl: text,
          extra,
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    extra,
  },
  { requiredKeys: [] },
);

const limits = createDefaultOtlpServerConfig();

/** One item or one point fewer than the request holds: `decode` refuses it as too big, with the reason that bit. */
function assertRefusedOneBelow(expected: { items: number; points: number }, decode: (budget: DecodeBudget) => unknown): void {
  const tooBig = (reason: string) => (error: unknown) => error instanceof RequestTooBigError && error.reason === reason;
  assert.throws(() => decode(new DecodeBudget({ ...limits, maxItemsPerRequest: expected.items - 1 })), tooBig('too_many_items'));
  if (expected.points > 0) assert.throws(() => decode(new DecodeBudget({ ...limits, maxPointsPerRequest: expected.points - 1 })), tooBig('too_many_points'));
}

describe('decodeProtobufRequest against protobufjs', () => {
  it('decodes random valid requests to the same values, observations and budget counts', () => {
    fc.assert(
      fc.property(request, (sent) => {
        const bytes = encodeSenderRequest(sent);
        const expected = protobufjsDecode(bytes);
        const actual = decodeProtobufRequest(bytes);
        assert.deepStrictEqual(readable(actual), readable(expected.request));
        assert.deepStrictEqual(ingested(actual), ingested(expected.request));
        // The budget stops at the same item and point protobufjs's counted decoding stopped at.
        decodeProtobufRequest(bytes, new DecodeBudget({ maxItemsPerRequest: expected.items, maxPointsPerRequest: expected.points }));
        assertRefusedOneBelow(expected, (budget) => decodeProtobufRequest(bytes, budget));
      }),
      { numRuns: RUNS },
    );
  });

  it('decodes requests sent in pieces (concatenated encodings merge) and fields sent twice as protobufjs merges them', () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 3 }), (pieces) => {
        const bytes = Buffer.concat(pieces.map(encodeSenderRequest));
        assert.deepStrictEqual(readable(decodeProtobufRequest(bytes)), readable(protobufjsDecode(bytes).request));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
    // Metric { gauge {point} gauge {point} }, KeyValue { value {string} value {int} }, a resource twice: merged.
    const pointBytes = (value: number) => {
      const p = Buffer.alloc(9);
      p[0] = 0x21;
      p.writeDoubleLE(value, 1);
      return p;
    };
    const wrap = (tag: number, ...parts: Uint8Array[]) => lengthDelimited(tag, Buffer.concat(parts));
    const kv = wrap(0x0a, wrap(0x0a, Buffer.from('service.name')), wrap(0x12, wrap(0x0a, Buffer.from('pay'))), wrap(0x12, Buffer.from([0x18, 0x07])));
    const resource = wrap(0x0a, wrap(0x0a, kv));
    const metric = wrap(0x12, wrap(0x0a, Buffer.from('recovery.member.up')), wrap(0x2a, wrap(0x0a, pointBytes(1))), wrap(0x2a, wrap(0x0a, pointBytes(0))));
    const bytes = wrap(0x0a, resource, resource, wrap(0x12, metric));
    const actual = decodeProtobufRequest(bytes);
    assert.deepStrictEqual(readable(actual), readable(protobufjsDecode(bytes).request));
    assert.equal(actual.resourceMetrics[0]!.resource!.attributes.length, 2);
    assert.equal(actual.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.gauge!.dataPoints.length, 2);
  });

  it('refuses a damaged request with a decode error, or decodes it as protobufjs does', () => {
    fc.assert(
      fc.property(request, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(), (sent, flips, cut) => {
        const bytes = Uint8Array.from(encodeSenderRequest(sent));
        if (bytes.length === 0) return;
        for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
        const damaged = bytes.subarray(0, bytes.length - (cut % 4));
        let actual: OtlpMetricsRequest;
        try {
          actual = decodeProtobufRequest(damaged, new DecodeBudget(limits));
        } catch (error) {
          assert.ok(error instanceof OtlpDecodeError || error instanceof RequestTooBigError, String(error));
          return;
        }
        // Either may refuse what the other takes (protobufjs skips a field we read sent with another wire type); what both take, both read alike.
        let expected: OtlpMetricsRequest;
        try {
          expected = protobufjsDecode(damaged).request;
        } catch {
          return;
        }
        assert.deepStrictEqual(readable(actual), readable(expected));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('reads any bytes in a string as protobufjs does (invalid UTF-8 becomes U+FFFD), long and short', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 90 }), fc.uint8Array({ maxLength: 20 }), (key, value) => {
        const kv = lengthDelimited(0x0a, Buffer.concat([lengthDelimited(0x0a, key), lengthDelimited(0x12, lengthDelimited(0x0a, value))]));
        const bytes = lengthDelimited(0x0a, lengthDelimited(0x0a, kv));
        // Twice: the second read comes from the interned strings.
        for (let i = 0; i < 2; i++) assert.deepStrictEqual(readable(decodeProtobufRequest(bytes)), readable(protobufjsDecode(bytes).request));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('accepts attribute values nested as deep as protobufjs does (100 levels), and refuses one level more as it does', () => {
    const outcomes = new Set<string>();
    for (let levels = 40; levels <= 60; levels++) {
      // Built by hand: protobufjs's fromObject refuses to build values this deep.
      let value: Buffer = lengthDelimited(0x0a, Buffer.from('leaf')); // AnyValue { string_value }
      for (let i = 0; i < levels; i++) {
        value =
          i % 5 === 0
            ? lengthDelimited(0x32, lengthDelimited(0x0a, Buffer.concat([lengthDelimited(0x0a, Buffer.from('k')), lengthDelimited(0x12, value)]))) // kvlist_value
            : lengthDelimited(0x2a, lengthDelimited(0x0a, value)); // array_value
      }
      const attribute = lengthDelimited(0x0a, Buffer.concat([lengthDelimited(0x0a, Buffer.from('nested')), lengthDelimited(0x12, value)]));
      const bytes = lengthDelimited(0x0a, lengthDelimited(0x0a, attribute)); // request → resource_metrics → resource → attributes
      let expected: unknown;
      try {
        expected = readable(protobufjsDecode(bytes).request);
      } catch (error) {
        assert.match(String(error), /max depth/);
        assert.throws(
          () => decodeProtobufRequest(bytes),
          (e: unknown) => e instanceof OtlpDecodeError && /nesting deeper than 100/.test(e.message),
        );
        outcomes.add('refused');
        continue;
      }
      assert.deepStrictEqual(readable(decodeProtobufRequest(bytes)), expected, `${levels} levels`);
      outcomes.add('decoded');
    }
    assert.deepEqual([...outcomes].sort(), ['decoded', 'refused']);
  });
});

describe('OtlpIngest.ingestProtobuf (read straight into observations) against decoding to objects and mapping them', () => {
  it('maps random valid requests to the same observations and refusals, with default and tight limits, and counts the same budget', () => {
    fc.assert(
      fc.property(request, (sent) => {
        const bytes = encodeSenderRequest(sent);
        const expected = protobufjsDecode(bytes);
        for (const server of SERVERS) assert.deepStrictEqual(ingestedFromWire(bytes, server), ingested(expected.request, server));
        const exact = new DecodeBudget({ maxItemsPerRequest: expected.items, maxPointsPerRequest: expected.points });
        assert.deepStrictEqual(ingestedFromWire(bytes, SERVERS[0], exact), ingested(expected.request));
        assertRefusedOneBelow(expected, (budget) => ingestedFromWire(bytes, SERVERS[0], budget));
      }),
      { numRuns: RUNS },
    );
  });

  it('maps requests sent in pieces (merged fields, resources after their metrics) as decoding them to objects does', () => {
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 3 }), (pieces) => {
        const bytes = Buffer.concat(pieces.map(encodeSenderRequest));
        for (const server of SERVERS) assert.deepStrictEqual(ingestedFromWire(bytes, server), ingested(decodeProtobufRequest(bytes), server));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('refuses a damaged request with the same error at the same place, admitting nothing, or maps it as decoding to objects does', () => {
    fc.assert(
      fc.property(request, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(), (sent, flips, cut) => {
        const bytes = Uint8Array.from(encodeSenderRequest(sent));
        if (bytes.length === 0) return;
        for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
        const damaged = bytes.subarray(0, bytes.length - (cut % 4));
        for (const server of SERVERS) {
          const expectedError = thrown(() => decodeProtobufRequest(damaged, new DecodeBudget(limits)));
          const receiver = receiverOf(server);
          const actualError = thrown(() => receiver.ingestProtobuf(damaged, new DecodeBudget(limits), NOW));
          assert.deepStrictEqual(actualError, expectedError);
          if (expectedError === undefined) {
            assert.deepStrictEqual(ingestedFromWire(damaged, server, new DecodeBudget(limits)), ingested(decodeProtobufRequest(damaged), server));
            continue;
          }
          // Nothing was admitted: the receiver answers the original request as a fresh one does.
          const original = encodeSenderRequest(sent);
          const after = receiver.ingestProtobuf(original, new DecodeBudget(limits), NOW);
          assert.deepStrictEqual({ ...after, refusals: [...after.refusals] }, ingestedFromWire(original, server));
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
