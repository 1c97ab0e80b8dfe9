import { otlpName } from '@rebound/contract';
import { METRICS, type MetricDefinition, type MetricKey } from '../metric-definitions';

/** The OTLP name of a contract metric (`recovery_member_lag_seconds` → `recovery.member.lag_seconds`): see @rebound/contract. */
export { otlpName };

/** The table README.md shows (a test keeps them equal): Prometheus name, OTLP name, type, unit, attributes. */
export function renderOtlpNameTable(): string {
  const rows = (Object.keys(METRICS) as MetricKey[]).map((key) => {
    const d: MetricDefinition = METRICS[key];
    const otlpType = d.type === 'counter' ? 'sum (monotonic, cumulative)' : d.type === 'histogram' ? 'histogram (cumulative)' : 'gauge';
    return `| \`${d.name}\` | \`${otlpName(d)}\` | ${otlpType} | \`${d.unit}\` | ${d.labels.map((l) => `\`${l}\``).join(', ')} |`;
  });
  return ['| Prometheus (contract) | OTLP | OTLP type | unit | attributes |', '|---|---|---|---|---|', ...rows].join('\n');
}
