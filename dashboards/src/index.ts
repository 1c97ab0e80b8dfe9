/**
 * `@rebound/dashboards`: what the other workspaces' tests read of the generated dashboards and
 * rules (the selectors and SLOs they are built for, the rule groups as generated). The workspace
 * is TypeScript run by tsx and is never built, so the package exports its source under the
 * `source` condition (`node --conditions=source`, `customConditions` in a reader's tsconfig).
 */
export { alerts, grafana, selectors, slo } from './config';
export { durationSeconds } from './promql';
export { recoveryAlertRuleGroups, recoveryStalledRule } from './rules/recovery-alerts';
export { toYaml } from './rules/render';
export type { RuleGroup } from './rules/rule-types';
export { episodesRecord, sliWindows, sloRuleGroups, withinRtoRecord } from './rules/slo-rules';
