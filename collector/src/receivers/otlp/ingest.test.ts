import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Observation } from '../../model/types';
import { createDefaultOtlpServerConfig, type OtlpServerConfig } from './config';
import { decodeJsonRequest } from './decode-json';
import { decodeProtobufRequest } from './decode-protobuf';
import { OtlpIngest, describeRefusals } from './ingest';
import { ExportMetricsServiceRequestType } from './otlp-schema';
import { RecoveryEngine } from '../../engine/engine';
import { testGroup } from '../../engine/testing/scenario';

const NOW = 1_700_000_100_000;
const fixture = (name: string): string => readFileSync(join(__dirname, 'testdata', name), 'utf8');

function ingestWith(server: Partial<OtlpServerConfig> = {}, groups = ['payments']): OtlpIngest {
  return new OtlpIngest({ groups: new Set(groups), server: { ...createDefaultOtlpServerConfig(), ...server } });
}

/** Encode an OTLP/JSON object as protobuf with our schema (the same bytes an exporter would send). */
function toProtobuf(json: string): Uint8Array {
  return ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject(JSON.parse(json))).finish();
}

function byMember(observations: Observation[]): Observation[] {
  return [...observations].sort((a, b) => a.member.localeCompare(b.member));
}

/** A request with one gauge point per (metric, member), for the limit tests. */
function gaugeRequest(
  points: { metric: string; group: string; member: string; value?: number; timeNanos?: string; attributes?: Record<string, string> }[],
): string {
  return JSON.stringify({
    resourceMetrics: points.map((p) => ({
      resource: {
        attributes: [
          { key: 'recovery.group', value: { stringValue: p.group } },
          { key: 'recovery.member', value: { stringValue: p.member } },
        ],
      },
      scopeMetrics: [
        {
          metrics: [
            {
              name: p.metric,
              gauge: {
                dataPoints: [
                  {
                    timeUnixNano: p.timeNanos ?? String(BigInt(NOW) * 1_000_000n),
                    asDouble: p.value ?? 1,
                    attributes: Object.entries(p.attributes ?? {}).map(([key, value]) => ({ key, value: { stringValue: value } })),
                  },
                ],
              },
            },
          ],
        },
      ],
    })),
  });
}

