import { DataFrame } from '@grafana/data';

import { aggregatedQueries } from '../testing/aggregated-queries';
import { PromQueryResult, framesForPanel } from '../testing/prometheus-frames';
import { scenarioGroups, scenarioQuery } from '../testing/scenarios';
import { defaultOptions } from '../types';
import { METRICS } from './contract';
import { panelModel } from './panel-model';

const NOW = Date.UTC(2026, 10, 26, 22, 0, 0);
const healthy = () => scenarioQuery(scenarioGroups('healthy'), NOW);
const SCRAPED = /is the collector scraped/;

/** `max by (group, …)` per metric: phase in A, progress in B, every other metric in C. */
const abc = (metric: string) => (metric === METRICS.phase ? 'A' : metric === METRICS.progress ? 'B' : 'C');

const model = (frames: DataFrame[]) => panelModel(frames, defaultOptions, NOW);

/** Grafana's backend with a legend format: the legend becomes the frame name and the display name. */
function withLegend(frames: DataFrame[], legend: (labels: Record<string, string>) => string): DataFrame[] {
  return frames.map((f) => {
    const [time, value] = f.fields;
    const text = legend(value.labels ?? {});
    return { ...f, name: text, fields: [time, { ...value, config: { ...value.config, displayNameFromDS: text } }] };
  });
}

function instant(q: PromQueryResult): PromQueryResult {
  if (q.response.status !== 'success' || q.response.data.resultType !== 'matrix') {
    throw new Error('expected a matrix');
  }
  const result = q.response.data.result.map((r) => ({ metric: r.metric, value: r.values[r.values.length - 1] }));
  return { ...q, format: 'table', response: { status: 'success', data: { resultType: 'vector', result } } };
}

describe('what the panel says when it finds no recovery_group_phase series', () => {
  it('nothing came back at all: asks whether the collector is scraped', () => {
    expect(model([]).problem).toMatch(/^No recovery_group_phase series: is the collector scraped\?/);
  });

  it('max by (group) with refIds A, B, C: names the queries and says to set the refId or keep __name__, not "is the collector scraped?"', () => {
    const m = model(framesForPanel(aggregatedQueries(healthy(), abc)));
    expect(m.groups).toEqual([]);
    expect(m.problem).toContain('Queries A, B and C return series without a metric name.');
    expect(m.problem).toContain("set each query's refId to the metric it returns (e.g. recovery_group_phase), or add __name__ to its by (…) labels");
    expect(m.problem).not.toMatch(SCRAPED);
  });

  it('the same queries as tables (Value #A, Value #B, Value #C)', () => {
    const m = model(framesForPanel(aggregatedQueries(healthy(), abc).map(instant)));
    expect(m.groups).toEqual([]);
    expect(m.problem).toContain('Queries A, B and C return series without a metric name.');
    expect(m.problem).not.toMatch(SCRAPED);
  });

  it('a legend that replaces the name ({{group}}) on an aggregated query: the query is named, the phases are unknown', () => {
    const named = aggregatedQueries(healthy(), (metric) => (metric === METRICS.phase ? undefined : metric));
    const phase = aggregatedQueries(healthy(), (metric) => (metric === METRICS.phase ? 'Phase' : undefined));
    const m = model([...framesForPanel(named), ...withLegend(framesForPanel(phase), (l) => l.group)]);
    expect(m.groups.length).toBeGreaterThan(0);
    expect(m.groups.every((g) => g.phase === 'unknown')).toBe(true);
    expect(m.problem).toBe(
      "No recovery_group_phase series recognised. Query Phase returns series without a metric name. An aggregation such as max by (group) drops __name__: set each query's refId to the metric it returns (e.g. recovery_group_phase), or add __name__ to its by (…) labels. Phases below are unknown.",
    );
  });

  it('a legend that names the metric is enough', () => {
    const phase = aggregatedQueries(healthy(), (metric) => (metric === METRICS.phase ? 'A' : undefined));
    const m = model(withLegend(framesForPanel(phase), () => METRICS.phase));
    expect(m.groups.length).toBeGreaterThan(0);
    expect(m.problem).toBeUndefined();
  });

  it('other recovery metrics read, no query for the phase: says to add one, not "is the collector scraped?"', () => {
    const m = model(framesForPanel(aggregatedQueries(healthy(), (metric) => (metric === METRICS.phase ? undefined : metric))));
    expect(m.groups.every((g) => g.phase === 'unknown')).toBe(true);
    expect(m.problem).toBe(
      'No recovery_group_phase series: the queries return other recovery_* metrics but not the phase. Add a query for recovery_group_phase. Phases below are unknown.',
    );
  });

  it('queries for other metrics only: names them', () => {
    const up: PromQueryResult = {
      ...healthy(),
      response: { status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'up', job: 'node' }, values: [[NOW / 1000, '1']] }] } },
    };
    const m = model(framesForPanel([up]));
    expect(m.problem).toMatch(/^No recovery_\* series: the queries return up\. Query the collector's metrics/);
  });

  it('phase read, one query unnamed: the groups are shown with a hint naming that query', () => {
    const m = model(framesForPanel(aggregatedQueries(healthy(), (metric) => (metric === METRICS.progress ? 'B' : metric))));
    expect(m.groups.every((g) => g.phase === 'healthy')).toBe(true);
    expect(m.problem).toMatch(/^Query B returns series without a metric name\. Their values are not shown\./);
  });

  it('refIds equal to the metric names, or one query keeping __name__: nothing to say', () => {
    expect(model(framesForPanel(aggregatedQueries(healthy(), (metric) => metric))).problem).toBeUndefined();
    expect(model(framesForPanel([healthy()])).problem).toBeUndefined();
  });
});
