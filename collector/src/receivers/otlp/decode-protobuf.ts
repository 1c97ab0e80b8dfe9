import type { DecodeBudget } from './decode-budget';
import type { OtlpAnyValue, OtlpKeyValue, OtlpMetric, OtlpMetricsRequest, OtlpNumberDataPoint, OtlpResourceMetrics, OtlpScopeMetrics } from './otlp-types';
import * as messages from './protobuf-messages';
import type { WireReader } from './protobuf-wire';

/**
 * An `application/x-protobuf` ExportMetricsServiceRequest decoded by hand into
 * the objects the mapping reads (otlp-types.ts), the fields of
 * opentelemetry-proto v1.x that Rebound reads and nothing else: resource
 * attributes, metric name and unit, gauge and sum points (attributes, time,
 * value), the temporality; histogram, exponential histogram and summary points
 * only counted (they are refused by number). Everything else — scopes,
 * descriptions, start times, flags, exemplars, buckets, schema URLs, unknown
 * fields — is skipped by its length without being decoded. Arrays and maps
 * inside attribute values are walked (counted and checked) but not built:
 * only their presence is read.
 *
 * Results equal protobufjs's with the schema in otlp-schema.ts
 * (decode-protobuf.fuzz.test.ts compares them): a message field sent twice is
 * merged, a scalar sent twice takes the last value, 64-bit integers are numbers
 * (the nearest double, as Long.toNumber gives). Stricter where protobufjs
 * guesses: a field Rebound reads that arrives with another wire type is a 400
 * (protobufjs skips it as unknown), as is a length past its message.
 *
 * Every message counts toward `max_items_per_request` (data points toward
 * `max_points_per_request` too) before it is decoded, exactly the messages
 * protobufjs decodes, so a hostile body is refused at the same item (413).
 */
export function decodeProtobufRequest(body: Uint8Array, requestBudget?: DecodeBudget): OtlpMetricsRequest {
  return readProtobufBody(body, requestBudget, readRequest);
}

/**
 * Module-local copies of what is read per field: an imported binding is a getter call under some
 * loaders (tsx), a local one a constant.
 */
const { readProtobufBody, skipOther, enter, enterPoint, walkArrayValue, walkKeyValueList, walkCountedKind } = messages;
const { REQUEST, RESOURCE_METRICS, RESOURCE, SCOPE_METRICS, METRIC, GAUGE, SUM, NUMBER_DATA_POINT, KEY_VALUE, ANY_VALUE } = messages;
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const FIELD_1_LEN = (1 << 3) | LEN;
const FIELD_2_LEN = (2 << 3) | LEN;

/** A histogram, exponential histogram or summary point: counted, never read. */
const COUNTED_POINT = Object.freeze({});
/** An array or key-value list attribute value: walked, not built (only its presence is read). */
const NOT_BUILT = Object.freeze({});

function readRequest(r: WireReader, end: number): OtlpMetricsRequest {
  const resourceMetrics: OtlpResourceMetrics[] = [];
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) resourceMetrics.push(readResourceMetrics(r, enter(r, end, 1), 1));
    else skipOther(r, tag, end, 0, REQUEST);
  }
  return { resourceMetrics };
}

export function readResourceMetrics(r: WireReader, end: number, depth: number): OtlpResourceMetrics {
  let resource: { attributes: OtlpKeyValue[] } | null = null;
  const scopeMetrics: OtlpScopeMetrics[] = [];
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) resource = readResource(r, enter(r, end, depth + 1), depth + 1, resource);
    else if (tag === FIELD_2_LEN) scopeMetrics.push(readScopeMetrics(r, enter(r, end, depth + 1), depth + 1));
    else skipOther(r, tag, end, depth, RESOURCE_METRICS);
  }
  return { resource, scopeMetrics };
}

/** `into`: the resource already decoded from an earlier copy of the field (merged, as protobuf does). */
function readResource(r: WireReader, end: number, depth: number, into: { attributes: OtlpKeyValue[] } | null): { attributes: OtlpKeyValue[] } {
  const resource = into ?? { attributes: [] };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) {
      resource.attributes.push(readKeyValue(r, enter(r, end, depth + 1), depth + 1));
    } else skipOther(r, tag, end, depth, RESOURCE);
  }
  return resource;
}

function readScopeMetrics(r: WireReader, end: number, depth: number): OtlpScopeMetrics {
  const metrics: OtlpMetric[] = [];
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_2_LEN) metrics.push(readMetric(r, enter(r, end, depth + 1), depth + 1));
    else skipOther(r, tag, end, depth, SCOPE_METRICS); // field 1, the scope, is skipped
  }
  return { metrics };
}

type Gauge = NonNullable<OtlpMetric['gauge']>;
type Sum = NonNullable<OtlpMetric['sum']>;
type CountedKind = { dataPoints: unknown[] };

export function readMetric(r: WireReader, end: number, depth: number): OtlpMetric {
  const metric: OtlpMetric = { name: '', unit: '', gauge: null, sum: null, histogram: null, exponentialHistogram: null, summary: null };
  const inner = depth + 1;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (1 << 3) | LEN:
        metric.name = r.string(end);
        break;
      case (3 << 3) | LEN:
        metric.unit = r.string(end);
        break;
      case (5 << 3) | LEN:
        metric.gauge = readGauge(r, enter(r, end, inner), inner, metric.gauge ?? null);
        break;
      case (7 << 3) | LEN:
        metric.sum = readSum(r, enter(r, end, inner), inner, metric.sum ?? null);
        break;
      case (9 << 3) | LEN:
        metric.histogram = readCountedKind(r, enter(r, end, inner), inner, (metric.histogram as CountedKind | null) ?? null);
        break;
      case (10 << 3) | LEN:
        metric.exponentialHistogram = readCountedKind(r, enter(r, end, inner), inner, (metric.exponentialHistogram as CountedKind | null) ?? null);
        break;
      case (11 << 3) | LEN:
        metric.summary = readCountedKind(r, enter(r, end, inner), inner, (metric.summary as CountedKind | null) ?? null);
        break;
      default:
        skipOther(r, tag, end, depth, METRIC); // description (2), metadata (12)
    }
  }
  return metric;
}

