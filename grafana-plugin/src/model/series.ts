import { DataFrame, Field, FieldType, Labels } from '@grafana/data';

import { defaultOptions } from '../types';
import { METRIC_NAMES } from './contract';

/** One Prometheus series as the panel needs it, whichever frame format Grafana delivered it in. */
export interface Series {
  metric: string;
  labels: Labels;
  /** Epoch milliseconds, ascending. */
  times: number[];
  /** Same length as `times`; NaN where Prometheus answered NaN, null where the frame has a gap. */
  values: Array<number | null>;
  /** Query step in ms when the data source reported one (matrix frames carry it on the Time field). */
  stepMs?: number;
  /**
   * `times[times.length - 1]` and `values[times.length - 1]` (undefined without samples), read with the
   * frame: most of the model reads only the newest sample, and reading it while the frame's memory is
   * being read anyway spares a second visit to ~94,000 arrays (a 2,000-group fleet) spread over the heap.
   */
  newestMs: number | undefined;
  newestValue: number | null | undefined;
  /** The value of the panel's group label (`labels[groupLabel]`), read with the frame for the same reason. */
  group: string | undefined;
}

/** A series from its samples (Grafana's arrays, not copied); `groupLabel`: the panel's group label option. */
export function seriesOf(
  metric: string,
  labels: Labels,
  times: number[],
  values: Array<number | null>,
  stepMs: number | undefined,
  groupLabel: string,
): Series {
  const last = times.length - 1;
  return { metric, labels, times, values, stepMs, newestMs: times[last], newestValue: values[last], group: labels[groupLabel] };
}

/**
 * Series `seriesFromFrames` could not read as a contract metric, kept so the panel can say what to
 * change instead of "is the collector scraped?" when the collector is scraped.
 */
export interface UnreadSeries {
  /** refIds of queries returning series with no metric name (no `__name__`, and no field name, legend or refId that is one). */
  unnamedRefIds: Set<string>;
  /** `__name__` values that are not contract metrics (e.g. `up`). */
  otherMetrics: Set<string>;
}

export function noUnreadSeries(): UnreadSeries {
  return { unnamedRefIds: new Set(), otherMetrics: new Set() };
}

/**
 * Frames → series. Handles both shapes Grafana's Prometheus data source produces:
 * - time series (matrix or vector, "timeseries-multi"/"numeric-multi"): one frame per series,
 *   `Time` + one number field whose `labels` hold the series labels (`__name__` included unless aggregated);
 * - table (format=table, `transformDFToTable`): one frame per query, `Time`, one string field per label,
 *   and `Value` (or `Value #A` when the panel has several queries); each row is one series' sample.
 */
export function seriesFromFrames(frames: DataFrame[], unread: UnreadSeries = noUnreadSeries(), groupLabel = defaultOptions.groupLabel): Series[] {
  const out: Series[] = [];
  // Plain loops, no per-frame closures or spreads: a 2,000-group fleet is ~94,000 frames, and
  // reading each frame's fields the first time is most of this function's cost: one pass finds
  // the Time field and tells a table (it has string fields) from a time series frame.
  for (const frame of frames) {
    let time: Field | undefined;
    let table = false;
    for (const f of frame.fields) {
      if (f.type === FieldType.string) {
        table = true;
        break;
      }
      if (time === undefined && f.type === FieldType.time) {
        time = f;
      }
    }
    if (table) {
      seriesFromTable(frame, groupLabel, out, unread);
    } else {
      seriesFromTimeSeries(frame, time, groupLabel, out, unread);
    }
  }
  return out;
}

/** Only reached for a field that is not a contract metric: off the hot path of a well-formed query. */
function noteUnread(unread: UnreadSeries, labels: Labels, frame: DataFrame): void {
  if (labels.__name__ !== undefined) {
    unread.otherMetrics.add(labels.__name__);
  } else {
    unread.unnamedRefIds.add(frame.refId ?? '');
  }
}

/** `time`: the frame's first Time field, if any. */
function seriesFromTimeSeries(frame: DataFrame, time: Field | undefined, groupLabel: string, out: Series[], unread: UnreadSeries): void {
  const stepMs = typeof time?.config.interval === 'number' ? time.config.interval : undefined;
  for (const field of frame.fields) {
    if (field.type !== FieldType.number) {
      continue;
    }
    const labels = field.labels ?? {};
    const metric = metricName(labels, field, frame);
    if (!metric) {
      if (field.values.length > 0) {
        noteUnread(unread, labels, frame);
      }
      continue;
    }
    const times = time ? (time.values as number[]) : field.values.map(() => Date.now());
    out.push(seriesOf(metric, labels, times, numbers(field.values), stepMs, groupLabel));
  }
}

function seriesFromTable(frame: DataFrame, groupLabel: string, out: Series[], unread: UnreadSeries): void {
  const time = frame.fields.find((f) => f.type === FieldType.time);
  const labelFields = frame.fields.filter((f) => f.type === FieldType.string);
  const valueFields = frame.fields.filter((f) => f.type === FieldType.number);
  for (let row = 0; row < frame.length; row++) {
    const labels: Labels = {};
    for (const f of labelFields) {
      const v = f.values[row];
      // transformDFToTable fills '' for a label this series does not have.
      if (v !== '' && v !== null && v !== undefined) {
        labels[f.name] = String(v);
      }
    }
    for (const field of valueFields) {
      const metric = metricName(labels, field, frame);
      if (!metric) {
        noteUnread(unread, labels, frame);
        continue;
      }
      out.push(seriesOf(metric, labels, [time ? Number(time.values[row]) : Date.now()], [toNumber(field.values[row])], undefined, groupLabel));
    }
  }
}

/**
 * The contract metric a field carries: `__name__` when the query kept it, else the field name
 * (dataplane frames name the value field after the metric), the frame name, or the query's refId
 * (a dashboard may name a query after the metric it aggregates, e.g. refId `recovery_group_phase`).
 */
function metricName(labels: Labels, field: Field, frame: DataFrame): string | undefined {
  if (labels.__name__ !== undefined) {
    return METRIC_NAMES.has(labels.__name__) ? labels.__name__ : undefined;
  }
  const display = field.config?.displayNameFromDS;
  const candidates = [labels.__name__, field.name, frame.name, display?.split('{')[0], frame.refId];
  return candidates.find((c): c is string => typeof c === 'string' && METRIC_NAMES.has(c));
}

/**
 * Number fields from Grafana hold numbers and nulls (gaps): the frame's own array is used as is.
 * Hot path (500 groups × 40 series × 240 points), so no copy and no scan; a stray non-number
 * compares unequal to 1 and is not finite, so it can only ever read as "no sample".
 */
function numbers(values: unknown[]): Array<number | null> {
  return values as Array<number | null>;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string') {
    // Prometheus' own spelling of specials, in case a frame kept the raw sample text.
    if (/^\+?inf/i.test(value)) {
      return Infinity;
    }
    if (/^-inf/i.test(value)) {
      return -Infinity;
    }
    return value.trim() === '' ? NaN : Number(value);
  }
  return NaN; // undefined or anything else: no usable sample
}
