import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { isAlertRule, type RuleGroup } from './rule-types';

const prometheusDir = join(__dirname, '..', '..', 'prometheus');
const ruleFiles = readdirSync(prometheusDir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join(prometheusDir, f));
const testsDir = join(prometheusDir, 'tests');
const testFiles = readdirSync(testsDir)
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => join(testsDir, f));
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

function promtool(...args: string[]): string {
  try {
    return execFileSync(PROMTOOL, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed (install it with scripts/ensure-system-deps.sh):\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

describe('Prometheus rule files', () => {
  it('pass promtool check rules', () => {
    const out = promtool('check', 'rules', ...ruleFiles);
    assert.match(out, /SUCCESS/);
  });

  it('pass their promtool unit tests', () => {
    const out = promtool('test', 'rules', ...testFiles);
    assert.doesNotMatch(out, /FAILED/);
  });

  it('every alert has a unit test case and every recording rule is tested directly or through an alert', () => {
    const tests = testFiles.map((f) => readFileSync(f, 'utf8')).join('\n');
    const groups = ruleFiles.flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: RuleGroup[] }).groups);
    const rules = groups.flatMap((g) => g.rules);
    // Covered: named in a test, or feeding (through other rules) something that is.
    const covered = new Set<string>();
    const coveredExprs = rules.filter(isAlertRule).map((r) => r.expr);
    let grew = true;
    while (grew) {
      grew = false;
      for (const rule of rules) {
        if (isAlertRule(rule) || covered.has(rule.record)) continue;
        if (tests.includes(`expr: ${rule.record}`) || coveredExprs.some((e) => e.includes(rule.record))) {
          covered.add(rule.record);
          coveredExprs.push(rule.expr);
          grew = true;
        }
      }
    }
    for (const rule of rules) {
      if (isAlertRule(rule)) {
        assert.match(tests, new RegExp(`alertname: ${rule.alert}\\n`), `no promtool test for alert ${rule.alert}`);
      } else {
        assert.ok(covered.has(rule.record), `recording rule ${rule.record} has no promql_expr_test and feeds no tested rule`);
      }
    }
  });
});