function readGauge(r: WireReader, end: number, depth: number, into: Gauge | null): Gauge {
  const gauge = into ?? { dataPoints: [] };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) gauge.dataPoints.push(readNumberDataPoint(r, enterPoint(r, end, depth + 1), depth + 1));
    else skipOther(r, tag, end, depth, GAUGE);
  }
  return gauge;
}

function readSum(r: WireReader, end: number, depth: number, into: Sum | null): Sum {
  const sum = into ?? { dataPoints: [], aggregationTemporality: 0, isMonotonic: false };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) sum.dataPoints.push(readNumberDataPoint(r, enterPoint(r, end, depth + 1), depth + 1));
    else if (tag === ((2 << 3) | VARINT)) sum.aggregationTemporality = r.uint32(end) | 0;
    else if (tag === ((3 << 3) | VARINT)) sum.isMonotonic = r.uint32(end) !== 0;
    else skipOther(r, tag, end, depth, SUM);
  }
  return sum;
}

/** A histogram, exponential histogram or summary: its points counted (and checked), nothing read. */
function readCountedKind(r: WireReader, end: number, depth: number, into: CountedKind | null): CountedKind {
  const kind = into ?? { dataPoints: [] };
  for (let points = walkCountedKind(r, end, depth); points > 0; points--) kind.dataPoints.push(COUNTED_POINT);
  return kind;
}

const HAS_DOUBLE = 1;
const HAS_INT = 2;

function readNumberDataPoint(r: WireReader, end: number, depth: number): OtlpNumberDataPoint {
  const attributes: OtlpKeyValue[] = [];
  let timeUnixNano = 0;
  let asDouble = 0;
  let asInt = 0;
  let has = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (7 << 3) | LEN:
        attributes.push(readKeyValue(r, enter(r, end, depth + 1), depth + 1));
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
  // The value is an own property exactly when it was sent (otlp-types.ts); one literal per case keeps the shapes few.
  if (has === HAS_DOUBLE) return { attributes, timeUnixNano, asDouble };
  if (has === HAS_INT) return { attributes, timeUnixNano, asInt };
  if (has === 0) return { attributes, timeUnixNano };
  return { attributes, timeUnixNano, asDouble, asInt };
}

function readKeyValue(r: WireReader, end: number, depth: number): OtlpKeyValue {
  let key = '';
  let value: OtlpAnyValue | null = null;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) key = r.string(end);
    else if (tag === FIELD_2_LEN) value = readAnyValue(r, enter(r, end, depth + 1), depth + 1, value);
    else skipOther(r, tag, end, depth, KEY_VALUE);
  }
  return { key, value };
}

const STRING = 1;
const BOOL = 2;
const INT = 4;
const DOUBLE = 8;
const ARRAY = 16;
const KVLIST = 32;
const BYTES = 64;

/** `{stringValue: "eu-1a"}`: the member sent is an own property; `into`, an earlier copy of the field, merged. */
function readAnyValue(r: WireReader, end: number, depth: number, into: OtlpAnyValue | null): OtlpAnyValue {
  let has = 0;
  let stringValue = '';
  let boolValue = false;
  let intValue = 0;
  let doubleValue = 0;
  let bytesValue: Buffer | undefined;
  // Nearly every value is one string and nothing else: read it without the loop.
  if (r.pos < end && r.buf[r.pos] === FIELD_1_LEN) {
    r.pos++;
    stringValue = r.string(end);
    if (r.pos === end && into === null) return { stringValue };
    has = STRING;
  }
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case (1 << 3) | LEN:
        stringValue = r.string(end);
        has |= STRING;
        break;
      case (2 << 3) | VARINT:
        boolValue = r.uint32(end) !== 0;
        has |= BOOL;
        break;
      case (3 << 3) | VARINT:
        intValue = r.int64(end);
        has |= INT;
        break;
      case (4 << 3) | I64:
        doubleValue = r.double(end);
        has |= DOUBLE;
        break;
      case (5 << 3) | LEN:
        walkArrayValue(r, enter(r, end, depth + 1), depth + 1);
        has |= ARRAY;
        break;
      case (6 << 3) | LEN:
        walkKeyValueList(r, enter(r, end, depth + 1), depth + 1);
        has |= KVLIST;
        break;
      case (7 << 3) | LEN:
        bytesValue = r.bytes(end);
        has |= BYTES;
        break;
      default:
        skipOther(r, tag, end, depth, ANY_VALUE);
    }
  }
  let value: OtlpAnyValue;
  if (has === STRING) value = { stringValue };
  else {
    value = {};
    if (has & STRING) value.stringValue = stringValue;
    if (has & BOOL) value.boolValue = boolValue;
    if (has & INT) value.intValue = intValue;
    if (has & DOUBLE) value.doubleValue = doubleValue;
    if (has & ARRAY) value.arrayValue = NOT_BUILT;
    if (has & KVLIST) value.kvlistValue = NOT_BUILT;
    if (has & BYTES) value.bytesValue = bytesValue;
  }
  return into === null ? value : Object.assign(into, value);
}
