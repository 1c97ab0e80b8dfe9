import { ALL_METRICS } from '@rebound/contract';

/**
 * The README's metrics table, produced from the one list of metrics (@rebound/contract) so the
 * docs cannot drift from what `/metrics` serves (a test compares them).
 * Print it with `npm run docs:metrics -w @rebound/collector`.
 */
export function metricsMarkdownTable(): string {
  const rows = ALL_METRICS.map((m) => `| \`${m.name}\` | ${m.type} | ${m.unit} | ${m.labels.join(', ')} | ${m.help} | ${m.absentWhen ?? 'never'} |`);
  return ['| metric | type | unit | labels | meaning | absent when |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) process.stdout.write(metricsMarkdownTable() + '\n');
