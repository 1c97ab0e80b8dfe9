import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ExportMetricsServiceRequestType } from './otlp-schema';
import { lagRequestJson, startTestReceiver, type StartedReceiver } from './otlp-test-helpers';

/**
 * Fuzzing the real HTTP receiver (issue 9): random and mutated protobuf and
 * JSON bodies, every answer one of the documented statuses, never a 500, and
 * the receiver still serving afterwards. REBOUND_FUZZ_RUNS scales the number
 * of cases per property (default 600; the counts run for the issue are in the README).
 */
const RUNS = Number(process.env['REBOUND_FUZZ_RUNS'] ?? 600);
const DOCUMENTED = new Set([200, 400, 413, 415, 503]);

/** Values that broke or could break the mapping: out-of-range numbers, NaN-ish strings, wrong types. */
const nasty = fc.oneof(
  { arbitrary: fc.constantFrom(1e22, 1e300, -1, -1e300, 8.64e21, 2 ** 64, 2 ** 63, Number.MAX_SAFE_INTEGER, 0, -0, 1.5), weight: 4 },
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e22', '-5', '99999999999999999999', '18446744073709551615', '', ' 1', '0x10'),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1, maxKeys: 2 }),
);
const attribute = fc.record({
  key: fc.constantFrom(
    'service.name',
    'service.instance.id',
    'recovery.group',
    'recovery.member',
    'recovery.member.role',
    'recovery.dependency.rack',
    'host.name',
    'recovery.state.fingerprint',
    'x',
  ),
  value: fc.oneof(
    { arbitrary: fc.record({ stringValue: fc.constantFrom('payments', 'leader', 'replica', 'a', 'b', '') }), weight: 6 },
    fc.record({ stringValue: fc.oneof(fc.string({ maxLength: 8 }), nasty) }),
    fc.record({ intValue: nasty }),
    fc.record({ doubleValue: nasty }),
    fc.record({ boolValue: nasty }),
    fc.record({ arrayValue: fc.constant({ values: [{ stringValue: 'x' }] }) }),
    nasty,
  ),
});
const NOW_NANOS = String(BigInt(Date.now()) * 1_000_000n);
/** Mostly plausible, so the mapping gets far enough to meet the nasty value in the next field. */
const plausible = <T>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 3 }, { arbitrary: nasty, weight: 1 });
/** Times beyond what Date can show (≥ ~8.64e21 ns) or fixed64 can hold, and before 1970. */
const outOfRangeTime = fc.constantFrom(1e22, 1e300, 8.64e21, 2 ** 64, -1, '-5', '99999999999999999999', '18446744073709551615', 'NaN');
const point = fc.record(
  {
    timeUnixNano: fc.oneof(
      { arbitrary: fc.constantFrom(NOW_NANOS, '0', 0), weight: 2 },
      { arbitrary: outOfRangeTime, weight: 1 },
      { arbitrary: nasty, weight: 1 },
    ),
    asDouble: plausible(fc.double({ noNaN: true, min: -1e6, max: 1e6 })),
    asInt: nasty,
    attributes: fc.array(attribute, { maxLength: 3 }),
  },
  { requiredKeys: ['timeUnixNano'] },
);
const identity = fc.tuple(fc.constantFrom('payments', 'g1', 'g2'), fc.constantFrom('a', 'b', 'c')).map(([group, member]) => [
  { key: 'service.name', value: { stringValue: group } },
  { key: 'service.instance.id', value: { stringValue: member } },
]);
const resourceAttributes = fc.oneof(
  { arbitrary: fc.tuple(identity, fc.array(attribute, { maxLength: 3 })).map(([id, extra]) => [...id, ...extra]), weight: 3 },
  { arbitrary: fc.array(attribute, { maxLength: 4 }), weight: 1 },
);
const metric = fc.record(
  {
    name: fc.constantFrom(
      'recovery.member.lag',
      'recovery.member.lag_bytes',
      'recovery.member.position',
      'recovery.member.up',
      'recovery.member.info',
      'other',
    ),
    unit: fc.constantFrom('s', 'ms', 'By', 'MiB', '', '', 'furlongs'),
    gauge: fc.record({ dataPoints: fc.array(point, { minLength: 1, maxLength: 3 }) }),
    sum: fc.record(
      {
        aggregationTemporality: plausible(fc.constantFrom(0, 1, 2, 'AGGREGATION_TEMPORALITY_DELTA')),
        isMonotonic: plausible(fc.boolean()),
        dataPoints: fc.array(point, { maxLength: 3 }),
      },
      { requiredKeys: ['dataPoints'] },
    ),
    histogram: fc.record({ dataPoints: fc.integer({ min: 0, max: 400 }).map((n) => Array.from({ length: n }, () => ({}))) }),
  },
  { requiredKeys: ['name'] },
);
const otlpJson = fc.record({
  resourceMetrics: fc.array(
    fc.record({
      resource: fc.record({ attributes: resourceAttributes }),
      scopeMetrics: fc.array(fc.record({ metrics: fc.array(metric, { maxLength: 3 }) }), { maxLength: 2 }),
    }),
    { maxLength: 4 },
  ),
});