describe('OtlpIngest', () => {
  describe('ingest', () => {
    it('maps the basic fixture to one observation per member (JSON)', () => {
      const result = ingestWith().ingest(decodeJsonRequest(fixture('request-basic.json')), NOW);
      assert.deepEqual(byMember(result.observations), JSON.parse(fixture('request-basic.expected.json')));
      assert.equal(result.rejectedDataPoints, 0);
      assert.deepEqual(result.pointsPerObservation, [5, 3, 2]);
    });

    it('maps the same request sent as protobuf to the same observations', () => {
      const result = ingestWith().ingest(decodeProtobufRequest(toProtobuf(fixture('request-basic.json'))), NOW);
      assert.deepEqual(byMember(result.observations), JSON.parse(fixture('request-basic.expected.json')));
    });

    it('counts points of unconfigured groups as rejected, naming the fix', () => {
      const request = gaugeRequest([
        { metric: 'recovery.member.lag', group: 'payments', member: 'a' },
        { metric: 'recovery.member.lag', group: 'unknown-1', member: 'b' },
        { metric: 'recovery.member.up', group: 'unknown-2', member: 'c' },
      ]);
      const result = ingestWith().ingest(decodeJsonRequest(request), NOW);
      assert.equal(result.observations.length, 1);
      assert.equal(result.rejectedDataPoints, 2);
      assert.equal(result.refusals.get('unknown_group')?.points, 2);
      assert.match(describeRefusals(result.refusals), /unknown_group ×2 .*otlp\.dynamic_groups: true/);
    });

    it('accepts dynamic groups up to max_groups and members up to max_members_per_group', () => {
      const ingest = ingestWith({ dynamicGroups: true, maxGroups: 2, maxMembersPerGroup: 2 });
      const result = ingest.ingest(
        decodeJsonRequest(
          gaugeRequest([
            { metric: 'recovery.member.lag', group: 'g1', member: 'a' },
            { metric: 'recovery.member.lag', group: 'g1', member: 'b' },
            { metric: 'recovery.member.lag', group: 'g1', member: 'c' },
            { metric: 'recovery.member.lag', group: 'g2', member: 'a' },
            { metric: 'recovery.member.lag', group: 'g3', member: 'a' },
            { metric: 'recovery.member.lag', group: 'payments', member: 'a' },
          ]),
        ),
        NOW,
      );
      assert.deepEqual(result.observations.map((o) => `${o.group}/${o.member}`).sort(), ['g1/a', 'g1/b', 'g2/a', 'payments/a']);
      assert.equal(result.refusals.get('too_many_members')?.points, 1);
      assert.equal(result.refusals.get('too_many_groups')?.points, 1);
      // Members already admitted stay admitted in later requests.
      const again = ingest.ingest(decodeJsonRequest(gaugeRequest([{ metric: 'recovery.member.lag', group: 'g1', member: 'b' }])), NOW);
      assert.equal(again.rejectedDataPoints, 0);
    });

    it('refuses too many attributes and attribute values that are too long', () => {
      const many: Record<string, string> = {};
      for (let i = 0; i < 10; i++) many[`k${i}`] = 'v';
      const result = ingestWith({ maxAttributes: 5, maxAttributeValueLength: 64 }).ingest(
        decodeJsonRequest(
          gaugeRequest([
            { metric: 'recovery.member.lag', group: 'payments', member: 'a', attributes: many },
            { metric: 'recovery.member.lag', group: 'payments', member: 'b', attributes: { 'recovery.dependency.rack': 'x'.repeat(100_000) } },
            { metric: 'recovery.member.lag', group: 'payments', member: 'c', attributes: { 'unrelated.attribute': 'x'.repeat(100_000) } },
          ]),
        ),
        NOW,
      );
      assert.equal(result.refusals.get('too_many_attributes')?.points, 1);
      assert.equal(result.refusals.get('attribute_too_long')?.points, 1);
      // Attributes Rebound does not read are not checked for length (the body limit bounds them).
      assert.deepEqual(
        result.observations.map((o) => o.member),
        ['c'],
      );
    });

    it('refuses points from the far future and clamps small clock skew to now', () => {
      const ahead = (millis: number): string => String(BigInt(NOW + millis) * 1_000_000n);
      const result = ingestWith({ maxClockSkewMillis: 60_000 }).ingest(
        decodeJsonRequest(
          gaugeRequest([
            { metric: 'recovery.member.lag', group: 'payments', member: 'a', timeNanos: ahead(10_000) },
            { metric: 'recovery.member.lag', group: 'payments', member: 'b', timeNanos: ahead(3_600_000) },
            { metric: 'recovery.member.lag', group: 'payments', member: 'c', timeNanos: '0' },
          ]),
        ),
        NOW,
      );
      assert.equal(result.refusals.get('future_timestamp')?.points, 1);
      assert.deepEqual(
        byMember(result.observations).map((o) => [o.member, o.observedAtMillis]),
        [
          ['a', NOW],
          ['c', NOW],
        ],
      );
    });

    it('refuses missing identity, unknown roles, NaN values and histograms of recovery metrics', () => {
      const request = {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }] },
            scopeMetrics: [
              {
                metrics: [
                  { name: 'recovery.member.lag', gauge: { dataPoints: [{ asDouble: 1 }] } },
                  {
                    name: 'recovery.member.lag',
                    gauge: {
                      dataPoints: [
                        {
                          asDouble: 1,
                          attributes: [
                            { key: 'recovery.member', value: { stringValue: 'a' } },
                            { key: 'recovery.member.role', value: { stringValue: 'primary' } },
                          ],
                        },
                      ],
                    },
                  },
                  {
                    name: 'recovery.member.lag',
                    gauge: { dataPoints: [{ asDouble: 'NaN', attributes: [{ key: 'recovery.member', value: { stringValue: 'a' } }] }] },
                  },
                  { name: 'recovery.member.lag', histogram: { dataPoints: [{}, {}] } },
                  { name: 'recovery.member.lag', unit: 'h', gauge: { dataPoints: [{ asDouble: 1 }] } },
                  { name: 'recovery.member.lag', sum: { aggregationTemporality: 1, dataPoints: [{ asDouble: 1 }] } },
                ],
              },
            ],
          },
        ],
      };
      const result = ingestWith().ingest(decodeJsonRequest(JSON.stringify(request)), NOW);
      assert.equal(result.observations.length, 0);
      assert.deepEqual(Object.fromEntries([...result.refusals].map(([reason, { points }]) => [reason, points])), {
        missing_identity: 1,
        invalid_attribute: 1,
        invalid_value: 3,
        unsupported_metric_type: 2,
      });
      assert.equal(result.rejectedDataPoints, 7);
    });

    it('accumulates delta sums of position per member across requests', () => {
      const ingest = ingestWith();
      const request = (delta: number): string =>
        JSON.stringify({
          resourceMetrics: [
            {
              resource: {
                attributes: [
                  { key: 'recovery.group', value: { stringValue: 'payments' } },
                  { key: 'recovery.member', value: { stringValue: 'a' } },
                ],
              },
              scopeMetrics: [
                {
                  metrics: [
                    {
                      name: 'recovery.member.position',
                      sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asInt: String(delta) }, { asInt: '1' }] },
                    },
                  ],
                },
              ],
            },
          ],
        });
      assert.equal(ingest.ingest(decodeJsonRequest(request(100)), NOW).observations[0]!.position, 101);
      assert.equal(ingest.ingest(decodeJsonRequest(request(50)), NOW).observations[0]!.position, 152);
    });

    it("starts a retired member's delta position total again from zero when it comes back (member_expiry)", () => {
      const ingest = ingestWith({ memberExpiryMillis: 60_000 });
      const request = JSON.stringify({
        resourceMetrics: [
          {
            resource: {
              attributes: [
                { key: 'recovery.group', value: { stringValue: 'payments' } },
                { key: 'recovery.member', value: { stringValue: 'a' } },
              ],
            },
            scopeMetrics: [
              { metrics: [{ name: 'recovery.member.position', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asInt: '100' }] } }] },
            ],
          },
        ],
      });
      assert.equal(ingest.ingest(decodeJsonRequest(request), NOW).observations[0]!.position, 100);
      assert.deepEqual(ingest.retireSilentMembers(NOW + 59_999), []);
      assert.deepEqual(ingest.retireSilentMembers(NOW + 60_000), [{ group: 'payments', member: 'a', silentMillis: 60_000 }]);
      const back = ingest.ingest(decodeJsonRequest(request), NOW + 61_000);
      assert.equal(back.observations[0]!.position, 100);
      assert.deepEqual(back.retired, []);
    });

    it('keeps the latest value when one member sends several points of one metric', () => {
      const t = (millis: number): string => String(BigInt(millis) * 1_000_000n);
      const request = gaugeRequest([
        { metric: 'recovery.member.lag', group: 'payments', member: 'a', value: 3, timeNanos: t(NOW - 1000) },
        { metric: 'recovery.member.lag', group: 'payments', member: 'a', value: 9, timeNanos: t(NOW - 5000) },
      ]);
      const [observation] = ingestWith().ingest(decodeJsonRequest(request), NOW).observations;
      assert.equal(observation!.lagSeconds, 3);
      assert.equal(observation!.observedAtMillis, NOW - 1000);
    });

    it('converts lag given in milliseconds and ignores metrics that are not recovery.member.*', () => {
      const request = JSON.stringify({
        resourceMetrics: [
          {
            resource: {
              attributes: [
                { key: 'recovery.group', value: { stringValue: 'payments' } },
                { key: 'recovery.member', value: { stringValue: 'a' } },
              ],
            },
            scopeMetrics: [
              {
                metrics: [
                  { name: 'recovery.member.lag', unit: 'ms', gauge: { dataPoints: [{ asInt: 1500 }] } },
                  { name: 'process.cpu.time', sum: { aggregationTemporality: 1, dataPoints: [{ asDouble: 1 }] } },
                ],
              },
            ],
          },
        ],
      });
      const result = ingestWith().ingest(decodeJsonRequest(request), NOW);
      assert.equal(result.observations[0]!.lagSeconds, 1.5);
      assert.equal(result.rejectedDataPoints, 0);
    });
  });
});

