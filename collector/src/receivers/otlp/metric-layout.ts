import type { WireReader } from './protobuf-wire';

/**
 * What a Metric message holds, found from its fields' tags before its points
 * are read (map-protobuf-metric.ts maps each point as it reads it, so it must
 * know the metric's name, unit, kind and temporality first). Nothing is
 * counted or decoded here; anything unexpected answers false, and the caller
 * decodes the metric to objects, which reports it in its place.
 */

const VARINT = 0;
const LEN = 2;

/** Metric fields (number << 3 | LEN) whose presence decides how its points are read. */
export const NAME_TAG = (1 << 3) | LEN;
const DESCRIPTION_TAG = (2 << 3) | LEN;
const UNIT_TAG = (3 << 3) | LEN;
export const GAUGE_TAG = (5 << 3) | LEN;
export const SUM_TAG = (7 << 3) | LEN;
export const HISTOGRAM_TAG = (9 << 3) | LEN;
export const EXPONENTIAL_HISTOGRAM_TAG = (10 << 3) | LEN;
export const SUMMARY_TAG = (11 << 3) | LEN;

/** What the first pass over a metric's tags found (one metric at a time: decoding is synchronous). */
export const HAS_GAUGE = 1;
export const HAS_SUM = 2;
export const HAS_HISTOGRAM = 4;
export const HAS_EXPONENTIAL_HISTOGRAM = 8;
export const HAS_SUMMARY = 16;
export const layout = {
  /** HAS_* of each kind present. */
  kinds: 0,
  /** Where the last name's length is (-1: none). */
  namePos: -1,
  /** Where the last unit's length is (-1: none). */
  unitPos: -1,
  /** The last sum's aggregation_temporality. */
  temporality: 0,
};

/** Forget the previous metric's layout: each pass fills it from scratch. */
function resetLayout(): void {
  layout.kinds = 0;
  layout.namePos = -1;
  layout.unitPos = -1;
  layout.temporality = 0;
}

/**
 * A metric as encoders write it: name, description, unit, then its gauge or sum as the last field.
 * Its name and unit are then final when the points are reached, and it is read in one pass: this
 * stops at the gauge or sum (r.pos at its tag). False for any other layout (scanMetric decides).
 */
export function readMetricHead(r: WireReader, end: number): boolean {
  resetLayout();
  try {
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.uint32(end);
      if (tag === NAME_TAG || tag === DESCRIPTION_TAG || tag === UNIT_TAG) {
        if (tag === NAME_TAG) layout.namePos = r.pos;
        else if (tag === UNIT_TAG) layout.unitPos = r.pos;
        r.pos = r.endOf(r.uint32(end), end);
        continue;
      }
      if (tag !== GAUGE_TAG && tag !== SUM_TAG) return false;
      const length = r.uint32(end);
      if (r.pos + length !== end) return false;
      layout.kinds = tag === GAUGE_TAG ? HAS_GAUGE : HAS_SUM;
      if (tag === SUM_TAG && !scanSum(r, end)) return false;
      r.pos = at;
      return true;
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * The first pass over a metric: its fields' tags and lengths, and inside each sum its
 * aggregation_temporality. False for anything unexpected, which the decode to objects reports.
 */
export function scanMetric(r: WireReader, end: number, depth: number): boolean {
  resetLayout();
  try {
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      if (field === 1 || field === 3 || field === 5 || field === 7 || (field >= 9 && field <= 11)) {
        if ((tag & 7) !== LEN) return false;
        if (field === 1) layout.namePos = r.pos;
        else if (field === 3) layout.unitPos = r.pos;
        else if (field === 5) layout.kinds |= HAS_GAUGE;
        else if (field === 7) {
          layout.kinds |= HAS_SUM;
          const length = r.uint32(end);
          if (!scanSum(r, r.endOf(length, end))) return false;
          continue;
        } else layout.kinds |= field === 9 ? HAS_HISTOGRAM : field === 10 ? HAS_EXPONENTIAL_HISTOGRAM : HAS_SUMMARY;
      }
      r.skip(tag, end, depth);
    }
  } catch {
    return false;
  }
  return true;
}

/** A sum's fields, for its last aggregation_temporality (a sum sent twice is merged: the last one counts). */
function scanSum(r: WireReader, end: number): boolean {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((2 << 3) | VARINT)) layout.temporality = r.uint32(end) | 0;
    else if (tag >>> 3 === 2) return false;
    else r.skip(tag, end, 0);
  }
  return true;
}