/** A body cut, with bytes overwritten, or a slice repeated (what a broken proxy or an attacker sends). */
const mutation = fc.record({
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  repeat: fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 2, max: 2000 }))),
});
function mutate(bytes: Uint8Array, m: { cut: number | null; flips: [number, number][]; repeat: [number, number] | null }): Buffer {
  let out = Buffer.from(bytes);
  for (const [at, byte] of m.flips) if (out.length > 0) out[Math.floor(at * out.length)] = byte;
  if (m.repeat && out.length > 0) {
    const start = Math.floor(m.repeat[0] * out.length);
    out = Buffer.concat([out.subarray(0, start), ...Array<Buffer>(m.repeat[1]).fill(out.subarray(start, start + 8)), out.subarray(start)]);
  }
  if (m.cut !== null) out = out.subarray(0, Math.floor(m.cut * out.length));
  return out;
}

/** OTLP JSON in our protobuf schema; values that fromObject cannot take become defaults (still a wire-valid start to mutate). */
function asProtobuf(json: unknown): Uint8Array {
  try {
    return ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject(json as Record<string, unknown>)).finish();
  } catch {
    return ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject({})).finish();
  }
}

/** One member with every recovery.member.* gauge: each field is then replaced in turn. */
function validRequest() {
  const metric = (name: string, unit: string) => ({
    name,
    unit,
    gauge: { dataPoints: [{ timeUnixNano: NOW_NANOS, asDouble: 1, attributes: [] as unknown[] }] },
  });
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'payments' } },
            { key: 'service.instance.id', value: { stringValue: 'a' } },
          ] as unknown[],
        },
        scopeMetrics: [
          {
            metrics: [
              metric('recovery.member.lag', 's'),
              metric('recovery.member.lag_bytes', 'MiB'),
              metric('recovery.member.position', ''),
              metric('recovery.member.up', ''),
              metric('recovery.member.serving', ''),
              metric('recovery.member.load', ''),
              metric('recovery.member.info', ''),
            ],
          },
        ],
      },
    ],
  };
}

describe('OTLP/HTTP receiver under fuzzing (fast-check, real HTTP)', () => {
  let started: StartedReceiver;
  const statuses = new Map<number, number>();
  let cases = 0;
  const send = async (body: Uint8Array, contentType: string, gzip: boolean): Promise<void> => {
    const response = await fetch(started.url, {
      method: 'POST',
      body: gzip ? gzipSync(body) : body,
      headers: { 'Content-Type': contentType, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) },
    });
    const text = await response.text();
    cases++;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    assert.ok(DOCUMENTED.has(response.status), `status ${response.status} (${text.slice(0, 200)}) for ${Buffer.from(body).toString('base64').slice(0, 300)}`);
  };

  before(async () => {
    // Small per-request limits, so the 413 paths are reached by small bodies too; dynamic groups, so identities get far.
    started = await startTestReceiver(
      { dynamicGroups: true, maxGroups: 5, maxMembersPerGroup: 8, maxPointsPerRequest: 200, maxItemsPerRequest: 3000, maxRequestBytes: 256 * 1024 },
      ['payments', 'untouched'],
    );
  });
  after(async () => {
    await started.receiver.stop();
    console.log(`OTLP HTTP fuzz: ${cases} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  });

  it('OTLP-shaped JSON with nasty leaves, mutated', async () => {
    await fc.assert(
      fc.asyncProperty(otlpJson, mutation, fc.boolean(), async (request, m, gzip) => {
        const text = JSON.stringify(request);
        await send(Buffer.from(text), 'application/json', gzip);
        await send(mutate(Buffer.from(text), m), 'application/json', false);
      }),
      { numRuns: RUNS },
    );
  });

  it('protobuf encoded from the same shapes, mutated', async () => {
    await fc.assert(
      fc.asyncProperty(otlpJson, mutation, fc.boolean(), async (request, m, gzip) => {
        const bytes = asProtobuf(request);
        await send(bytes, 'application/x-protobuf', gzip);
        await send(mutate(bytes, m), 'application/x-protobuf', false);
      }),
      { numRuns: RUNS },
    );
  });

  it('a valid request with one value replaced by a nasty one, JSON and protobuf', async () => {
    const fields = ['timeUnixNano', 'asDouble', 'asInt', 'unit', 'intValue', 'doubleValue', 'stringValue'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.oneof(outOfRangeTime, nasty), fc.nat(6), async (fieldName, value, metricIndex) => {
        const request = validRequest();
        const metrics = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
        const target = metrics[metricIndex % metrics.length]!;
        const dataPoint = target.gauge.dataPoints[0]! as Record<string, unknown>;
        if (fieldName === 'unit') (target as Record<string, unknown>)['unit'] = value;
        else if (fieldName === 'timeUnixNano' || fieldName === 'asDouble') dataPoint[fieldName] = value;
        else if (fieldName === 'asInt') {
          delete dataPoint['asDouble'];
          dataPoint['asInt'] = value;
        } else request.resourceMetrics[0]!.resource.attributes.push({ key: 'recovery.dependency.rack', value: { [fieldName]: value } });
        await send(Buffer.from(JSON.stringify(request)), 'application/json', false);
        await send(asProtobuf(request), 'application/x-protobuf', false);
      }),
      { numRuns: RUNS },
    );
  });

  it('random bytes and arbitrary JSON in either content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.json().map((t) => Buffer.from(t)),
        ),
        fc.constantFrom('application/json', 'application/x-protobuf'),
        async (body, contentType) => {
          await send(body, contentType, false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('still serves a good request afterwards', async () => {
    // To a group the fuzzing never named: payments may be full (max_members_per_group) of fuzzed members by now.
    const reply = await fetch(started.url, {
      method: 'POST',
      body: lagRequestJson('after-fuzz', 1, 'untouched'),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(await reply.json(), {});
    assert.ok(started.sink.observations.some((o) => o.member === 'after-fuzz'));
  });
});
