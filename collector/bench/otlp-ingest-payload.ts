/**
 * The OTLP ingest benchmarks' batch: one resource per member, 7 recovery metrics
 * each, with the attributes an OpenTelemetry SDK adds. Its own module so a
 * profiling or comparison script can decode the very same bytes.
 */
import { ExportMetricsServiceRequestType } from '../src/receivers/otlp/otlp-schema';

export const GROUPS = 20;
export const MEMBERS_PER_GROUP = 10;
/** The points' time, and the "now" they are ingested at. */
export const NOW = Date.now();

/** A batch as an OpenTelemetry Collector would forward it: one resource per member, 7 recovery metrics each. */
export function payload(): { json: string; protobuf: Uint8Array; points: number } {
  const timeUnixNano = String(BigInt(NOW) * 1_000_000n);
  const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const resourceMetrics = [];
  let points = 0;
  for (let g = 0; g < GROUPS; g++) {
    for (let m = 0; m < MEMBERS_PER_GROUP; m++) {
      const gauge = (name: string, unit: string, value: number, attributes: unknown[] = []) => {
        points++;
        return { name, unit, gauge: { dataPoints: [{ timeUnixNano, startTimeUnixNano: timeUnixNano, asDouble: value, attributes }] } };
      };
      points++;
      resourceMetrics.push({
        resource: {
          attributes: [
            kv('service.name', `group-${g}`),
            kv('service.instance.id', `member-${m}`),
            kv('recovery.member.role', m === 0 ? 'leader' : 'replica'),
            kv('cloud.region', 'eu-1'),
            kv('cloud.availability_zone', `eu-1${'abc'[m % 3]}`),
            kv('host.name', `node-${g}-${m}`),
            kv('telemetry.sdk.language', 'nodejs'),
            kv('telemetry.sdk.name', 'opentelemetry'),
            kv('telemetry.sdk.version', '2.12.1'),
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'replication-exporter', version: '1.0.0' },
            metrics: [
              {
                name: 'recovery.member.position',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ timeUnixNano, startTimeUnixNano: timeUnixNano, asInt: String(1_000_000 + m) }],
                },
              },
              gauge('recovery.member.lag', 's', m * 0.5),
              gauge('recovery.member.lag_bytes', 'By', m * 4096),
              gauge('recovery.member.up', '', 1),
              gauge('recovery.member.serving', '', m === 0 ? 1 : 0),
              gauge('recovery.member.load', '{operation}/s', 100 + m),
              gauge('recovery.member.info', '', 1, [
                kv('recovery.state.fingerprint', 'sha256:0123456789abcdef'),
                kv('recovery.permission.fingerprint', 'acl:fedcba9876543210'),
              ]),
            ],
          },
        ],
      });
    }
  }
  const request = { resourceMetrics };
  const protobuf = ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject(request)).finish();
  return { json: JSON.stringify(request), protobuf, points };
}
