import { DataFrame, FieldType } from '@grafana/data';

import { FIXTURE_NOW_MS, matrixPhaseFrame, tableFrame } from '../__fixtures__/grafana-frames';
import { PromQueryResult, framesForPanel } from '../testing/prometheus-frames';
import { scenarioGroups, scenarioQuery } from '../testing/scenarios';
import { RecoveryPanelOptions, defaultOptions } from '../types';
import { divergenceText, elapsedText, etaText, hiddenInstabilityText, permissionDriftText, permissionsNotObservedText, sharedDomainText } from './describe';
import { GroupModel } from './group-model';
import { panelModel } from './panel-model';
import { effectivePhase } from './sort';

const NOW = Date.UTC(2026, 10, 26, 22, 0, 0);

function scenario(name: string, options: Partial<RecoveryPanelOptions> = {}, format: 'time_series' | 'table' = 'time_series') {
  const query = scenarioQuery(scenarioGroups(name), NOW);
  const q = format === 'table' ? instant(query) : query;
  return panelModel(framesForPanel([q]), { ...defaultOptions, ...options }, NOW);
}

function instant(q: PromQueryResult): PromQueryResult {
  if (q.response.status !== 'success' || q.response.data.resultType !== 'matrix') {
    throw new Error('expected a matrix');
  }
  const result = q.response.data.result.map((r) => ({ metric: r.metric, value: r.values[r.values.length - 1] }));
  return { ...q, format: 'table', response: { status: 'success', data: { resultType: 'vector', result } } };
}

const byName = (groups: GroupModel[], name: string) => {
  const g = groups.find((x) => x.group === name);
  if (!g) {
    throw new Error(`no group ${name} in ${groups.map((x) => x.group).join(', ')}`);
  }
  return g;
};

