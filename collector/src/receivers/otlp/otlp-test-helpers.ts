/** Test doubles for the OTLP receiver tests (not used by the collector itself). */
import { RECEIVER_METRICS } from '@rebound/contract';
import { Registry } from 'prom-client';
import { createMemoryLogger } from '../../logger';
import { RecordingSink } from '../../testing/recording-sink';
import { createDefaultOtlpServerConfig, type OtlpServerConfig } from './config';
import { createOtlpHttpReceiver, type OtlpHttpReceiver } from './otlp-http-receiver';

export interface StartedReceiver {
  receiver: OtlpHttpReceiver;
  sink: RecordingSink;
  registry: Registry;
  url: string;
  /** `recovery_receiver_refused_total{receiver="otlp",reason}` now. */
  refused(reason: string): Promise<number>;
}

/** Start a receiver on a free loopback port, configured for group `payments` unless told otherwise. */
export async function startTestReceiver(
  server: Partial<OtlpServerConfig> = {},
  groups = ['payments'],
  now: () => number = Date.now,
  readMemoryBytes?: () => number,
): Promise<StartedReceiver> {
  const registry = new Registry();
  const sink = new RecordingSink();
  const config = { ...createDefaultOtlpServerConfig(), ...server };
  const receiver = createOtlpHttpReceiver({
    listen: { host: '127.0.0.1', port: 0 },
    groups: new Set(groups),
    server: config,
    registry,
    context: { intervalMillis: 1000, logger: createMemoryLogger(), now },
    readMemoryBytes,
  });
  await receiver.start(sink);
  const { port } = receiver.address();
  return {
    receiver,
    sink,
    registry,
    url: `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}/v1/metrics`,
    async refused(reason: string): Promise<number> {
      const metric = await registry.getSingleMetric(RECEIVER_METRICS.refused.name)!.get();
      return metric.values.find((v) => v.labels['reason'] === reason && v.labels['receiver'] === 'otlp')?.value ?? 0;
    },
  };
}

/** A small valid OTLP/JSON request: one lag point for `payments/<member>`. */
export function lagRequestJson(member: string, lagSeconds = 1.5, group = 'payments'): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: group } },
            { key: 'service.instance.id', value: { stringValue: member } },
          ],
        },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'recovery.member.lag',
                unit: 's',
                gauge: { dataPoints: [{ timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), asDouble: lagSeconds }] },
              },
            ],
          },
        ],
      },
    ],
  });
}

/** A protobuf field: its tag byte, the payload's length as a varint, the payload. */
export function lengthPrefixed(tag: number, payload: Uint8Array): Buffer {
  const length: number[] = [];
  for (let x = payload.length; ; x >>>= 7) {
    if (x < 128) {
      length.push(x);
      break;
    }
    length.push((x & 127) | 128);
  }
  return Buffer.concat([Buffer.from([tag, ...length]), payload]);
}

/** A protobuf request of `points` empty histogram data points (2 bytes each: ~4 MiB for 2 M), as found by fuzzing. */
export function emptyHistogramPointsProtobuf(points: number): Buffer {
  const dataPoints = Buffer.alloc(points * 2);
  for (let i = 0; i < dataPoints.length; i += 2) dataPoints[i] = 0x0a; // Histogram.data_points, length 0
  const metric = lengthPrefixed(0x4a, dataPoints); // Metric.histogram
  return lengthPrefixed(0x0a, lengthPrefixed(0x12, lengthPrefixed(0x12, metric))); // request → resource_metrics → scope_metrics → metrics
}

/** `{"resourceMetrics":[{},{},…]}` with `resources` empty entries (~3 bytes each: ~4 MiB for 1.4 M). */
export function emptyResourcesJson(resources: number): string {
  return `{"resourceMetrics":[${'{},'.repeat(resources - 1)}{}]}`;
}
