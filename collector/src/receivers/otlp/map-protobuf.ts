import { AttributeFactsReader, NO_FACTS as NO_FACTS_IMPORTED, type AttributeFacts } from './attribute-facts';
import type { DecodeBudget } from './decode-budget';
import { readMetric as readMetricImported, readResourceMetrics as readResourceMetricsImported } from './decode-protobuf';
import { mapMetric as mapMetricImported, mapResourceMetrics as mapResourceMetricsImported } from './map-request';
import { MEMBER_METRICS, type MemberMetric } from './member-metrics';
import * as messages from './protobuf-messages';
import { InternedMemo, type WireReader } from './protobuf-wire';
import { recallResource, rememberResource } from './resource-facts-memo';
import type { MetricRefusal, PointMetric, RequestMapping, ResourceContext } from './request-mapping';
import { readWireAttribute as readWireAttributeImported } from './wire-attributes';

/**
 * An `application/x-protobuf` ExportMetricsServiceRequest read straight into
 * the request's member drafts, without the objects decode-protobuf.ts builds:
 * no point, attribute or value object is made, and a value is decoded only
 * where the mapping reads it. The result is exactly that of decoding with
 * decodeProtobufRequest and mapping with map-request.ts (the fuzz test
 * compares them), and so are the errors: every message is entered, counted and
 * checked in the same order as there, so a body gets the same 400 naming the
 * same byte, or the same 413 at the same item.
 *
 * A message is mapped as it is read when what its points need comes first, as
 * every encoder writes it: the resource before the scope metrics. Otherwise
 * (fields out of order, a resource sent twice and merged) that ResourceMetrics
 * is decoded to objects and mapped from them. A metric's name, unit, kind and
 * temporality are looked up by a first pass over its fields' tags.
 */
export function mapProtobufRequest(body: Uint8Array, budget: DecodeBudget, requestMapping: RequestMapping, limits: MappingLimits): void {
  mapping = requestMapping;
  maxValueLength = limits.maxAttributeValueLength;
  maxAttributes = limits.maxAttributes;
  messages.readProtobufBody(body, budget, readRequest);
}

/** The request being mapped now (decoding is synchronous, so one at a time). */
let mapping: RequestMapping;
let maxValueLength: number;
let maxAttributes: number;

/** The limits the mapping reads attributes with (OtlpServerConfig's). */
export interface MappingLimits {
  maxAttributes: number;
  maxAttributeValueLength: number;
}

/** Module-local copies: an imported binding is a getter call under some loaders (tsx), a local one a constant. */
const {
  skipOther,
  enter,
  enterPoint,
  countItems,
  itemsCounted,
  walkNumberDataPoint,
  walkCountedKind,
  REQUEST,
  RESOURCE_METRICS,
  RESOURCE,
  SCOPE_METRICS,
  METRIC,
  GAUGE,
  SUM,
} = messages;
const { NUMBER_DATA_POINT } = messages;
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
const NO_FACTS = NO_FACTS_IMPORTED;
const readWireAttribute = readWireAttributeImported;
const readMetric = readMetricImported;
const readResourceMetrics = readResourceMetricsImported;
const mapMetric = mapMetricImported;
const mapResourceMetrics = mapResourceMetricsImported;
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const FIELD_1_LEN = (1 << 3) | LEN;
const FIELD_2_LEN = (2 << 3) | LEN;
const TEMPORALITY_DELTA = 1;

function readRequest(r: WireReader, end: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) mapResourceMetricsMessage(r, enter(r, end, 1), 1);
    else skipOther(r, tag, end, 0, REQUEST);
  }
}

function mapResourceMetricsMessage(r: WireReader, end: number, depth: number): void {
  const start = r.pos;
  const inOrder = resourceComesFirst(r, end, depth);
  r.pos = start;
  if (!inOrder) return mapResourceMetrics(readResourceMetrics(r, end, depth), mapping, maxValueLength);
  let resource: ResourceContext = { facts: NO_FACTS };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) resource = { facts: resourceFacts(r, enter(r, end, depth + 1), depth + 1) };
    else if (tag === FIELD_2_LEN) mapScopeMetrics(r, enter(r, end, depth + 1), depth + 1, resource);
    else skipOther(r, tag, end, depth, RESOURCE_METRICS);
  }
}

/**
 * Whether a ResourceMetrics has at most one resource, before its scope metrics: a look at its
 * fields' tags and lengths only. Anything unexpected (a wrong wire type, a bad length) says no,
 * and the decode to objects finds and reports it in its place.
 */
function resourceComesFirst(r: WireReader, end: number, depth: number): boolean {
  let resources = 0;
  let scopes = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag >>> 3 === 1 || tag >>> 3 === 2) {
        if ((tag & 7) !== LEN) return false;
        if (tag >>> 3 === 2) scopes++;
        else if (resources++ > 0 || scopes > 0) return false;
      }
      r.skip(tag, end, depth);
    }
  } catch {
    return false;
  }
  return true;
}

/** A Resource's facts: remembered from an earlier request that sent the same bytes (resource-facts-memo.ts), or read. */
function resourceFacts(r: WireReader, end: number, depth: number): AttributeFacts {
  const start = r.pos;
  const remembered = recallResource(r.view, start, end, maxAttributes, maxValueLength);
  if (remembered !== undefined) {
    countItems(remembered.items);
    r.pos = end;
    return remembered.facts;
  }
  const itemsBefore = itemsCounted();
  const facts = readResourceFacts(r, end, depth);
  rememberResource(r.view, start, end, maxAttributes, maxValueLength, facts, itemsCounted() - itemsBefore);
  return facts;
}

