import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, type MetricDefinition } from '@rebound/contract';

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
 * Series the contract allows to be absent (`absentWhen` in @rebound/contract) that the demo stack really lacks at times: no
 * ETA (nor expected completion) while stalled or unknown, no failover load without a failover, no finding while nothing is
 * wrong, no lag in bytes where the source reports none, no permission difference while permissions agree. Every group of the demo has permission fingerprints and
 * dependencies, so the other may-be-absent metrics must have data here. A panel showing them still needs data from its
 * other queries.
 */
export const MAY_BE_ABSENT: readonly string[] = [
  METRICS.groupEta,
  METRICS.groupEtaTimestamp,
  METRICS.groupFailoverLoad,
  METRICS.groupFinding,
  METRICS.memberLagBytes,
  METRICS.memberPermissionDifference,
].map((m: MetricDefinition) => {
  if (m.absentWhen === undefined) throw new Error(`${m.name} is never absent by the contract`);
  return m.name;
});

export function mayBeAbsent(expr: string): boolean {
  return MAY_BE_ABSENT.some((metric) => expr.includes(metric));
}
