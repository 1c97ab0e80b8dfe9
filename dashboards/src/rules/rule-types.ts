/** Prometheus rule-file shapes (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/). */

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: 'critical' | 'warning' | 'info' } & Record<string, string>;
  annotations: { summary: string; description: string } & Record<string, string>;
}

export interface RuleGroup<R extends RecordingRule | AlertRule = RecordingRule | AlertRule> {
  name: string;
  interval: string;
  rules: R[];
}

export function isAlertRule(rule: RecordingRule | AlertRule): rule is AlertRule {
  return 'alert' in rule;
}
