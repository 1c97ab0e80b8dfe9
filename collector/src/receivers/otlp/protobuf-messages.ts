import { DecodeBudget } from './decode-budget';
import { OtlpDecodeError } from './otlp-types';
import { MAX_DEPTH as MAX_DEPTH_IMPORTED, WireFormatError, WireReader } from './protobuf-wire';

/**
 * What both protobuf readers share (decode-protobuf.ts builds objects,
 * map-protobuf.ts maps straight to member drafts): the fields of each OTLP
 * message Rebound reads with their wire types, entering an embedded message
 * (counted against the request's budget), and walking what is only counted.
 * Both go through these in the same order protobufjs decodes, so a body gets
 * the same 413 at the same item, or the same 400 naming the same byte.
 */

/**
 * Read `body` with `read` (from its first field to its end), counting against `requestBudget`
 * (unlimited without); a body that is not valid protobuf is an OtlpDecodeError saying where.
 */
export function readProtobufBody<T>(body: Uint8Array, requestBudget: DecodeBudget | undefined, read: (r: WireReader, end: number) => T): T {
  budget = requestBudget ?? new DecodeBudget({ maxPointsPerRequest: Infinity, maxItemsPerRequest: Infinity });
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  try {
    budget.item();
    return read(new WireReader(buf), buf.length);
  } catch (error) {
    if (error instanceof WireFormatError) throw new OtlpDecodeError(`body is not a valid protobuf ExportMetricsServiceRequest (${error.message})`);
    throw error;
  }
}

/** The budget of the request being decoded now (decoding is synchronous, so one at a time). */
let budget: DecodeBudget;

/**
 * Wire types, as local constants: the switch cases below are evaluated per field, and an
 * imported binding is a getter call under some loaders (tsx), a local one a constant.
 */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
const MAX_DEPTH = MAX_DEPTH_IMPORTED;

/** Tags (field number << 3 | wire type) of the fields read. */
export const FIELD_1_LEN = (1 << 3) | LEN;
export const FIELD_2_LEN = (2 << 3) | LEN;

/** The fields read of each message, by number, with their wire type: another wire type is an error naming the field. */
export type FieldsRead = { readonly message: string; readonly names: readonly string[]; readonly wireTypes: Int8Array };
const fieldsRead = (message: string, fields: [number, string, number][]): FieldsRead => {
  const size = Math.max(...fields.map(([number]) => number)) + 1;
  const names = new Array<string>(size).fill('');
  const wireTypes = new Int8Array(size).fill(-1); // -1: not read, skipped whatever its wire type
  for (const [number, name, wireType] of fields) {
    names[number] = name;
    wireTypes[number] = wireType;
  }
  return { message, names, wireTypes };
};
export const REQUEST = fieldsRead('ExportMetricsServiceRequest', [[1, 'resource_metrics', LEN]]);
export const RESOURCE_METRICS = fieldsRead('ResourceMetrics', [
  [1, 'resource', LEN],
  [2, 'scope_metrics', LEN],
]);
export const RESOURCE = fieldsRead('Resource', [[1, 'attributes', LEN]]);
export const SCOPE_METRICS = fieldsRead('ScopeMetrics', [[2, 'metrics', LEN]]);
export const METRIC = fieldsRead('Metric', [
  [1, 'name', LEN],
  [3, 'unit', LEN],
  [5, 'gauge', LEN],
  [7, 'sum', LEN],
  [9, 'histogram', LEN],
  [10, 'exponential_histogram', LEN],
  [11, 'summary', LEN],
]);
export const GAUGE = fieldsRead('Gauge', [[1, 'data_points', LEN]]);
export const SUM = fieldsRead('Sum', [
  [1, 'data_points', LEN],
  [2, 'aggregation_temporality', VARINT],
  [3, 'is_monotonic', VARINT],
]);
export const COUNTED_KIND = fieldsRead('Histogram', [[1, 'data_points', LEN]]);
export const NUMBER_DATA_POINT = fieldsRead('NumberDataPoint', [
  [3, 'time_unix_nano', I64],
  [4, 'as_double', I64],
  [6, 'as_int', I64],
  [7, 'attributes', LEN],
]);
export const KEY_VALUE = fieldsRead('KeyValue', [
  [1, 'key', LEN],
  [2, 'value', LEN],
]);
export const ANY_VALUE = fieldsRead('AnyValue', [
  [1, 'string_value', LEN],
  [2, 'bool_value', VARINT],
  [3, 'int_value', VARINT],
  [4, 'double_value', I64],
  [5, 'array_value', LEN],
  [6, 'kvlist_value', LEN],
  [7, 'bytes_value', LEN],
]);
export const ARRAY_VALUE = fieldsRead('ArrayValue', [[1, 'values', LEN]]);
export const KEY_VALUE_LIST = fieldsRead('KeyValueList', [[1, 'values', LEN]]);

