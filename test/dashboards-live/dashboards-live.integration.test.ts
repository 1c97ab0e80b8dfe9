/**
 * The dashboards and rules against a real Prometheus scraping a real collector that runs the demo
 * cluster: every PromQL expression of every panel, variable and rule must parse and return the
 * series its panel needs, and the demo's stalled recovery must raise RecoveryStalled.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { METRICS } from '@rebound/contract';
import { parse } from 'yaml';
import { selectors, recoveryAlertRuleGroups, recoveryStalledRule, toYaml, type RuleGroup, sloRuleGroups, withinRtoRecord } from '@rebound/dashboards';
import { interpolate, labelValuesQuery, mayBeAbsent, panelQueries, readDashboards, usesVariable, type PanelQueries } from './dashboard-queries';
import { PrometheusApi, type Sample } from './prometheus-api';
import { startDemoCollector, startPrometheus } from '../support/demo-stack';
import { waitFor, type Child } from '../support/processes';

const repoRoot = join(__dirname, '..', '..');
const dashboardsDir = join(repoRoot, 'dashboards/grafana/dashboards');
const ruleFiles = ['recovery-alerts.yml', 'recovery-slo.yml'].map((f) => join(repoRoot, 'dashboards/prometheus', f));
/** The demo runs this many times faster than real time: a 120 s cycle takes 60 s. */
const DEMO_SPEED = Number(process.env.REBOUND_LIVE_DEMO_SPEED ?? 2);
/**
 * RecoveryStalled's window, shrunk like the demo's clock: the database story's partial recovery
 * stalls for 25 simulated seconds (12.5 s at speed 2), far less than the production 10 min.
 */
const STALLED_WINDOW = '5s';

/** The scrape config labels the demo's targets with a cluster, as a multi-cluster setup would. */
const CLUSTER = 'demo';
/** What Grafana would send for the job and cluster variables. */
const DASHBOARD_VARIABLES = { job: 'rebound', cluster: CLUSTER };
const job = /job="([^"]+)"/.exec(selectors.collector)![1];

let dir: string;
let collector: Child | undefined;
let prometheus: Child | undefined;
let api: PrometheusApi;
let groups: string[] = [];
let stalledAlertSeen: { state: string; group?: string } | undefined;
let sloShareSeen: Sample | undefined;

/**
 * The rules as generated (same expressions as the committed files, checked by the dashboards
 * workspace), every group evaluated each second and RecoveryStalled's window shrunk to the demo's
 * clock, so a short run sees them act.
 */
function fastRuleFiles(): string[] {
  const fast = (groups: RuleGroup[]): RuleGroup[] => groups.map((g) => ({ ...g, interval: '1s' }));
  const files: [string, RuleGroup[]][] = [
    ['recovery-alerts.yml', fast(recoveryAlertRuleGroups(recoveryStalledRule(STALLED_WINDOW, '1s')))],
    ['recovery-slo.yml', fast(sloRuleGroups)],
  ];
  return files.map(([name, groups]) => {
    const copy = join(dir, name);
    writeFileSync(copy, toYaml({ groups }));
    return copy;
  });
}

/** Runs every target of a panel; returns series per refId. */
async function runPanel(panel: PanelQueries, variables: Record<string, string>): Promise<Map<string, Sample[]>> {
  const results = new Map<string, Sample[]>();
  for (const target of panel.targets) {
    const expr = interpolate(target.expr, variables);
    try {
      results.set(target.refId, target.instant ? await api.instant(expr) : await api.range(expr, 120));
    } catch (error) {
      throw new Error(`${panel.dashboard} › ${panel.panel} › ${target.refId}: Prometheus rejected\n  ${expr}\n  ${String(error)}`);
    }
  }
  return results;
}

function emptyTargets(panel: PanelQueries, results: Map<string, Sample[]>): string[] {
  return panel.targets.filter((t) => !mayBeAbsent(t.expr) && (results.get(t.refId) ?? []).length === 0).map((t) => t.refId);
}

