import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One PromQL target of a dashboard panel, as the generated JSON holds it. */
export interface PanelTarget {
  refId: string;
  expr: string;
  instant: boolean;
}

export interface PanelQueries {
  dashboard: string;
  panel: string;
  type: string;
  targets: PanelTarget[];
}

interface DashboardJson {
  title: string;
  panels: { title: string; type: string; targets?: { refId: string; expr: string; instant?: boolean }[] }[];
  templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
}

export function readDashboards(dir: string): DashboardJson[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as DashboardJson);
}

export function panelQueries(dashboard: DashboardJson): PanelQueries[] {
  return dashboard.panels
    .filter((p) => (p.targets ?? []).length > 0)
    .map((p) => ({
      dashboard: dashboard.title,
      panel: p.title,
      type: p.type,
      targets: (p.targets ?? []).map((t) => ({ refId: t.refId, expr: t.expr, instant: t.instant === true })),
    }));
}

/** Dashboard variables a panel expression uses, e.g. `group` for `$group`. */
export function usesVariable(expr: string, name: string): boolean {
  return expr.includes(`$${name}`) || expr.includes(`\${${name}}`);
}

/** What Grafana would send: `$group` and `$__range` replaced by their values. */
export function interpolate(expr: string, variables: Record<string, string>): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => variables[name] ?? whole);
}

/**
 * `label_values(selector, label)` of a query variable (a Grafana function, not PromQL): the
 * selector and label for Prometheus' label-values API.
 */
export function labelValuesQuery(variable: { query?: string | { query: string } }): { match: string; label: string } | undefined {
  const text = typeof variable.query === 'string' ? variable.query : variable.query?.query;
  const parsed = /^label_values\((.+),\s*(\w+)\)$/.exec(text ?? '');
  return parsed ? { match: parsed[1], label: parsed[2] } : undefined;
}

/**
 * Series the contract allows to be absent (DESIGN.md §4): no ETA (nor expected completion) while stalled or unknown, no
 * failover load without a failover, no finding while nothing is wrong, no lag in bytes where the source reports
 * none. A panel showing them still needs data from its other queries.
 */
export const MAY_BE_ABSENT = [
  'recovery_group_eta_seconds',
  'recovery_group_eta_timestamp_seconds',
  'recovery_group_failover_load_ratio',
  'recovery_group_finding',
  'recovery_member_lag_bytes',
];

export function mayBeAbsent(expr: string): boolean {
  return MAY_BE_ABSENT.some((metric) => expr.includes(metric));
}
