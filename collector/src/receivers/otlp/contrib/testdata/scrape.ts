/** Builds OTLP requests (the decoded shape) as a contrib receiver's scrape would be sent, from contrib-metadata.ts only. */
import type { OtlpKeyValue, OtlpMetric, OtlpMetricsRequest } from '../../otlp-types';
import type { ReceiverMetadata } from './contrib-metadata';

export interface ScrapePoint {
  metric: string;
  value: number;
  attributes?: Readonly<Record<string, string>>;
}

export interface Scrape {
  receiver: ReceiverMetadata;
  /** Resource attributes: the receiver's own (checked against its metadata) plus recovery.* set by a resource processor. */
  resource: Readonly<Record<string, string | number>>;
  atMillis: number;
  points: readonly ScrapePoint[];
}

/** One resource per scrape, every point stamped with the scrape's time, as the contrib scrapers do. */
export function requestOf(...scrapes: Scrape[]): OtlpMetricsRequest {
  return {
    resourceMetrics: scrapes.map((scrape) => {
      const byMetric = new Map<string, ScrapePoint[]>();
      for (const p of scrape.points) byMetric.set(p.metric, [...(byMetric.get(p.metric) ?? []), p]);
      const metrics: OtlpMetric[] = [...byMetric].map(([name, points]) => metricOf(scrape, name, points));
      return { resource: { attributes: keyValues(scrape.resource, (key) => checkResourceAttribute(scrape.receiver, key)) }, scopeMetrics: [{ metrics }] };
    }),
  };
}

function metricOf(scrape: Scrape, name: string, points: readonly ScrapePoint[]): OtlpMetric {
  const definition = scrape.receiver.metrics[name];
  if (definition === undefined) throw new Error(`${scrape.receiver.receiver} does not emit ${name} (${scrape.receiver.source})`);
  const dataPoints = points.map((p) => {
    for (const key of Object.keys(p.attributes ?? {})) {
      if (!definition.attributes.includes(key)) throw new Error(`${name} has no attribute ${key} in ${scrape.receiver.source}`);
    }
    const value = definition.valueType === 'int' ? { asInt: Math.trunc(p.value) } : { asDouble: p.value };
    return { attributes: keyValues(p.attributes ?? {}), timeUnixNano: String(BigInt(scrape.atMillis) * 1_000_000n), ...value };
  });
  return definition.instrument === 'gauge'
    ? { name, unit: definition.unit, gauge: { dataPoints } }
    : { name, unit: definition.unit, sum: { dataPoints, aggregationTemporality: 2, isMonotonic: false } };
}

function checkResourceAttribute(receiver: ReceiverMetadata, key: string): void {
  if (key.startsWith('recovery.')) return; // set by the user's resource processor
  if (receiver.resourceAttributes[key] === undefined) throw new Error(`${receiver.receiver} has no resource attribute ${key}`);
}

function keyValues(attributes: Readonly<Record<string, string | number>>, check?: (key: string) => void): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => {
    check?.(key);
    return { key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } };
  });
}