describe('panelModel', () => {
  describe('worst first', () => {
    it('orders by phase severity (degraded > partial > unknown > recovering > stabilizing > healthy), then time over RTO', () => {
      const { groups } = scenario('incident');
      expect(groups.map((g) => [g.group, effectivePhase(g)])).toEqual([
        ['ledger', 'degraded'],
        ['orders-db', 'partial'],
        ['payments', 'unknown'],
        ['sessions', 'recovering'],
        ['<img src=x onerror="window.__xss=1">', 'healthy'],
        ['cache', 'healthy'],
        ['search', 'healthy'],
      ]);
    });

    it('puts the group further over its RTO first within one phase', () => {
      const frames = framesForPanel([
        scenarioQuery(
          [
            {
              group: 'a',
              rtoSeconds: 600,
              phases: [[3600, 'degraded']],
              episodeStartedAgo: 300,
              progress: 0,
              members: [{ member: 'x', status: 'unreachable' }],
            },
            {
              group: 'b',
              rtoSeconds: 60,
              phases: [[3600, 'degraded']],
              episodeStartedAgo: 120,
              progress: 0,
              members: [{ member: 'x', status: 'unreachable' }],
            },
          ],
          NOW,
        ),
      ]);
      expect(panelModel(frames, defaultOptions, NOW).groups.map((g) => g.group)).toEqual(['b', 'a']);
    });
  });

  describe('signals in words', () => {
    it('mid-recovery: elapsed against RTO and an ETA', () => {
      const g = byName(scenario('mid-recovery').groups, 'orders-db');
      expect(g.phase).toBe('recovering');
      expect(elapsedText(g)).toBe('7m 12s of 15m');
      expect(etaText(g)).toBe('ETA 2m 40s');
      expect(g.progressRatio).toBeCloseTo(0.62);
      expect(divergenceText(g)).toBe('2 of 3 replicas lagging');
      expect(hiddenInstabilityText(g)).toBe('serving, but 2 replicas not converged');
    });

    it('stalled partial recovery: says stalled, names the drifted member and the shared zone', () => {
      const { groups } = scenario('stalled-partial');
      const orders = byName(groups, 'orders-db');
      expect(orders.phase).toBe('partial');
      expect(orders.etaSeconds).toBeUndefined();
      expect(etaText(orders)).toBe('stalled');
      expect(permissionDriftText(orders)).toBe('permissions drift on pg-2');
      expect(divergenceText(orders)).toBe('3 of 5 replicas not converged (2 lagging, 1 diverged)');
      expect(orders.lagHistory.length).toBeGreaterThan(10);
      expect(orders.phaseHistory.map((s) => s.phase)).toEqual(['healthy', 'degraded', 'recovering', 'partial']);
      // Built on first read (only cards in view draw history), then kept: memoised cards see one array.
      expect(orders.lagHistory).toBe(orders.lagHistory);
      expect(orders.phaseHistory).toBe(orders.phaseHistory);
      const cache = byName(groups, 'cache');
      expect(cache.sharedDomains.map(sharedDomainText)).toEqual(['all replicas in zone eu-1a']);
    });

    it('stale data: the last phase is history, shown as unknown and ranked above healthy', () => {
      const { groups } = scenario('stale');
      const stale = groups.filter((g) => g.stale).map((g) => g.group);
      expect(stale.sort()).toEqual(['cache', 'orders-db', 'payments']);
      expect(groups.slice(0, 3).every((g) => g.stale)).toBe(true);
      expect(etaText(byName(groups, 'cache'))).toBe('no ETA: data stale (last: healthy)');
    });

    it('unknown members count as not converged', () => {
      const g = byName(scenario('incident').groups, 'payments');
      expect(divergenceText(g)).toBe('2 of 2 replicas unknown');
      expect(etaText(g)).toBe('no ETA: phase unknown');
    });

    it('the RTO override replaces the collector RTO', () => {
      const g = byName(scenario('mid-recovery', { rtoOverrideSeconds: 600 }).groups, 'orders-db');
      expect(elapsedText(g)).toBe('7m 12s of 10m');
    });
  });

  describe('formats', () => {
    it('instant queries with format=table give the same phases and words as range queries', () => {
      const range = scenario('incident');
      const table = scenario('incident', {}, 'table');
      expect(table.groups.map((g) => [g.group, g.phase])).toEqual(range.groups.map((g) => [g.group, g.phase]));
      expect(table.groups.map(etaText)).toEqual(range.groups.map(etaText));
      expect(table.groups.map(permissionDriftText)).toEqual(range.groups.map(permissionDriftText));
    });

    it('reads the literal Grafana frames (matrix and table with `Value #A`)', () => {
      const m = panelModel([matrixPhaseFrame], defaultOptions, FIXTURE_NOW_MS);
      expect(m.groups[0]).toMatchObject({ group: 'orders-db', phase: 'partial', stale: false });
      const t = panelModel([tableFrame], defaultOptions, FIXTURE_NOW_MS);
      expect(t.groups[0]).toMatchObject({ group: 'orders-db', phase: 'partial' });
      expect(t.groups[0].members).toEqual([{ member: 'pg-2', status: 'unknown', permissionDrift: false, lagSeconds: 42.5 }]);
    });
  });

  describe('bad data', () => {
    it('no frames: a hint to check the scrape', () => {
      expect(panelModel([], defaultOptions, NOW)).toEqual({
        groups: [],
        problem: expect.stringContaining('No recovery_group_phase series: is the collector scraped?'),
      });
    });

    it('member series without phase series: groups stay unknown, with the hint', () => {
      const frames = framesForPanel([scenarioQuery(scenarioGroups('healthy'), NOW)]).filter((f) => f.fields[1].labels?.__name__ !== 'recovery_group_phase');
      const m = panelModel(frames, defaultOptions, NOW);
      expect(m.problem).toContain('No recovery_group_phase series');
      expect(m.groups.every((g) => g.phase === 'unknown')).toBe(true);
    });

    it('a group label that no series carries is named in the hint', () => {
      const m = panelModel(framesForPanel([scenarioQuery(scenarioGroups('healthy'), NOW)]), { ...defaultOptions, groupLabel: 'cluster' }, NOW);
      expect(m).toEqual({ groups: [], problem: expect.stringContaining('"cluster"') });
    });

    it('NaN as the newest value is no value, never 0 % or 100 %', () => {
      const frame = phaseFrame('g', 'recovering', [1, 1]);
      const progress = numberFrame('recovery_group_progress_ratio', { group: 'g' }, [0.4, NaN]);
      const [g] = panelModel([frame, progress], defaultOptions, 2000).groups;
      expect(g.progressRatio).toBeUndefined();
    });

    it('duplicated labels (two collectors): an ended series does not speak for now; simultaneous claims give the worse phase', () => {
      const old = phaseFrame('g', 'healthy', [1, 1], [0, 1000], 'old:9464');
      const current = phaseFrame('g', 'recovering', [1, 1, 1, 1], [0, 1000, 60000, 61000], 'new:9464');
      expect(panelModel([old, current], defaultOptions, 61000).groups[0].phase).toBe('recovering');
      const a = phaseFrame('g', 'healthy', [1], [5000], 'a:9464');
      const b = phaseFrame('g', 'degraded', [1], [5000], 'b:9464');
      expect(panelModel([a, b], defaultOptions, 5000).groups[0].phase).toBe('degraded');
    });
  });
});

function numberFrame(metric: string, labels: Record<string, string>, values: number[], times = values.map((_, i) => i * 1000)): DataFrame {
  return {
    refId: 'A',
    length: values.length,
    fields: [
      { name: 'Time', type: FieldType.time, config: { interval: 1000 }, values: times },
      { name: 'Value', type: FieldType.number, config: {}, labels: { __name__: metric, ...labels }, values },
    ],
  };
}

function phaseFrame(group: string, phase: string, values: number[], times?: number[], instance = 'c:9464'): DataFrame {
  return numberFrame('recovery_group_phase', { group, phase, instance }, values, times);
}

