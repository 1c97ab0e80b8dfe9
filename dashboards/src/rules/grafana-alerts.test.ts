import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grafana } from '../config';
import { grafanaAlertProvisioning, toGrafanaRule, type GrafanaAlertRule } from './grafana-alerts';
import { recoveryAlertGroups, sourceDown, recoveryExceedingRto } from './recovery-alerts';
import { isAlertRule } from './rule-types';
import { sloRuleGroups } from './slo-rules';

const groups = [...recoveryAlertGroups, ...sloRuleGroups];
const provisioned = grafanaAlertProvisioning(groups) as { groups: { folder: string; rules: GrafanaAlertRule[] }[] };
const grafanaRules = provisioned.groups.flatMap((g) => g.rules);
const prometheusAlerts = groups.flatMap((g) => g.rules.filter(isAlertRule));

describe(toGrafanaRule.name, () => {
  it('never templates the Prometheus $value, which is a string in Grafana', () => {
    for (const rule of grafanaRules) {
      for (const text of Object.values(rule.annotations)) assert.doesNotMatch(text, /\$value\b/, `${rule.title}: ${text}`);
    }
  });

  it('provisions every Prometheus alert, with the same expression, labels and for', () => {
    assert.equal(grafanaRules.length, prometheusAlerts.length);
    prometheusAlerts.forEach((alert, i) => {
      const rule = grafanaRules[i];
      const query = rule.data[0] as { datasourceUid: string; model: { expr: string } };
      assert.equal(query.model.expr, alert.expr);
      assert.equal(query.datasourceUid, grafana.datasourceUid);
      assert.deepEqual(rule.labels, alert.labels);
      assert.equal(rule.for, alert.for ?? '0s');
    });
  });

  it('gives unique titles and uids Grafana accepts (≤ 40 characters of [a-z0-9-])', () => {
    assert.equal(new Set(grafanaRules.map((r) => r.title)).size, grafanaRules.length);
    assert.equal(new Set(grafanaRules.map((r) => r.uid)).size, grafanaRules.length);
    for (const rule of grafanaRules) assert.match(rule.uid, /^[a-z0-9-]{1,40}$/);
  });

  it('fires on any series the query returns, including the value 0 of a down source', () => {
    const rule = toGrafanaRule(sourceDown);
    assert.deepEqual((rule.data[1] as { model: unknown }).model, { refId: 'C', type: 'math', expression: 'is_number($A)' });
    assert.equal(rule.noDataState, 'OK');
  });

  it("uses Grafana's template data for the value", () => {
    const rule = toGrafanaRule(recoveryExceedingRto);
    assert.match(rule.annotations.description, /\{\{ humanizeDuration \$values\.A\.Value \}\}/);
    assert.doesNotMatch(rule.annotations.description, /\$value \|/);
  });

  it('puts every rule group in the Rebound folder', () => {
    for (const group of provisioned.groups) assert.equal(group.folder, grafana.folder);
  });
});
