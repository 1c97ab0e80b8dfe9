import { grafana } from '../config';
import { durationSeconds } from '../promql';
import { isAlertRule, type AlertRule, type RuleGroup } from './rule-types';

/** Grafana-managed alert rule, file-provisioning shape (Alerting → provisioning → `groups:`). */
export interface GrafanaAlertRule {
  uid: string;
  title: string;
  condition: 'C';
  data: unknown[];
  noDataState: 'OK';
  execErrState: 'Error';
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  isPaused: false;
}

/**
 * Titles must be unique per folder in Grafana, while Prometheus shares one alertname across
 * severities; the distinguishing label goes into the title.
 */
function title(rule: AlertRule): string {
  const { severity, reason, long_window: longWindow, short_window: shortWindow } = rule.labels;
  if (longWindow) return `${rule.alert} ${longWindow}/${shortWindow}`;
  if (reason) return `${rule.alert} (${reason})`;
  if ((rule.alert === 'RecoveryExceedingRTO' || rule.alert === 'RecoveryErrorBudgetBurn') && severity === 'warning') return `${rule.alert} (warning)`;
  return rule.alert;
}

function uid(ruleTitle: string): string {
  const slug = ruleTitle
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `rb-${slug}`.slice(0, 40);
}

/** The longest range selector in an expression, so Grafana queries enough history. */
function lookbackSeconds(expr: string): number {
  const ranges = [...expr.matchAll(/\[(\d+[smhd])[\]:]/g)].map((m) => durationSeconds(m[1]));
  return Math.max(600, ...ranges);
}

/** Grafana's template data: `$value` is a string there; the number of query A is `$values.A.Value`. */
function grafanaTemplate(text: string): string {
  return text
    .replaceAll('{{ $value | humanizeDuration }}', '{{ humanizeDuration $values.A.Value }}')
    .replaceAll('{{ $value | printf "%.1f" }}', '{{ printf "%.1f" $values.A.Value }}');
}

/**
 * The same rule evaluated by Grafana: query A is the Prometheus expression (it returns a series
 * only for what is alerting), C fires for every series A returns — `is_number` rather than
 * `> 0`, because `recovery_source_up == 0` alerts with the value 0.
 */
export function toGrafanaRule(rule: AlertRule): GrafanaAlertRule {
  const ruleTitle = title(rule);
  const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([key, text]) => [key, grafanaTemplate(text)]));
  return {
    uid: uid(ruleTitle),
    title: ruleTitle,
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: lookbackSeconds(rule.expr), to: 0 },
        datasourceUid: grafana.datasourceUid,
        model: { refId: 'A', expr: rule.expr, instant: true, range: false },
      },
      {
        refId: 'C',
        datasourceUid: '__expr__',
        model: { refId: 'C', type: 'math', expression: 'is_number($A)' },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: rule.for ?? '0s',
    labels: { ...rule.labels },
    annotations,
    isPaused: false,
  };
}

/** Every alert of the Prometheus rule groups as a Grafana alerting provisioning file. */
export function grafanaAlertProvisioning(groups: RuleGroup[]): unknown {
  return {
    apiVersion: 1,
    groups: groups
      .map((group) => ({ group, alertRules: group.rules.filter(isAlertRule) }))
      .filter(({ alertRules }) => alertRules.length > 0)
      .map(({ group, alertRules }) => ({
        orgId: 1,
        name: group.name,
        folder: grafana.folder,
        interval: group.interval,
        rules: alertRules.map(toGrafanaRule),
      })),
  };
}
