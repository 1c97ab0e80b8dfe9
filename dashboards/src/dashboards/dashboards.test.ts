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

      it('has the datasource, job and cluster variables, and every query uses them', () => {
        const names = variablesOf(board).map((v) => v.name);
        for (const variable of ['datasource', 'job', 'cluster']) assert.ok(names.includes(variable), `no $${variable} variable`);
        for (const panel of panelsOf(board)) {
          for (const target of panel.targets ?? []) {
            assert.ok(!target.expr.includes('job="'), `${panel.title}: a fixed job instead of $job`);
            // Raw metrics carry both; recording rules (level:metric:op) keep the cluster, not the job.
            for (const [, metric, matchers] of target.expr.matchAll(/(?<![:\w])(recovery_[a-z_]+)(\{[^}]*\})?/g)) {
              assert.ok(matchers?.includes('job=~"$job"') && matchers.includes('cluster=~"$cluster"'), `${panel.title}: ${metric} without $job and $cluster`);
            }
            for (const [, record, matchers] of target.expr.matchAll(/(\w+:recovery_[a-z_]+:\w+)(\{[^}]*\})?/g)) {
              assert.ok(matchers?.includes('cluster=~"$cluster"'), `${panel.title}: ${record} without $cluster`);
            }
            for (const [, labels] of target.expr.matchAll(/ by \(([^)]*)\)/g)) {
              if (labels !== 'le' || !target.expr.includes('histogram_quantile'))
                assert.match(labels, /^cluster\b/, `${panel.title}: by (${labels}) drops the cluster`);
            }
          }
        }
      });

      it('keeps data source, job, cluster and time range in every data link, and no localhost link', () => {
        const json = JSON.stringify(board);
        const links = [...json.matchAll(/"url":"([^"]*)"/g)].map((m) => m[1]!);
        assert.ok(links.length > 0);
        for (const url of links.filter((u) => u.startsWith('/d/'))) {
          for (const kept of ['${datasource:queryparam}', '${job:queryparam}', '${cluster:queryparam}', '${__url_time_range}']) {
            assert.ok(url.includes(kept), `${url} drops ${kept}`);
          }
        }
        assert.ok(!links.some((u) => u.includes('localhost')), 'a link to localhost');
      });

      it('says "no data" (or "no episodes") on every stat rather than NaN or an empty box', () => {
        for (const panel of panelsOf(board).filter((p) => p.type === 'stat') as unknown as {
          title: string;
          fieldConfig: { defaults: { noValue?: string; mappings?: { type: string; options: { match?: string } }[] } };
        }[]) {
          assert.ok(panel.fieldConfig.defaults.noValue, `${panel.title}: no noValue`);
          assert.ok(
            panel.fieldConfig.defaults.mappings?.some((m) => m.type === 'special' && m.options.match === 'nan'),
            `${panel.title}: no NaN mapping`,
          );
        }
      });

      it('is read-only like its provisioning, and annotates episodes and firing alerts', () => {
        const json = board as unknown as { editable: boolean; annotations?: { list: { name: string; expr?: string }[] } };
        assert.equal(json.editable, false);
        const names = (json.annotations?.list ?? []).map((a) => a.name);
        assert.ok(names.includes('Recovery episodes') && names.includes('Rebound alerts'), `annotations: ${names.join(', ')}`);
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
      assert.ok(
        panel.targets!.every((t) => t.expr.includes('group="$group"')),
        `${panel.title} ignores $group`,
      );
    }
  });

  it('links both ways: overview → group detail → SLO report → group detail', () => {
    const urls = (board: unknown) => [...JSON.stringify(board).matchAll(/"url":"([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(urls(overviewDashboard()).some((u) => u.startsWith(`/d/${grafana.dashboardUids.groupDetail}?`)));
    assert.ok(urls(groupDetailDashboard()).some((u) => u.startsWith(`/d/${grafana.dashboardUids.sloReport}?`)));
    assert.ok(urls(sloReportDashboard()).some((u) => u.startsWith(`/d/${grafana.dashboardUids.groupDetail}?`)));
  });

  it('draws the burn-rate alert factors as dashed thresholds', () => {
    const burn = panelsOf(sloReportDashboard()).find((p) => p.title === 'Burn rate') as unknown as {
      fieldConfig: { defaults: { custom: { thresholdsStyle: { mode: string } }; thresholds: { steps: { value: number | null }[] } } };
    };
    assert.equal(burn.fieldConfig.defaults.custom.thresholdsStyle.mode, 'dashed');
    assert.deepEqual(
      burn.fieldConfig.defaults.thresholds.steps.map((s) => s.value),
      [null, 0.933333, 2.8, 5.6, 13.44],
    );
  });

  it('SLO report covers share within RTO, budget, burn rate, percentiles and episodes per group', () => {
    const exprs = panelsOf(sloReportDashboard())
      .flatMap((p) => (p.targets ?? []).map((t) => t.expr))
      .join('\n');
    for (const record of ['within_rto', 'error_budget_remaining', 'burn_rate', 'p50', 'p90', 'p99', 'recovery_episodes']) {
      assert.ok(exprs.includes(record), `SLO report lacks ${record}`);
    }
  });
});
