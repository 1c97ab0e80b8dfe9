import { grafana } from '../config';
import { isAlertRule, type AlertRule, type RecordingRule, type RuleGroup } from './rule-types';

/**
 * Where an alert's runbook is: `docs/runbooks/<Alert>.md` of the repository, shipped inside the
 * panel plugin (its build copies them), so the same Grafana base URL as the dashboard links
 * reaches them.
 */
export const runbooksUrl = `${grafana.url}/public/plugins/${grafana.recoveryPanelType}/runbooks`;

export function runbookUrl(alert: string): string {
  return `${runbooksUrl}/${alert}.md`;
}

/** Every alert of the groups with its `runbook_url` annotation. */
export function withRunbooks<R extends AlertRule | RecordingRule>(groups: RuleGroup<R>[]): RuleGroup<R>[] {
  return groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) => (isAlertRule(rule) ? { ...rule, annotations: { ...rule.annotations, runbook_url: runbookUrl(rule.alert) } } : rule)),
  }));
}
