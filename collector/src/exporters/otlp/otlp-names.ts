import { METRICS, type MetricDefinition, type MetricKey } from '../metric-definitions';

/**
 * The OTLP name of a contract metric: its Prometheus name with the namespace
 * and entity turned into dots, the rest kept, e.g.
 *   recovery_group_progress_ratio → recovery.group.progress_ratio
 *   recovery_member_lag_seconds   → recovery.member.lag_seconds
 *   recovery_source_up            → recovery.source.up
 *   recovery_store_up             → recovery.store.up
 *   recovery_collector_active     → recovery.collector.active
 *   recovery_duration_seconds     → recovery.duration_seconds
 *   recovery_episodes_total       → recovery.episodes (a monotonic sum; Prometheus adds _total)
 * Kept suffixes make the way back unambiguous: an OpenTelemetry Collector's
 * Prometheus exporter turns these into the contract names again (it adds a
 * unit suffix only when the name lacks it; see README.md for the one exception).
 */
export function otlpName(definition: Pick<MetricDefinition, 'name' | 'type'>): string {
  const name = definition.type === 'counter' ? definition.name.replace(/_total$/, '') : definition.name;
  const entity = /^recovery_(group|member|source|store|collector)_(.+)$/.exec(name);
  if (entity) return `recovery.${entity[1]}.${entity[2]}`;
  return name.replace(/^recovery_/, 'recovery.');
}

/** The table README.md shows (a test keeps them equal): Prometheus name, OTLP name, type, unit, attributes. */
export function renderOtlpNameTable(): string {
  const rows = (Object.keys(METRICS) as MetricKey[]).map((key) => {
    const d: MetricDefinition = METRICS[key];
    const otlpType = d.type === 'counter' ? 'sum (monotonic, cumulative)' : d.type === 'histogram' ? 'histogram (cumulative)' : 'gauge';
    return `| \`${d.name}\` | \`${otlpName(d)}\` | ${otlpType} | \`${d.unit}\` | ${d.labels.map((l) => `\`${l}\``).join(', ')} |`;
  });
  return ['| Prometheus (contract) | OTLP | OTLP type | unit | attributes |', '|---|---|---|---|---|', ...rows].join('\n');
}
