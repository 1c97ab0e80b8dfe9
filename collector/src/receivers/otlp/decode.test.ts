import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJsonRequest } from './decode-json';
import { decodeProtobufRequest } from './decode-protobuf';
import { OtlpDecodeError } from './otlp-types';
import { ExportMetricsServiceRequestType } from './otlp-schema';
import { lengthPrefixed } from './otlp-test-helpers';

const isDecodeError = (pattern: RegExp) => (error: unknown) => error instanceof OtlpDecodeError && pattern.test(error.message);

describe('decodeJsonRequest', () => {
  it('accepts int64 as numbers or decimal strings and enums as names', () => {
    const request = decodeJsonRequest(
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'a', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA', dataPoints: [{ timeUnixNano: 5, asInt: '-42' }] } },
                  { name: 'b', gauge: { data_points: [{ time_unix_nano: '7', as_double: 'Infinity' }] } },
                ],
              },
            ],
          },
        ],
      }),
    );
    const [sum, gauge] = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    assert.equal(sum!.sum!.aggregationTemporality, 1);
    assert.equal(sum!.sum!.dataPoints[0]!.asInt, -42);
    assert.equal(gauge!.gauge!.dataPoints[0]!.asDouble, Infinity);
    assert.equal(gauge!.gauge!.dataPoints[0]!.timeUnixNano, 7);
  });

  const malformed: [name: string, body: string, message: RegExp][] = [
    ['not JSON', '{"resourceMetrics": [', /not valid JSON/],
    ['a truncated body', JSON.stringify({ resourceMetrics: [] }).slice(0, 10), /not valid JSON/],
    ['an array at the top', '[]', /\(body\): expected an object/],
    ['resourceMetrics not an array', '{"resourceMetrics": {}}', /^resourceMetrics: expected an array/],
    ['a number as metric name', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":3}]}]}]}', /metrics\[0\]\.name: expected a string/],
    [
      'a boolean as asDouble',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"asDouble":true}]}}]}]}]}',
      /gauge\.dataPoints\[0\]\.asDouble: expected a number/,
    ],
    [
      'a fractional time',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"timeUnixNano":"1.5"}]}}]}]}]}',
      /timeUnixNano: expected an unsigned 64-bit integer/,
    ],
    // Beyond what fixed64 holds (and, from ~8.64e21 ns, beyond what Date can show): a 400 naming the field.
    [
      'a time of 1e22 ns',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"timeUnixNano":1e22}]}}]}]}]}',
      /timeUnixNano: expected an unsigned 64-bit integer.*\(got 1e\+22\)/,
    ],
    [
      'a time of 1e300 ns',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"timeUnixNano":1e300}]}}]}]}]}',
      /timeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'a negative time',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"timeUnixNano":"-5"}]}}]}]}]}',
      /timeUnixNano: expected an unsigned 64-bit integer.*\(got "-5"\)/,
    ],
    [
      'a 20-digit time beyond 2^64',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"timeUnixNano":"99999999999999999999"}]}}]}]}]}',
      /timeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'a NaN time',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"timeUnixNano":"NaN"}]}}]}]}]}',
      /timeUnixNano: expected an unsigned 64-bit integer/,
    ],
    [
      'an asInt beyond int64',
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"asInt":1e300}]}}]}]}]}',
      /asInt: expected a signed 64-bit integer/,
    ],
    ['a string attribute list', '{"resourceMetrics":[{"resource":{"attributes":"service.name=x"}}]}', /resource\.attributes: expected an array/],
  ];
  for (const [name, body, message] of malformed) {
    it(`refuses ${name} with a message saying where`, () => {
      assert.throws(() => decodeJsonRequest(body), isDecodeError(message));
    });
  }
});

describe('decodeProtobufRequest', () => {
  const valid = ExportMetricsServiceRequestType.encode(
    ExportMetricsServiceRequestType.fromObject({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }] },
          scopeMetrics: [{ metrics: [{ name: 'recovery.member.up', gauge: { dataPoints: [{ asInt: 1 }] } }] }],
        },
      ],
    }),
  ).finish();

  it('decodes what our schema encodes', () => {
    const request = decodeProtobufRequest(valid);
    assert.equal(request.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.name, 'recovery.member.up');
  });

  it('refuses a truncated body', () => {
    assert.throws(() => decodeProtobufRequest(valid.subarray(0, valid.length - 5)), isDecodeError(/not a valid protobuf/));
  });

  it('refuses bytes that are not protobuf', () => {
    assert.throws(() => decodeProtobufRequest(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])), isDecodeError(/not a valid protobuf/));
    assert.throws(() => decodeProtobufRequest(Buffer.from('{"resourceMetrics": []}')), isDecodeError(/not a valid protobuf/));
  });

  // Each malformed body inside a valid request → resource_metrics → scope_metrics → metrics framing where it matters.
  const inMetric = (...fields: number[][]): Buffer => lengthPrefixed(0x0a, lengthPrefixed(0x12, lengthPrefixed(0x12, Buffer.from(fields.flat()))));
  const malformed: [string, Uint8Array, RegExp][] = [
    ['a varint cut short', Buffer.from([0x0a, 0x80]), /varint cut short at byte 2/],
    ['a varint longer than 10 bytes', Buffer.from([0x10, ...Array<number>(11).fill(0xff), 0x01]), /longer than 10 bytes/],
    ['a length past the end of the body', Buffer.from([0x0a, 0x05, 0x0a]), /length 5 at byte 2 runs past the end of its message \(byte 3\)/],
    ['a length past the end of its message', inMetric([0x0a, 0x09, 0x61]), /length 9 .* runs past the end of its message/],
    ['a field read with the wrong wire type', inMetric([0x0d, 1, 2, 3, 4]), /Metric\.name \(field 1\) arrived as 32-bit, expected length-delimited/],
    [
      'a time sent as a varint',
      inMetric([0x2a, 0x04, 0x0a, 0x02, 0x18, 0x01]),
      /NumberDataPoint\.time_unix_nano \(field 3\) arrived as varint, expected 64-bit/,
    ],
    ['a 64-bit value cut short', inMetric([0x2a, 0x05, 0x0a, 0x03, 0x21, 0x00, 0x00]), /8-byte field at byte \d+ runs past the end of its message/],
    ['wire type 7', Buffer.from([0x17, 0x00]), /wire type 7 \(field 2\) is not valid here/],
    ['a group end without its start', Buffer.from([0x14]), /group end \(field 2\) is not valid here/],
    ['a group never closed', Buffer.from([0x7b, 0x08, 0x01]), /group of field 15 not closed/],
    ['a group closed by another field', Buffer.from([0x7b, 0x08, 0x01, 0x84, 0x01]), /group of field 15 closed by field 16/],
    ['field number 0', Buffer.from([0x00, 0x00]), /field number 0/],
  ];
  for (const [what, body, message] of malformed) {
    it(`refuses ${what}, saying where`, () => {
      assert.throws(() => decodeProtobufRequest(body), isDecodeError(message));
    });
  }

  it('skips unknown fields of every wire type, groups included', () => {
    const unknown = [0x78, 0x96, 0x01, 0x79, ...Array<number>(8).fill(1), 0x7a, 0x02, 0x68, 0x69, 0x7d, 1, 2, 3, 4, 0x7b, 0x08, 0x01, 0x7c]; // fields 15: varint, 64-bit, bytes, 32-bit, group
    const body = Buffer.concat([Buffer.from(unknown), valid, Buffer.from(unknown)]);
    assert.equal(decodeProtobufRequest(body).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.name, 'recovery.member.up');
  });
});
