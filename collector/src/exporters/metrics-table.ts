import { METRICS } from './metric-definitions';

/**
 * The README's metrics table, produced from the one list of metrics so the docs
 * cannot drift from what `/metrics` serves (a test compares them).
 * Print it with `npm run docs:metrics -w @rebound/collector`.
 */
export function metricsMarkdownTable(): string {
  const rows = Object.values(METRICS).map((m) => `| \`${m.name}\` | ${m.type} | ${m.unit} | ${m.labels.join(', ')} | ${m.help} |`);
  return ['| metric | type | unit | labels | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) process.stdout.write(metricsMarkdownTable() + '\n');
