// Prometheus HTTP API answers → the DataFrames Grafana's Prometheus data source hands a panel.
// Mirrors Grafana 12's backend converter (pkg/promlib: one frame per series, `Time` + `Value`,
// labels on the value field, `displayNameFromDS`, meta type timeseries-multi / numeric-multi) and,
// for format=table, the frontend's `transformDFToTable` (one frame per refId, a string field per
// label, `Value` or `Value #<refId>`). Used by the unit tests, the preview page and the benchmark,
// so all three feed the panel exactly what Grafana would.
import { DataFrame, Field, FieldType, Labels } from '@grafana/data';

export interface PromMatrixResult {
  metric: Labels;
  values: Array<[number, string]>;
}
export interface PromVectorResult {
  metric: Labels;
  value: [number, string];
}
export type PromResponse =
  | { status: 'success'; data: { resultType: 'matrix'; result: PromMatrixResult[] } }
  | { status: 'success'; data: { resultType: 'vector'; result: PromVectorResult[] } }
  | { status: 'error'; errorType: string; error: string };

export interface PromQueryResult {
  refId: string;
  expr: string;
  format: 'time_series' | 'table';
  stepMs: number;
  response: PromResponse;
}

// Looked up once, not per sample: in jest's jsdom environment a global lookup costs ~25 times what
// it does in Node or a browser, and a 2,000-group fleet is ~21 million samples.
const { round } = Math;
const isFiniteNumber = Number.isFinite;
const parseNumber = parseFloat;

/** Prometheus' sample text → number, as Grafana parses it ("NaN", "+Inf", "-Inf" included). */
export function parseSample(text: string): number {
  // Most samples are plain numbers: no pattern test for them (a 2,000-group fleet has ~21 million).
  const number = parseNumber(text);
  if (isFiniteNumber(number)) {
    return number;
  }
  if (/^[+-]?inf(inity)?$/i.test(text)) {
    return text.startsWith('-') ? -Infinity : Infinity;
  }
  return parseFloat(text);
}

/** `up{job="x", instance="y"}`: the name Grafana's backend gives a series without a legend format. */
export function seriesDisplayName(labels: Labels): string {
  const { __name__: name = '', ...rest } = labels;
  const inner = Object.keys(rest)
    .sort()
    .map((k) => `${k}="${rest[k]}"`)
    .join(', ');
  return `${name}{${inner}}`;
}

/** Backend frames for one query (what arrives before the frontend's table transform). */
export function backendFrames(q: PromQueryResult): DataFrame[] {
  if (q.response.status !== 'success') {
    return [];
  }
  const { resultType } = q.response.data;
  const meta = {
    type: resultType === 'matrix' ? 'timeseries-multi' : 'numeric-multi',
    typeVersion: [0, 1] as [number, number],
    custom: { resultType },
    executedQueryString: `Expr: ${q.expr}\nStep: ${q.stepMs / 1000}s`,
  };
  const results: PromMatrixResult[] =
    resultType === 'matrix'
      ? (q.response.data.result as PromMatrixResult[])
      : (q.response.data.result as PromVectorResult[]).map((r) => ({ metric: r.metric, values: [r.value] }));
  return results.map((r) => ({
    refId: q.refId,
    meta: meta as DataFrame['meta'],
    length: r.values.length,
    fields: [
      { name: 'Time', type: FieldType.time, config: { interval: q.stepMs }, values: r.values.map(([t]) => round(t * 1000)) },
      {
        name: 'Value',
        type: FieldType.number,
        labels: { ...r.metric },
        config: { displayNameFromDS: seriesDisplayName(r.metric) },
        values: r.values.map(([, v]) => parseSample(v)),
      },
    ],
  }));
}

/** The frontend's table transform: all series of one refId become rows of one frame. */
export function tableFrames(frames: DataFrame[], refIdCount: number): DataFrame[] {
  const byRef = new Map<string, DataFrame[]>();
  for (const f of frames) {
    const list = byRef.get(f.refId ?? '') ?? [];
    list.push(f);
    byRef.set(f.refId ?? '', list);
  }
  return Array.from(byRef, ([refId, dfs]) => {
    const labelNames: string[] = [];
    for (const df of dfs) {
      for (const name of Object.keys(df.fields[1]?.labels ?? {}).sort()) {
        if (!labelNames.includes(name)) {
          labelNames.push(name);
        }
      }
    }
    const time: Field = { name: 'Time', type: FieldType.time, config: {}, values: [] };
    const value: Field = { name: refIdCount > 1 ? `Value #${refId}` : 'Value', type: FieldType.number, config: {}, values: [] };
    const labelFields: Field[] = labelNames.map((name) => ({ name, type: FieldType.string, config: { filterable: true }, values: [] }));
    for (const df of dfs) {
      const labels = df.fields[1].labels ?? {};
      df.fields[0].values.forEach((t: number) => time.values.push(t));
      df.fields[1].values.forEach((v: number) => {
        value.values.push(v);
        labelFields.forEach((f) => f.values.push(labels[f.name] ?? ''));
      });
    }
    return {
      refId,
      meta: { ...dfs[0].meta, preferredVisualisationType: 'rawPrometheus' as const },
      fields: [time, ...labelFields, value],
      length: time.values.length,
    };
  });
}

/** All queries of a panel → the frames the panel receives. */
export function framesForPanel(queries: PromQueryResult[]): DataFrame[] {
  const out: DataFrame[] = [];
  const table: DataFrame[] = [];
  for (const q of queries) {
    const frames = backendFrames(q);
    if (q.format === 'table') {
      table.push(...frames);
    } else {
      out.push(...frames.map((f) => ({ ...f, meta: { ...f.meta, preferredVisualisationType: 'graph' as const } })));
    }
  }
  const refIds = new Set(queries.map((q) => q.refId)).size;
  return table.length ? [...out, ...tableFrames(table, refIds)] : out;
}
