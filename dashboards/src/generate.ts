import { groupDetailDashboard } from './dashboards/group-detail';
import { overviewDashboard } from './dashboards/overview';
import { sloReportDashboard } from './dashboards/slo-report';
import { dashboardProvisioning, datasourceProvisioning } from './provisioning';
import { grafanaAlertProvisioning } from './rules/grafana-alerts';
import { recoveryAlertGroups } from './rules/recovery-alerts';
import { toYaml } from './rules/render';
import { sloRuleGroups } from './rules/slo-rules';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Every generated file, by path relative to dashboards/, with its exact content. Pure: the
 * regeneration test compares this with what is committed.
 */
export function generatedFiles(): Map<string, string> {
  return new Map([
    ['prometheus/recovery-alerts.yml', toYaml({ groups: recoveryAlertGroups })],
    ['prometheus/recovery-slo.yml', toYaml({ groups: sloRuleGroups })],
    ['grafana/dashboards/recovery-overview.json', json(overviewDashboard())],
    ['grafana/dashboards/recovery-group-detail.json', json(groupDetailDashboard())],
    ['grafana/dashboards/recovery-slo-report.json', json(sloReportDashboard())],
    ['grafana/provisioning/datasources/rebound-prometheus.yml', toYaml(datasourceProvisioning())],
    ['grafana/provisioning/dashboards/rebound.yml', toYaml(dashboardProvisioning())],
    ['grafana/provisioning/alerting/rebound-alerts.yml', toYaml(grafanaAlertProvisioning([...recoveryAlertGroups, ...sloRuleGroups]))],
  ]);
}