describe('OtlpIngest with out-of-range values', () => {
  const point = (timeUnixNano: number | string, asDouble = 1, metric = 'recovery.member.lag', unit = 's') => ({
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'payments' } },
            { key: 'service.instance.id', value: { stringValue: 'a' } },
          ],
        },
        scopeMetrics: [{ metrics: [{ name: metric, unit, gauge: { dataPoints: [{ attributes: [], timeUnixNano, asDouble }] } }] }],
      },
    ],
  });
  it('refuses times Date cannot show (1e22 ns and beyond) as future_timestamp instead of throwing', () => {
    for (const time of [1e22, 1e300, Number.MAX_VALUE]) {
      const result = ingestWith().ingest(point(time), NOW);
      assert.equal(result.refusals.get('future_timestamp')?.points, 1, String(time));
      assert.match(describeRefusals(result.refusals), /ns since 1970/);
    }
  });
  it('refuses negative and NaN times, and values that overflow in the base unit, as invalid_value', () => {
    for (const request of [point(-5), point('NaN'), point(0, 1e306, 'recovery.member.lag_bytes', 'MiB')]) {
      const result = ingestWith().ingest(request, NOW);
      assert.equal(result.observations.length, 0);
      assert.equal(result.refusals.get('invalid_value')?.points, 1);
    }
  });
});

