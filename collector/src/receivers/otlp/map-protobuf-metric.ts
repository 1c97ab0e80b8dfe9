import { AttributeFactsReader, NO_FACTS as NO_FACTS_IMPORTED } from './attribute-facts';
import { readMetric as readMetricImported } from './decode-protobuf';
import { mapMetric as mapMetricImported } from './map-request';
import { MEMBER_METRICS, type MemberMetric } from './member-metrics';
import * as metricLayout from './metric-layout';
import * as messages from './protobuf-messages';
import { InternedMemo, type WireReader } from './protobuf-wire';
import type { MetricRefusal, PointMetric, RequestMapping, ResourceContext } from './request-mapping';
import { readWireAttribute as readWireAttributeImported } from './wire-attributes';

/**
 * One Metric message of map-protobuf.ts: its points read straight into the
 * request's drafts, each counted and checked as decode-protobuf.ts would. A
 * metric that is not recovery.member.* is only walked (counted and checked).
 */

/** The request being mapped now (decoding is synchronous, so one at a time); set by map-protobuf.ts. */
let mapping: RequestMapping;
let maxValueLength: number;

export function startMetrics(requestMapping: RequestMapping, maxAttributeValueLength: number): void {
  mapping = requestMapping;
  maxValueLength = maxAttributeValueLength;
}

/** Module-local copies: an imported binding is a getter call under some loaders (tsx), a local one a constant. */
const { skipOther, enter, enterPoint, walkNumberDataPoint, walkCountedKind, METRIC, GAUGE, SUM, NUMBER_DATA_POINT } = messages;
const { layout, readMetricHead, scanMetric, GAUGE_TAG, SUM_TAG, HISTOGRAM_TAG, EXPONENTIAL_HISTOGRAM_TAG, SUMMARY_TAG } = metricLayout;
const { HAS_GAUGE, HAS_SUM, HAS_HISTOGRAM, HAS_EXPONENTIAL_HISTOGRAM, HAS_SUMMARY } = metricLayout;
const NO_FACTS = NO_FACTS_IMPORTED;
const readWireAttribute = readWireAttributeImported;
const readMetric = readMetricImported;
const mapMetric = mapMetricImported;
const I64 = 1;
const LEN = 2;
const FIELD_1_LEN = (1 << 3) | LEN;
const TEMPORALITY_DELTA = 1;

/**
 * Metric names repeat in every resource: their recovery.member.* metric (or none) remembered per
 * interned name, with the PointMetric made last for it (a request sends every member's lag in the
 * same unit: one object serves them all; they are never changed).
 */
interface NamedMetric {
  memberMetric: MemberMetric;
  lastUnit: string;
  lastIsDelta: boolean;
  lastPointMetric: PointMetric | undefined;
}
const NAMED_METRICS = new Map<string, NamedMetric>(
  [...MEMBER_METRICS].map(([name, memberMetric]) => [name, { memberMetric, lastUnit: '', lastIsDelta: false, lastPointMetric: undefined }]),
);
const NAMED_METRIC = new InternedMemo<NamedMetric | undefined>((name) => NAMED_METRICS.get(name));

export function mapMetricMessage(r: WireReader, end: number, depth: number, resource: ResourceContext): void {
  const start = r.pos;
  if (!readMetricHead(r, end)) {
    r.pos = start;
    const understood = scanMetric(r, end, depth);
    r.pos = start;
    if (!understood) return mapMetric(readMetric(r, end, depth), resource, mapping, maxValueLength);
  }
  const name = stringAt(r, layout.namePos, end);
  const named = layout.namePos < 0 ? undefined : NAMED_METRIC.get(r, name);
  if (named === undefined) return walkMetric(r, end, depth); // not a recovery.member.* metric: not ours to read
  const readGauge = (layout.kinds & HAS_GAUGE) !== 0;
  const readSum = !readGauge && (layout.kinds & HAS_SUM) !== 0;
  const how = readGauge || readSum ? pointMetricOf(r, end, name, named, readSum && layout.temporality === TEMPORALITY_DELTA) : undefined;
  const pointMetric = how !== undefined && 'field' in how ? how : undefined;
  const kindsSeen = layout.kinds;
  let points = 0; // of the kind read
  let histogramPoints = 0;
  let exponentialHistogramPoints = 0;
  let summaryPoints = 0;
  const inner = depth + 1;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === GAUGE_TAG) {
      const count = numberPoints(r, enter(r, end, inner), inner, GAUGE, readGauge ? pointMetric : undefined, resource);
      if (readGauge) points += count;
    } else if (tag === SUM_TAG) {
      const count = numberPoints(r, enter(r, end, inner), inner, SUM, readSum ? pointMetric : undefined, resource);
      if (readSum) points += count;
    } else if (tag === HISTOGRAM_TAG) histogramPoints += walkCountedKind(r, enter(r, end, inner), inner);
    else if (tag === EXPONENTIAL_HISTOGRAM_TAG) exponentialHistogramPoints += walkCountedKind(r, enter(r, end, inner), inner);
    else if (tag === SUMMARY_TAG) summaryPoints += walkCountedKind(r, enter(r, end, inner), inner);
    else skipOther(r, tag, end, depth, METRIC); // name and unit (read above), description (2), metadata (12)
  }
  if (how !== undefined) {
    if (pointMetric === undefined) mapping.refuse((how as MetricRefusal).reason, points, (how as MetricRefusal).example);
    return;
  }
  refuseOtherKind(name, kindsSeen, histogramPoints, exponentialHistogramPoints, summaryPoints);
}