describe('dashboards and rules against a real Prometheus and the demo collector', { timeout: 600_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-dashboards-live-'));
    const started = await startDemoCollector(dir, DEMO_SPEED);
    collector = started.child;
    const stack = await startPrometheus(dir, {
      metricsPort: started.metricsPort,
      job,
      ruleFiles: fastRuleFiles(),
      labels: { [selectors.clusterLabel]: CLUSTER },
    });
    prometheus = stack.child;
    api = new PrometheusApi(stack.url);
    groups = await waitFor(`${METRICS.groupPhase.name} series in Prometheus`, 60_000, async () => {
      const values = await api.labelValues('group', `${METRICS.groupPhase.name}{${selectors.collector}}`);
      return values.length > 0 ? values : undefined;
    });
    // The demo walks through failure, partial recovery and stabilization; wait for the stall to
    // raise its alert and for at least one episode to complete (the SLO rules need one).
    stalledAlertSeen = await waitFor(
      'RecoveryStalled to go pending or firing from the demo',
      300_000,
      async () => {
        const alert = (await api.alerts()).find((a) => a.labels.alertname === 'RecoveryStalled');
        return alert && { state: alert.state, group: alert.labels.group };
      },
      1000,
    ).catch(() => undefined);
    // A group's first episode creates its histogram series, which increase() cannot count yet;
    // the next one makes the share within RTO a number rather than 0/0.
    sloShareSeen = await waitFor(
      'a number for the share of episodes within RTO',
      300_000,
      async () => {
        const samples = await api.instant(withinRtoRecord);
        return samples.find((sample) => Number.isFinite(Number(sample.value?.[1])));
      },
      1000,
    ).catch(() => undefined);
  });

  after(async () => {
    await prometheus?.stop();
    await collector?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sees the demo stall raise RecoveryStalled (pending or firing)', () => {
    assert.ok(stalledAlertSeen, `RecoveryStalled never went pending or firing.\nalerts seen: see Prometheus; collector log:\n${collector?.tail()}`);
    assert.ok(['pending', 'firing'].includes(stalledAlertSeen.state));
    // The database story is the one whose partial recovery stalls (collector/src/receivers/demo).
    assert.equal(stalledAlertSeen.group, 'orders-db');
  });

  it('computes the share of episodes within RTO from completed demo episodes', () => {
    assert.ok(sloShareSeen, `${withinRtoRecord} never became a number`);
    const share = Number(sloShareSeen.value![1]);
    assert.ok(share >= 0 && share <= 1, `share within RTO ${share} is not a ratio`);
  });

  it('evaluates every alert and recording rule without error', async (t) => {
    for (const group of await api.ruleGroupEvaluationSeconds()) {
      t.diagnostic(`rule group ${group.name}: last evaluation ${(group.seconds * 1000).toFixed(2)} ms`);
    }
    const rules = await api.ruleHealth();
    const expected = ruleFiles.flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: { rules: unknown[] }[] }).groups.flatMap((g) => g.rules));
    assert.equal(rules.length, expected.length, 'Prometheus loaded a different number of rules than the files hold');
    const broken = rules.filter((r) => r.health !== 'ok');
    assert.deepEqual(broken, [], 'rules whose evaluation failed');
  });

  it('records every SLO series for the demo groups', async () => {
    const records = (parse(readFileSync(ruleFiles[1], 'utf8')) as { groups: { rules: { record?: string }[] }[] }).groups
      .flatMap((g) => g.rules)
      .flatMap((r) => (r.record ? [r.record] : []));
    // A group has SLO samples only once an episode completed in the window (no episodes is no
    // data), and the rule groups are evaluated independently: give every window a few evaluations.
    let missing: string[] = [];
    await waitFor('every SLO record to have a series', 30_000, async () => {
      missing = [];
      for (const record of records) if ((await api.instant(record)).length === 0) missing.push(record);
      return missing.length === 0 ? true : undefined;
    }).catch(() => undefined);
    assert.deepEqual(missing, [], 'recording rules that produced no series against the demo');
  });

  for (const dashboard of readDashboards(dashboardsDir)) {
    describe(dashboard.title, () => {
      it('answers every template variable', async () => {
        for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
          const query = labelValuesQuery(variable);
          assert.ok(query, `variable ${variable.name}: only label_values(selector, label) is supported here`);
          const values = await api.labelValues(query.label, interpolate(query.match, DASHBOARD_VARIABLES));
          assert.ok(values.length > 0, `variable ${variable.name} has no values: ${JSON.stringify(variable.query)}`);
        }
      });

      for (const panel of panelQueries(dashboard)) {
        it(`panel "${panel.panel}" gets data from every query`, async () => {
          const perGroup = panel.targets.some((t) => usesVariable(t.expr, 'group'));
          // A $group panel must show data for at least one demo group (the one the demo breaks).
          const candidates = perGroup ? groups : ['.*'];
          const failures: string[] = [];
          for (const group of candidates) {
            const results = await runPanel(panel, { ...DASHBOARD_VARIABLES, group, __range: '1h' });
            const empty = emptyTargets(panel, results);
            const total = [...results.values()].reduce((n, r) => n + r.length, 0);
            if (empty.length === 0 && total > 0) return;
            failures.push(`group=${group}: empty ${empty.join(', ') || '(all)'}`);
          }
          assert.fail(
            `${dashboard.title} › ${panel.panel} is empty against the demo:\n  ${failures.join('\n  ')}\n  ${panel.targets.map((t) => `${t.refId}: ${t.expr}`).join('\n  ')}`,
          );
        });
      }
    });
  }
});