describe('OtlpIngest: replication facts that are older than up (issue 17)', () => {
  const nanos = (millis: number) => String(BigInt(millis) * 1_000_000n);
  const point = (metric: string, atMillis: number, value = 1) => ({ metric, group: 'payments', member: 'pay-2', value, timeNanos: nanos(atMillis) });
  const decode = (json: string) => decodeJsonRequest(json);

  it('a request with only up carries the last position and lag on, stamped with when they were measured', () => {
    const ingest = ingestWith();
    ingest.ingest(
      decode(
        gaugeRequest([
          point('recovery.member.up', NOW - 600_000),
          point('recovery.member.lag', NOW - 600_000, 0.2),
          point('recovery.member.position', NOW - 600_000, 500),
        ]),
      ),
      NOW,
    );
    const [later] = ingest.ingest(decode(gaugeRequest([point('recovery.member.up', NOW)])), NOW).observations;
    assert.equal(later!.observedAtMillis, NOW);
    assert.equal(later!.lagSeconds, 0.2);
    assert.equal(later!.position, 500);
    assert.equal(later!.replicationObservedAtMillis, NOW - 600_000);
  });

  it('a lag point older than the up point in the same request: the observation says how old', () => {
    const [o] = ingestWith().ingest(
      decode(gaugeRequest([point('recovery.member.up', NOW), point('recovery.member.lag_bytes', NOW - 90_000, 0)])),
      NOW,
    ).observations;
    assert.equal(o!.replicationObservedAtMillis, NOW - 90_000);
  });

  it('through the engine: an up member whose lag stopped coming is not converged once the lag is older than freshness', () => {
    const ingest = ingestWith();
    let now = NOW - 10_000;
    const engine = new RecoveryEngine({ groups: [testGroup({ name: 'payments', freshnessMillis: 3_000 })], now: () => now });
    const leader = (at: number) => ({
      metric: 'recovery.member.position',
      group: 'payments',
      member: 'pay-1',
      value: 1000,
      timeNanos: nanos(at),
      attributes: { 'recovery.member.role': 'leader' },
    });
    const feed = (points: Parameters<typeof gaugeRequest>[0]) =>
      ingest.ingest(decode(gaugeRequest(points)), now).observations.forEach((o) => engine.observe(o));
    feed([leader(now), point('recovery.member.up', now), point('recovery.member.position', now, 1000)]);
    assert.equal(engine.tick()[0]!.members.find((m) => m.member === 'pay-2')!.status, 'converged');
    now = NOW;
    feed([leader(now), point('recovery.member.up', now)]);
    const pay2 = engine.tick()[0]!.members.find((m) => m.member === 'pay-2')!;
    assert.deepEqual([pay2.status, pay2.reason], ['unknown', 'position and lag last reported 10s ago']);
  });

  it('position and lag sent with up: no separate time', () => {
    const [o] = ingestWith().ingest(decode(gaugeRequest([point('recovery.member.up', NOW), point('recovery.member.lag', NOW, 0)])), NOW).observations;
    assert.equal(o!.replicationObservedAtMillis, undefined);
  });
});