/** How the metric's points are read (the one made last for the same unit and temporality), or why they are refused. */
function pointMetricOf(r: WireReader, end: number, name: string, named: NamedMetric, isDelta: boolean): PointMetric | MetricRefusal {
  // The unit is decoded only where it is checked (lag in s or ms, lag_bytes in By, KiB, MiB).
  const unit = named.memberMetric.units === undefined ? '' : stringAt(r, layout.unitPos, end);
  if (named.lastPointMetric !== undefined && named.lastUnit === unit && named.lastIsDelta === isDelta) return named.lastPointMetric;
  const how = mapping.pointMetric(name, unit, named.memberMetric, isDelta);
  if ('field' in how) {
    named.lastUnit = unit;
    named.lastIsDelta = isDelta;
    named.lastPointMetric = how;
  }
  return how;
}

/** A recovery metric sent as a histogram, exponential histogram or summary: its points refused (as map-request.ts does). */
function refuseOtherKind(name: string, seen: number, histogram: number, exponential: number, summary: number): void {
  const kind = seen & HAS_HISTOGRAM ? 'histogram' : seen & HAS_EXPONENTIAL_HISTOGRAM ? 'exponential histogram' : seen & HAS_SUMMARY ? 'summary' : undefined;
  if (kind === undefined) return;
  const count = kind === 'histogram' ? histogram : kind === 'summary' ? summary : exponential;
  if (count === 0) return;
  const { reason, example } = mapping.unsupportedKind(name, kind);
  mapping.refuse(reason, count, example);
}

/** The string whose field's length is at `pos` ('' when there is none). */
function stringAt(r: WireReader, pos: number, end: number): string {
  if (pos < 0) return '';
  const resume = r.pos;
  r.pos = pos;
  const text = r.string(end);
  r.pos = resume;
  return text;
}

/** A metric that is not read: every message in it entered, counted and checked, nothing read. */
function walkMetric(r: WireReader, end: number, depth: number): void {
  const inner = depth + 1;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === GAUGE_TAG) numberPoints(r, enter(r, end, inner), inner, GAUGE, undefined, undefined);
    else if (tag === SUM_TAG) numberPoints(r, enter(r, end, inner), inner, SUM, undefined, undefined);
    else if (tag === HISTOGRAM_TAG || tag === EXPONENTIAL_HISTOGRAM_TAG || tag === SUMMARY_TAG) walkCountedKind(r, enter(r, end, inner), inner);
    else skipOther(r, tag, end, depth, METRIC);
  }
}

/** A gauge's or sum's points: mapped with `metric`, or without one only counted and checked. Returns how many. */
function numberPoints(
  r: WireReader,
  end: number,
  depth: number,
  fields: messages.FieldsRead,
  metric: PointMetric | undefined,
  resource: ResourceContext | undefined,
): number {
  let points = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) {
      const pointEnd = enterPoint(r, end, depth + 1);
      if (metric === undefined) walkNumberDataPoint(r, pointEnd, depth + 1);
      else mapPoint(r, pointEnd, depth + 1, metric, resource!);
      points++;
    } else skipOther(r, tag, end, depth, fields); // a sum's temporality (read by metric-layout.ts) and is_monotonic
  }
  return points;
}

const HAS_DOUBLE = 1;
const HAS_INT = 2;

/** One NumberDataPoint, read as decode-protobuf.ts reads it, into its member's draft. */
function mapPoint(r: WireReader, end: number, depth: number, metric: PointMetric, resource: ResourceContext): void {
  let reader: AttributeFactsReader | undefined;
  let attributes = 0;
  let timeUnixNano = 0;
  let asDouble = 0;
  let asInt = 0;
  let has = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (7 << 3) | LEN:
        attributes++;
        readWireAttribute(r, enter(r, end, depth + 1), depth + 1, (reader ??= new AttributeFactsReader(false, maxValueLength)));
        break;
      case (3 << 3) | I64:
        timeUnixNano = r.fixed64(end);
        break;
      case (4 << 3) | I64:
        asDouble = r.double(end);
        has |= HAS_DOUBLE;
        break;
      case (6 << 3) | I64:
        asInt = r.sfixed64(end);
        has |= HAS_INT;
        break;
      default:
        skipOther(r, tag, end, depth, NUMBER_DATA_POINT); // start_time_unix_nano (2), exemplars (5), flags (8)
    }
  }
  const raw = has & HAS_DOUBLE ? asDouble : has & HAS_INT ? asInt : undefined;
  mapping.addPoint(metric, resource, attributes, reader === undefined ? NO_FACTS : reader.finish(), timeUnixNano, raw);
}
