import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDefaultOtlpServerConfig } from './config';
import { decodeJsonRequest } from './decode-json';
import { decodeProtobufRequest } from './decode-protobuf';
import { OtlpIngest } from './ingest';
import { ExportMetricsServiceRequestType } from './otlp-schema';
import { OtlpDecodeError, type OtlpMetricsRequest } from './otlp-types';

/** Whatever a client sends, decoding either works or says why (400), and mapping never throws. */
function decodeThenIngest(decode: () => OtlpMetricsRequest): void {
  let request: OtlpMetricsRequest;
  try {
    request = decode();
  } catch (error) {
    assert.ok(error instanceof OtlpDecodeError, `only OtlpDecodeError escapes decoding, got ${String(error)}`);
    return;
  }
  const ingest = new OtlpIngest({ groups: new Set(['payments']), server: { ...createDefaultOtlpServerConfig(), dynamicGroups: true, maxGroups: 3 } });
  const result = ingest.ingest(request, 1_700_000_000_000);
  for (const observation of result.observations) {
    assert.ok(observation.group.length > 0 && observation.member.length > 0);
    assert.ok(Number.isFinite(observation.observedAtMillis) && observation.observedAtMillis <= 1_700_000_000_000);
  }
}

const validProtobuf = ExportMetricsServiceRequestType.encode(
  ExportMetricsServiceRequestType.fromObject({
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'payments' } },
            { key: 'service.instance.id', value: { stringValue: 'a' } },
          ],
        },
        scopeMetrics: [
          { metrics: [{ name: 'recovery.member.lag', unit: 's', gauge: { dataPoints: [{ timeUnixNano: '1699999999000000000', asDouble: 2 }] } }] },
        ],
      },
    ],
  }),
).finish();

describe('OTLP decoding under arbitrary input (fast-check)', () => {
  it('random bytes as protobuf', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => decodeThenIngest(() => decodeProtobufRequest(bytes))),
      { numRuns: 2000 },
    );
  });

  it('a valid protobuf request with bytes flipped or cut', () => {
    fc.assert(
      fc.property(fc.nat(validProtobuf.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(validProtobuf.length), (at, byte, cut) => {
        const mutated = Uint8Array.from(validProtobuf);
        mutated[at] = byte;
        decodeThenIngest(() => decodeProtobufRequest(mutated.subarray(0, cut)));
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary JSON values, and OTLP-shaped JSON with arbitrary leaves', () => {
    fc.assert(
      fc.property(fc.json(), (text) => decodeThenIngest(() => decodeJsonRequest(text))),
      { numRuns: 1000 },
    );
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
    const shaped = fc.record({
      resourceMetrics: fc.array(
        fc.record({
          resource: fc.record({
            attributes: fc.array(
              fc.record({
                key: fc.constantFrom('service.name', 'recovery.member', 'recovery.member.role', 'host.name', 'x'),
                value: fc.record({ stringValue: leaf }),
              }),
              { maxLength: 4 },
            ),
          }),
          scopeMetrics: fc.array(
            fc.record({
              metrics: fc.array(
                fc.record({
                  name: fc.constantFrom('recovery.member.lag', 'recovery.member.position', 'recovery.member.up', 'other'),
                  gauge: fc.record({ dataPoints: fc.array(fc.record({ asDouble: leaf, timeUnixNano: leaf }), { maxLength: 3 }) }),
                }),
                { maxLength: 3 },
              ),
            }),
            { maxLength: 2 },
          ),
        }),
        { maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(shaped, (request) => decodeThenIngest(() => decodeJsonRequest(JSON.stringify(request)))),
      { numRuns: 1000 },
    );
  });
});
