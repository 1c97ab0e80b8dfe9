/**
 * The two text formats `/metrics` speaks: Prometheus text 0.0.4 and OpenMetrics 1.0.0.
 * Samples are spelled the same in both for what Rebound exports (counter samples
 * already end in `_total`); they differ in the family headers and the final `# EOF`.
 */
import type { MetricDefinition } from '../metric-definitions';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** A sample value as both formats spell it: shortest round-trip decimal, `+Inf`, `-Inf`, `NaN`. */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

const NEEDS_LABEL_ESCAPE = /[\\\n"]/;

/** `a\b"c` → `a\\b\"c`: backslash, newline and double quote are escaped inside label values. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_LABEL_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** `name="value"` with the value escaped. */
export function labelPair(name: string, value: string): string {
  return `${name}="${escapeLabelValue(value)}"`;
}

/**
 * `# HELP` and `# TYPE` of one family. OpenMetrics names a counter family without
 * its `_total` suffix (the samples keep it) and escapes double quotes in HELP too.
 */
export function familyHeader(definition: Pick<MetricDefinition, 'name' | 'help' | 'type'>, format: ExpositionFormat): string {
  const name = format === 'openmetrics' && definition.type === 'counter' ? definition.name.replace(/_total$/, '') : definition.name;
  let help = definition.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  if (format === 'openmetrics') help = help.replace(/"/g, '\\"');
  return `# HELP ${name} ${help}\n# TYPE ${name} ${definition.type}\n`;
}

/** The line OpenMetrics ends with; Prometheus' OpenMetrics parser refuses a body without it. */
export const OPENMETRICS_EOF = '# EOF\n';
