import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grafana } from '../config';
import { groupDetailDashboard } from './group-detail';
import { overviewDashboard } from './overview';
import { sloReportDashboard } from './slo-report';

interface PanelJson {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}

const boards = [
  ['overview', overviewDashboard()],
  ['group detail', groupDetailDashboard()],
  ['SLO report', sloReportDashboard()],
] as const;

const panelsOf = (board: unknown): PanelJson[] => (board as { panels: PanelJson[] }).panels;
const variablesOf = (board: unknown): { name: string; multi?: boolean }[] => (board as { templating: { list: { name: string }[] } }).templating.list;

describe('dashboards', () => {
  for (const [name, board] of boards) {
    describe(name, () => {
      it('gives every panel a unique id, a place inside 24 columns, and no overlap', () => {
        const panels = panelsOf(board);
        assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
        const cells = new Set<string>();
        for (const { gridPos: g, title } of panels) {
          assert.ok(g.x >= 0 && g.x + g.w <= 24, `${title} is outside the grid`);
          for (let x = g.x; x < g.x + g.w; x++) {
            for (let y = g.y; y < g.y + g.h; y++) {
              assert.ok(!cells.has(`${x},${y}`), `${title} overlaps another panel`);
              cells.add(`${x},${y}`);
            }
          }
        }
      });

      it('queries through the datasource variable, with unique refIds, and explains every panel', () => {
        assert.ok(variablesOf(board).some((v) => v.name === 'datasource'));
        for (const panel of panelsOf(board).filter((p) => p.type !== 'text')) {
          assert.equal(panel.datasource?.uid, '${datasource}', panel.title);
          const refIds = (panel.targets ?? []).map((t) => t.refId);
          assert.ok(refIds.length > 0, `${panel.title} has no query`);
          assert.equal(new Set(refIds).size, refIds.length, `${panel.title} repeats a refId`);
          assert.ok((panel.description ?? '').length > 20, `${panel.title} needs a description`);
        }
      });

      it('selects only the collector job', () => {
        for (const panel of panelsOf(board)) {
          for (const target of panel.targets ?? []) {
            for (const [, metric, matchers] of target.expr.matchAll(/(?<![:\w])(recovery_[a-z_]+)(\{[^}]*\})?/g)) {
              assert.ok(matchers?.includes('job="rebound"'), `${panel.title}: ${metric} without the job selector`);
            }
          }
        }
      });
    });
  }

  it('overview shows the Rebound recovery panel for every group and a state timeline of phases', () => {
    const panels = panelsOf(overviewDashboard());
    const recovery = panels.find((p) => p.type === grafana.recoveryPanelType);
    assert.ok(recovery);
    assert.ok(!recovery.targets!.some((t) => t.expr.includes('group=')), 'the fleet panel must not filter groups');
    assert.ok(panels.some((p) => p.type === 'state-timeline'));
  });

  it('group detail has uid rebound-group-detail and a single-valued group variable used by its panels', () => {
    const board = groupDetailDashboard() as unknown as { uid: string };
    assert.equal(board.uid, 'rebound-group-detail');
    const group = variablesOf(board).find((v) => v.name === 'group');
    assert.ok(group && !group.multi);
    for (const panel of panelsOf(board).filter((p) => p.type !== 'text')) {
      assert.ok(panel.targets!.every((t) => t.expr.includes('group="$group"')), `${panel.title} ignores $group`);
    }
  });

  it('SLO report covers share within RTO, budget, burn rate, percentiles and episodes per group', () => {
    const exprs = panelsOf(sloReportDashboard()).flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    for (const record of ['within_rto', 'error_budget_remaining', 'burn_rate', 'p50', 'p90', 'p99', 'recovery_episodes']) {
      assert.ok(exprs.includes(record), `SLO report lacks ${record}`);
    }
  });
});
