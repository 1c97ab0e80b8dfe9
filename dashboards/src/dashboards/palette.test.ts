import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  MEMBER_STATUSES,
  MEMBER_STATUS_COLOURS,
  MEMBER_STATUS_RANK,
  METRICS,
  PHASES,
  PHASE_COLOURS,
  PHASE_RANK,
  isMemberStatus,
  isPhase,
} from '@rebound/contract';
import { phaseCodeExpr, statusCodeExpr } from './phases';

/**
 * The generated dashboards (what Grafana loads, not the code that writes them) give every phase and
 * member status the rank and colour of @rebound/contract: the same as the panel's badge, timeline
 * and progress bar. Before the contract, the panel drew recovering blue and stabilizing light green
 * while these state timelines drew them yellow and blue.
 */
const DIR = join(__dirname, '../../grafana/dashboards');
const dashboards = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(DIR, f), 'utf8')) }));

interface Panel {
  title?: string;
  type?: string;
  panels?: Panel[];
  targets?: Array<{ expr?: string }>;
  fieldConfig?: { defaults?: { mappings?: Mapping[] }; overrides?: Override[] };
}
interface Mapping {
  type: string;
  options: Record<string, { text?: string; color?: string }>;
}
interface Override {
  matcher: { id: string; options: string };
  properties: Array<{ id: string; value?: { fixedColor?: string } }>;
}

function panels(list: Panel[] = []): Panel[] {
  return list.flatMap((p) => [p, ...panels(p.panels)]);
}
const allPanels = dashboards.flatMap(({ file, json }) => panels(json.panels).map((panel) => ({ file, panel })));
const where = (file: string, panel: Panel) => `${file}: "${panel.title}"`;

describe('generated dashboards against the contract palette', () => {
  it('value mappings of phases and statuses use the contract rank as the value and its colour', () => {
    let phaseMappings = 0;
    let statusMappings = 0;
    for (const { file, panel } of allPanels) {
      for (const mapping of panel.fieldConfig?.defaults?.mappings ?? []) {
        if (mapping.type !== 'value') continue;
        for (const [value, result] of Object.entries(mapping.options)) {
          if (isPhase(result.text) && Object.values(mapping.options).every((r) => isPhase(r.text))) {
            phaseMappings++;
            assert.equal(Number(value), PHASE_RANK[result.text], `${where(file, panel)}: rank of ${result.text}`);
            assert.equal(result.color, PHASE_COLOURS[result.text], `${where(file, panel)}: colour of ${result.text}`);
          } else if (isMemberStatus(result.text) && Object.values(mapping.options).every((r) => isMemberStatus(r.text))) {
            statusMappings++;
            assert.equal(Number(value), MEMBER_STATUS_RANK[result.text], `${where(file, panel)}: rank of ${result.text}`);
            assert.equal(result.color, MEMBER_STATUS_COLOURS[result.text], `${where(file, panel)}: colour of ${result.text}`);
          }
        }
      }
    }
    // Overview and group detail each have a phase state timeline; the group detail a member one.
    assert.ok(phaseMappings >= 2 * PHASES.length, `phase mappings found: ${phaseMappings}`);
    assert.ok(statusMappings >= MEMBER_STATUSES.length, `status mappings found: ${statusMappings}`);
  });

  it('fixed colours given to a phase by name (tables, bar gauges) are the contract colour', () => {
    let found = 0;
    for (const { file, panel } of allPanels) {
      for (const override of panel.fieldConfig?.overrides ?? []) {
        const name = override.matcher.options;
        if (override.matcher.id !== 'byName' || !isPhase(name)) continue;
        for (const property of override.properties) {
          if (property.id !== 'color') continue;
          found++;
          assert.equal(property.value?.fixedColor, PHASE_COLOURS[name], `${where(file, panel)}: colour of ${name}`);
        }
      }
    }
    assert.ok(found >= PHASES.length, `phase colour overrides found: ${found}`);
  });

  it('queries that turn a phase or status into a number use the contract rank', () => {
    let found = 0;
    for (const { file, panel } of allPanels) {
      for (const target of panel.targets ?? []) {
        for (const m of (target.expr ?? '').matchAll(/(phase|status)="([a-z]+)"\}\) == 1\) \* 0 \+ (\d+)/g)) {
          found++;
          const [, label, name, value] = m;
          const rank = label === 'phase' ? PHASE_RANK[name as keyof typeof PHASE_RANK] : MEMBER_STATUS_RANK[name as keyof typeof MEMBER_STATUS_RANK];
          assert.equal(Number(value), rank, `${where(file, panel)}: ${label} ${name}`);
        }
      }
    }
    assert.ok(found >= 2 * PHASES.length + MEMBER_STATUSES.length, `ranked queries found: ${found}`);
  });
});

/**
 * A bug the contract exposed: the state timelines' queries joined one term per phase with `or` in
 * PHASES order, and `or` keeps its left side, so when two collectors scraped for one group
 * disagreed (one still healthy, one degraded) the timeline showed healthy while the panel, which
 * believes the worse claim, showed degraded. Evaluated by Prometheus' own engine (promtool).
 */
describe('state timeline queries in Prometheus', () => {
  const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
  const dashboardVariables = (expr: string) => expr.replaceAll('$job', '.*').replaceAll('$cluster', '.*');
  const oneHot = (metric: string, labels: string, label: string, values: readonly string[], current: string) =>
    values.map((v) => ({ series: `${metric}{${labels},${label}="${v}"}`, values: v === current ? '1x2' : '0x2' }));

  it('show the worse phase and member status when two collectors disagree, as the panel does', () => {
    const input = [
      ...oneHot(METRICS.groupPhase.name, 'job="rebound",instance="a",group="db"', 'phase', PHASES, 'healthy'),
      ...oneHot(METRICS.groupPhase.name, 'job="rebound",instance="b",group="db"', 'phase', PHASES, 'degraded'),
      ...oneHot(METRICS.memberStatus.name, 'job="rebound",instance="a",group="db",member="db-2"', 'status', MEMBER_STATUSES, 'unknown'),
      ...oneHot(METRICS.memberStatus.name, 'job="rebound",instance="b",group="db",member="db-2"', 'status', MEMBER_STATUSES, 'diverged'),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'rebound-timeline-'));
    try {
      const file = join(dir, 'timeline.test.yml');
      writeFileSync(
        file,
        JSON.stringify({
          rule_files: [],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series: input,
              promql_expr_test: [
                { expr: dashboardVariables(phaseCodeExpr()), eval_time: '1m', exp_samples: [{ labels: '{group="db"}', value: PHASE_RANK.degraded }] },
                {
                  expr: dashboardVariables(statusCodeExpr()),
                  eval_time: '1m',
                  exp_samples: [{ labels: '{group="db",member="db-2"}', value: MEMBER_STATUS_RANK.diverged }],
                },
              ],
            },
          ],
        }),
      );
      let out: string;
      try {
        out = execFileSync(PROMTOOL, ['test', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`promtool test rules failed (install it with scripts/ensure-system-deps.sh):\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
      }
      assert.doesNotMatch(out, /FAILED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
