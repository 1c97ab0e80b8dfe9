import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slo } from '../config';
import { regexLiteral } from '../promql';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { recoveryAlertGroups } from './recovery-alerts';
import { isAlertRule, type AlertRule } from './rule-types';
import { runbookUrl } from './runbooks';
import { burnRateAlerts, burnRateFactor, errorBudget, periodRecords, sliRecords, sloRuleGroups, sliWindows } from './slo-rules';

describe('SLO math', () => {
  it('derives the burn-rate factors for a 28 d period from the budget share each window may spend', () => {
    const factors = slo.burnRateAlerts.map((a) => Number(burnRateFactor(a).toFixed(4)));
    assert.deepEqual(factors, [13.44, 5.6, 2.8, 0.9333]);
  });

  it('has a 5 % error budget for a 95 % target', () => {
    assert.equal(Number(errorBudget.toFixed(6)), 0.05);
  });

  it('records every window the alerts and the report need, shortest first', () => {
    assert.deepEqual(sliWindows, ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d']);
  });

  it('folds the burn-rate window pairs into one page and one ticket', () => {
    assert.deepEqual(
      burnRateAlerts.map((a) => a.labels.severity),
      ['critical', 'warning'],
    );
    assert.equal(burnRateAlerts[0]!.expr.split(' or ').length, 2);
  });

  it('orders every recording rule after the records it reads, within its own group', () => {
    for (const rules of [sliRecords, periodRecords]) {
      const names = rules.map((r) => r.record);
      rules.forEach((rule, index) => {
        for (const other of names) {
          if (rule.expr.includes(`${other} `) || rule.expr.endsWith(other) || rule.expr.includes(`${other})`)) {
            assert.ok(names.indexOf(other) < index, `${rule.record} reads ${other}, which must come first`);
          }
        }
      });
      // No record reads one from another group.
      const elsewhere = [...sliRecords, ...periodRecords].map((r) => r.record).filter((n) => !names.includes(n));
      for (const rule of rules) for (const other of elsewhere) assert.ok(!rule.expr.includes(other), `${rule.record} reads ${other} from another group`);
    }
  });
});

describe('regexLiteral', () => {
  it('escapes regex characters for a PromQL double-quoted matcher', () => {
    assert.equal(regexLiteral('orders-db'), 'orders-db');
    assert.equal(regexLiteral('a.b'), 'a\\\\.b');
  });
});

describe('runbooks', () => {
  it('every alert links a runbook page that exists in docs/runbooks', () => {
    const alertsOf = (groups: { rules: unknown[] }[]) => groups.flatMap((g) => g.rules).filter(isAlertRule as (r: unknown) => r is AlertRule);
    const rules = [...alertsOf(sloRuleGroups), ...alertsOf(recoveryAlertGroups)];
    assert.ok(rules.length >= 10);
    for (const rule of rules) {
      assert.equal(rule.annotations.runbook_url, runbookUrl(rule.alert), `${rule.alert} has its runbook_url`);
      assert.ok(existsSync(join(__dirname, '../../../docs/runbooks', `${rule.alert}.md`)), `docs/runbooks/${rule.alert}.md exists`);
      if (rule.annotations.dashboard) assert.match(rule.annotations.dashboard, /^https?:\/\//, `${rule.alert}: absolute dashboard link`);
    }
  });
});
