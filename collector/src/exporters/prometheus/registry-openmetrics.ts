/**
 * prom-client's registry rendered as OpenMetrics, for the few metrics other
 * components register on it. prom-client can render OpenMetrics itself, but only
 * for a whole registry switched to that content type, and doing so renames its
 * counters in place (`x_total` → `x`), which would then break the Prometheus-text
 * answer of the next scrape; so the families are read as JSON and written here.
 */
import type { Registry } from 'prom-client';
import { familyHeader, formatValue, labelPair } from './exposition-format';

export async function registryAsOpenMetrics(registry: Registry): Promise<string> {
  const lines: string[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    const type = metric.type as unknown as string;
    lines.push(familyHeader({ name: metric.name, help: metric.help, type: type as 'gauge' }, 'openmetrics'));
    for (const value of metric.values) {
      const sample = value as { metricName?: string; labels: Record<string, string | number>; value: number };
      let name = sample.metricName ?? metric.name;
      // A counter's sample is `<family>_total` whether or not it was registered with the suffix.
      if (type === 'counter' && !name.endsWith('_total')) name += '_total';
      const labels = Object.entries(sample.labels).map(([label, labelValue]) => labelPair(label, String(labelValue)));
      lines.push(`${name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${formatValue(sample.value)}\n`);
    }
  }
  return lines.join('');
}
