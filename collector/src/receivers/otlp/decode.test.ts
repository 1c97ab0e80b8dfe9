import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJsonRequest } from './decode-json';
import { decodeProtobufRequest } from './decode-protobuf';
import { OtlpDecodeError } from './otlp-types';
import { ExportMetricsServiceRequestType } from './otlp-schema';

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
});
