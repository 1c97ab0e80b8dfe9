/**
 * The tables of contract/README.md, printed from the contract itself so the README cannot drift
 * (test/readme.test.ts compares them). Regenerate with `npm run docs -w @rebound/contract` and
 * paste the output between the README's `<!-- contract-tables:start/end -->` markers.
 */
import {
  MEMBER_STATUSES,
  MEMBER_STATUS_COLOURS,
  MEMBER_STATUS_RANK,
  METRICS,
  OTLP_ATTRIBUTES,
  OTLP_DEPENDENCY_PREFIX,
  OTLP_DEPENDENCY_RESOURCE_ATTRIBUTES,
  OTLP_MEMBER_METRICS,
  PANEL_METRICS,
  PHASES_WORST_FIRST,
  PHASE_COLOURS,
  PHASE_RANK,
  POINT_REFUSAL_REASONS,
  RECEIVER_METRICS,
  RECORDING_RULES,
  REQUEST_REFUSAL_REASONS,
  ROLES,
  otlpName,
  type MetricDefinition,
} from '../index';

const code = (s: string) => `\`${s}\``;

function metricRows(object: string, metrics: Record<string, MetricDefinition>, otlp: boolean): string[] {
  return Object.entries(metrics).map(
    ([key, m]) =>
      `| ${code(`${object}.${key}`)} | ${code(m.name)} | ${otlp ? code(otlpName(m)) : '(Prometheus only)'} | ${m.type} | ${m.labels.join(', ') || '—'} | ${PANEL_METRICS.includes(key as never) ? 'yes' : ''} | ${m.absentWhen ?? 'never'} |`,
  );
}

export function contractTables(): string {
  const sample = RECORDING_RULES;
  return [
    '### Metrics',
    '',
    '| key | Prometheus name | OTLP name | type | labels | panel reads | absent when |',
    '|---|---|---|---|---|---|---|',
    ...metricRows('METRICS', METRICS, true),
    ...metricRows('RECEIVER_METRICS', RECEIVER_METRICS, false),
    '',
    `\`recovery_receiver_refused_total\` reasons: data points ${POINT_REFUSAL_REASONS.map(code).join(', ')}; whole requests ${REQUEST_REFUSAL_REASONS.map(code).join(', ')}.`,
    '',
    '### Phases (worst first)',
    '',
    '| phase | `PHASE_RANK` | `PHASE_COLOURS` |',
    '|---|---|---|',
    ...PHASES_WORST_FIRST.map((p) => `| ${code(p)} | ${PHASE_RANK[p]} | ${code(PHASE_COLOURS[p])} |`),
    '',
    '### Member statuses',
    '',
    '| status | `MEMBER_STATUS_RANK` | `MEMBER_STATUS_COLOURS` |',
    '|---|---|---|',
    ...[...MEMBER_STATUSES]
      .sort((a, b) => MEMBER_STATUS_RANK[b] - MEMBER_STATUS_RANK[a])
      .map((s) => `| ${code(s)} | ${MEMBER_STATUS_RANK[s]} | ${code(MEMBER_STATUS_COLOURS[s])} |`),
    '',
    `Roles (\`ROLES\`): ${ROLES.map(code).join(', ')}.`,
    '',
    '### OTLP input (what the receiver reads)',
    '',
    '| key | name |',
    '|---|---|',
    ...Object.entries(OTLP_MEMBER_METRICS).map(([k, v]) => `| ${code(`OTLP_MEMBER_METRICS.${k}`)} | ${code(v)} |`),
    ...Object.entries(OTLP_ATTRIBUTES).map(([k, v]) => `| ${code(`OTLP_ATTRIBUTES.${k}`)} | ${code(v)} |`),
    `| \`OTLP_DEPENDENCY_RESOURCE_ATTRIBUTES\` | ${OTLP_DEPENDENCY_RESOURCE_ATTRIBUTES.map(code).join(', ')} |`,
    `| \`OTLP_DEPENDENCY_PREFIX\` | ${code(`${OTLP_DEPENDENCY_PREFIX}<dimension>`)} |`,
    '',
    '### Recording rules (with the shipped config: window `5m`, period `28d`, cluster label `cluster`)',
    '',
    '| key | name |',
    '|---|---|',
    `| \`RECORDING_RULES.episodes(w)\` | ${code(sample.episodes('5m'))} |`,
    `| \`RECORDING_RULES.episodesWithinRto(w)\` | ${code(sample.episodesWithinRto('5m'))} |`,
    `| \`RECORDING_RULES.errorRatio(w)\` | ${code(sample.errorRatio('5m'))} |`,
    `| \`RECORDING_RULES.burnRate(w)\` | ${code(sample.burnRate('5m'))} |`,
    `| \`RECORDING_RULES.withinRto(p)\` | ${code(sample.withinRto('28d'))} |`,
    `| \`RECORDING_RULES.fleetWithinRto(l, p)\` | ${code(sample.fleetWithinRto('cluster', '28d'))} |`,
    `| \`RECORDING_RULES.budgetRemaining(p)\` | ${code(sample.budgetRemaining('28d'))} |`,
    `| \`RECORDING_RULES.budgetRemainingEpisodes(p)\` | ${code(sample.budgetRemainingEpisodes('28d'))} |`,
    `| \`RECORDING_RULES.objective\` | ${code(sample.objective)} |`,
    `| \`RECORDING_RULES.sloRto\` | ${code(sample.sloRto)} |`,
    `| \`RECORDING_RULES.durationQuantile(q, p)\` | ${code(sample.durationQuantile(0.9, '28d'))} |`,
  ].join('\n');
}

if (require.main === module) process.stdout.write(contractTables() + '\n');