function readResourceFacts(r: WireReader, end: number, depth: number): AttributeFacts {
  const reader = new AttributeFactsReader(true, maxValueLength);
  let count = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) {
      count++;
      readWireAttribute(r, enter(r, end, depth + 1), depth + 1, reader);
    } else skipOther(r, tag, end, depth, RESOURCE);
  }
  return mapping.resourceFacts(count, () => reader.finish());
}

function mapScopeMetrics(r: WireReader, end: number, depth: number, resource: ResourceContext): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_2_LEN) mapMetricMessage(r, enter(r, end, depth + 1), depth + 1, resource);
    else skipOther(r, tag, end, depth, SCOPE_METRICS); // field 1, the scope, is skipped
  }
}

/** Metric fields (number << 3 | LEN) whose presence decides how its points are read. */
const NAME_TAG = (1 << 3) | LEN;
const DESCRIPTION_TAG = (2 << 3) | LEN;
const UNIT_TAG = (3 << 3) | LEN;
const GAUGE_TAG = (5 << 3) | LEN;
const SUM_TAG = (7 << 3) | LEN;
const HISTOGRAM_TAG = (9 << 3) | LEN;
const EXPONENTIAL_HISTOGRAM_TAG = (10 << 3) | LEN;
const SUMMARY_TAG = (11 << 3) | LEN;

/** What the first pass over a metric's tags found: where its last name and unit are, which kinds it has, the last temporality. */
const HAS_GAUGE = 1;
const HAS_SUM = 2;
const HAS_HISTOGRAM = 4;
const HAS_EXPONENTIAL_HISTOGRAM = 8;
const HAS_SUMMARY = 16;
let kinds = 0;
let namePos = -1;
let unitPos = -1;
let temporality = 0;

function mapMetricMessage(r: WireReader, end: number, depth: number, resource: ResourceContext): void {
  const start = r.pos;
  if (!readMetricHead(r, end)) {
    r.pos = start;
    const understood = scanMetric(r, end, depth);
    r.pos = start;
    if (!understood) return mapMetric(readMetric(r, end, depth), resource, mapping, maxValueLength);
  }
  const name = stringAt(r, namePos, end);
  const named = namePos < 0 ? undefined : NAMED_METRIC.get(r, name);
  if (named === undefined) return walkMetric(r, end, depth); // not a recovery.member.* metric: not ours to read
  const readGauge = (kinds & HAS_GAUGE) !== 0;
  const readSum = !readGauge && (kinds & HAS_SUM) !== 0;
  const how = readGauge || readSum ? pointMetricOf(r, end, name, named, readSum && temporality === TEMPORALITY_DELTA) : undefined;
  const pointMetric = how !== undefined && 'field' in how ? how : undefined;
  const kindsSeen = kinds;
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
  const unit = named.memberMetric.units === undefined ? '' : stringAt(r, unitPos, end);
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

/**
 * A metric as encoders write it: name, description, unit, then its gauge or sum as the last field.
 * Its name and unit are then final when the points are reached, and it is read in one pass: this
 * stops at the gauge or sum (r.pos at its tag). False for any other layout (scanMetric decides).
 */
function readMetricHead(r: WireReader, end: number): boolean {
  kinds = 0;
  namePos = -1;
  unitPos = -1;
  temporality = 0;
  try {
    while (r.pos < end) {
      const at = r.pos;
      const tag = r.uint32(end);
      if (tag === NAME_TAG || tag === DESCRIPTION_TAG || tag === UNIT_TAG) {
        if (tag === NAME_TAG) namePos = r.pos;
        else if (tag === UNIT_TAG) unitPos = r.pos;
        r.pos = r.endOf(r.uint32(end), end);
        continue;
      }
      if (tag !== GAUGE_TAG && tag !== SUM_TAG) return false;
      const length = r.uint32(end);
      if (r.pos + length !== end) return false;
      kinds = tag === GAUGE_TAG ? HAS_GAUGE : HAS_SUM;
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
function scanMetric(r: WireReader, end: number, depth: number): boolean {
  kinds = 0;
  namePos = -1;
  unitPos = -1;
  temporality = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      if (field === 1 || field === 3 || field === 5 || field === 7 || (field >= 9 && field <= 11)) {
        if ((tag & 7) !== LEN) return false;
        if (field === 1) namePos = r.pos;
        else if (field === 3) unitPos = r.pos;
        else if (field === 5) kinds |= HAS_GAUGE;
        else if (field === 7) {
          kinds |= HAS_SUM;
          const length = r.uint32(end);
          if (!scanSum(r, r.endOf(length, end))) return false;
          continue;
        } else kinds |= field === 9 ? HAS_HISTOGRAM : field === 10 ? HAS_EXPONENTIAL_HISTOGRAM : HAS_SUMMARY;
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
    if (tag === ((2 << 3) | VARINT)) temporality = r.uint32(end) | 0;
    else if (tag >>> 3 === 2) return false;
    else r.skip(tag, end, 0);
  }
  return true;
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
    } else skipOther(r, tag, end, depth, fields); // a sum's temporality (read by scanSum) and is_monotonic
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