/** A field this message does not read: skipped; one it reads with the wrong wire type: an error. */
export function skipOther(r: WireReader, tag: number, end: number, depth: number, read: FieldsRead): void {
  const number = tag >>> 3;
  const wireType = number < read.wireTypes.length ? read.wireTypes[number]! : -1;
  if (wireType !== -1 && wireType !== (tag & 7)) throw r.wrongWireType(tag, read.message, read.names[number]!, wireType);
  r.skip(tag, end, depth);
}

/** `count` items at once: what a message seen before (resource-facts-memo.ts) was counted as when it was read. */
export function countItems(count: number): void {
  budget.addItems(count);
}

/** Items counted so far in the request being read. */
export function itemsCounted(): number {
  return budget.itemCount;
}

/**
 * Enter an embedded message at `depth`: counted first, then its nesting and
 * length checked (protobufjs's order, so the same body gets the same answer).
 * Returns where it ends.
 */
export function enter(r: WireReader, end: number, depth: number): number {
  const length = r.uint32(end);
  budget.item();
  if (depth > MAX_DEPTH) throw r.error(`nesting deeper than ${MAX_DEPTH} levels at byte ${r.pos}`);
  return r.endOf(length, end);
}

/** Enter a data point: an item and a point. */
export function enterPoint(r: WireReader, end: number, depth: number): number {
  const length = r.uint32(end);
  budget.item();
  budget.point();
  if (depth > MAX_DEPTH) throw r.error(`nesting deeper than ${MAX_DEPTH} levels at byte ${r.pos}`);
  return r.endOf(length, end);
}

/** ArrayValue, KeyValueList and what they hold: counted and checked like protobufjs decodes them, nothing built. */
export function walkArrayValue(r: WireReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) walkAnyValue(r, enter(r, end, depth + 1), depth + 1);
    else skipOther(r, tag, end, depth, ARRAY_VALUE);
  }
}

export function walkKeyValueList(r: WireReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) walkKeyValue(r, enter(r, end, depth + 1), depth + 1);
    else skipOther(r, tag, end, depth, KEY_VALUE_LIST);
  }
}

export function walkKeyValue(r: WireReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_2_LEN) walkAnyValue(r, enter(r, end, depth + 1), depth + 1);
    else skipOther(r, tag, end, depth, KEY_VALUE); // the key: skipped by its length
  }
}

export function walkAnyValue(r: WireReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((5 << 3) | LEN)) walkArrayValue(r, enter(r, end, depth + 1), depth + 1);
    else if (tag === ((6 << 3) | LEN)) walkKeyValueList(r, enter(r, end, depth + 1), depth + 1);
    else skipOther(r, tag, end, depth, ANY_VALUE); // scalars and bytes: skipped by their wire type
  }
}

/** A data point not mapped (its metric is not read): its attributes counted and checked, nothing built. */
export function walkNumberDataPoint(r: WireReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === ((7 << 3) | LEN)) walkKeyValue(r, enter(r, end, depth + 1), depth + 1);
    else skipOther(r, tag, end, depth, NUMBER_DATA_POINT);
  }
}

/** A histogram, exponential histogram or summary: its points counted (and checked), nothing read. Returns how many. */
export function walkCountedKind(r: WireReader, end: number, depth: number): number {
  let points = 0;
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === FIELD_1_LEN) {
      const pointEnd = enterPoint(r, end, depth + 1);
      while (r.pos < pointEnd) r.skip(r.uint32(pointEnd), pointEnd, depth + 1);
      points++;
    } else skipOther(r, tag, end, depth, COUNTED_KIND);
  }
  return points;
}