describe('ETA from the expected completion time', () => {
  it('is the deadline minus the panel’s now, so a sample scraped 15 s ago does not overstate what is left', () => {
    const phase = phaseFrame('g', 'recovering', [1, 1], [0, 15_000]);
    // The collector said 60 s left at t=0 (deadline t=60 s) and the scrape at 15 s still carries the tick's figure.
    const eta = numberFrame('recovery_group_eta_seconds', { group: 'g' }, [60, 60], [0, 15_000]);
    const deadline = numberFrame('recovery_group_eta_timestamp_seconds', { group: 'g' }, [60, 60], [0, 15_000]);
    const [g] = panelModel([phase, eta, deadline], defaultOptions, 30_000).groups;
    expect(g.etaSeconds).toBe(30);
    expect(etaText(g)).toBe('ETA 30s');
    const [past] = panelModel([phase, eta, deadline], defaultOptions, 75_000).groups;
    expect(past.etaSeconds).toBe(0);
  });

  it('falls back to recovery_group_eta_seconds from a collector without the deadline', () => {
    const phase = phaseFrame('g', 'recovering', [1, 1], [0, 15_000]);
    const eta = numberFrame('recovery_group_eta_seconds', { group: 'g' }, [60, 45], [0, 15_000]);
    expect(panelModel([phase, eta], defaultOptions, 15_000).groups[0].etaSeconds).toBe(45);
  });
});

describe('etaText without an ETA series', () => {
  it('recovering: no ETA yet (progress is observed, the rate is not); partial/degraded: stalled', () => {
    const frames = framesForPanel([
      scenarioQuery(
        [
          {
            group: 'r',
            rtoSeconds: 600,
            phases: [[3600, 'recovering']],
            episodeStartedAgo: 60,
            progress: 0.3,
            members: [{ member: 'x', status: 'lagging', lagSeconds: 5 }],
          },
          {
            group: 'p',
            rtoSeconds: 600,
            phases: [[3600, 'partial']],
            episodeStartedAgo: 60,
            progress: 0.3,
            members: [{ member: 'x', status: 'lagging', lagSeconds: 5 }],
          },
        ],
        NOW,
      ),
    ]);
    const { groups } = panelModel(frames, defaultOptions, NOW);
    expect(etaText(byName(groups, 'r'))).toBe('no ETA yet');
    expect(etaText(byName(groups, 'p'))).toBe('stalled');
  });
});

describe('one query per contract metric (as the Rebound dashboards query)', () => {
  it('reads frames whose refId names the metric, with or without __name__ (aggregated queries drop it)', () => {
    const whole = scenarioQuery(scenarioGroups('incident'), NOW);
    if (whole.response.status !== 'success' || whole.response.data.resultType !== 'matrix') {
      throw new Error('expected a matrix');
    }
    const byMetric = new Map<string, typeof whole.response.data.result>();
    for (const r of whole.response.data.result) {
      const { __name__: name, ...labels } = r.metric;
      byMetric.set(name, [...(byMetric.get(name) ?? []), { metric: labels, values: r.values }]);
    }
    const queries: PromQueryResult[] = Array.from(byMetric, ([name, result]) => ({
      refId: name,
      expr: `max by (group, member, phase, status, dimension, value) (${name})`,
      format: 'time_series',
      stepMs: 15000,
      response: { status: 'success', data: { resultType: 'matrix', result } },
    }));
    const split = panelModel(framesForPanel(queries), defaultOptions, NOW);
    const reference = scenario('incident');
    expect(split.groups.map((g) => [g.group, g.phase, etaText(g), permissionDriftText(g)])).toEqual(
      reference.groups.map((g) => [g.group, g.phase, etaText(g), permissionDriftText(g)]),
    );
  });
});

describe('permissions of a group no member reports them for', () => {
  const at = (NOW - 1000) / 1000;
  const series = (metric: Record<string, string>, value: string) => ({ metric, values: [[at, value]] as Array<[number, string]> });
  const query = (withRatio: boolean): PromQueryResult => ({
    refId: 'A',
    expr: '{__name__=~"recovery_(group|member)_.*"}',
    format: 'time_series',
    stepMs: 1000,
    response: {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          series({ __name__: 'recovery_group_phase', group: 'cache', phase: 'healthy' }, '1'),
          series({ __name__: 'recovery_group_phase', group: 'sessions', phase: 'healthy' }, '1'),
          ...(withRatio ? [series({ __name__: 'recovery_group_permission_consistency_ratio', group: 'cache' }, '1')] : []),
        ],
      },
    },
  });

  it('says "permissions: not observed" for the group without a consistency ratio, nothing for the one with it', () => {
    const { groups } = panelModel(framesForPanel([query(true)]), defaultOptions, NOW);
    expect(permissionsNotObservedText(byName(groups, 'sessions'))).toBe('permissions: not observed');
    expect(permissionsNotObservedText(byName(groups, 'cache'))).toBeUndefined();
  });

  it('claims nothing when the queries do not carry the ratio at all', () => {
    const { groups } = panelModel(framesForPanel([query(false)]), defaultOptions, NOW);
    expect(groups.map(permissionsNotObservedText)).toEqual([undefined, undefined]);
  });
});
