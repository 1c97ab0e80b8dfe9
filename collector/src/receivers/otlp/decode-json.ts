import { countJsonContainers, type DecodeBudget } from './decode-budget';
import {
  OtlpDecodeError,
  TEMPORALITY_CUMULATIVE,
  TEMPORALITY_DELTA,
  TEMPORALITY_UNSPECIFIED,
  type OtlpAnyValue,
  type OtlpKeyValue,
  type OtlpMetric,
  type OtlpMetricsRequest,
  type OtlpNumberDataPoint,
  type OtlpResourceMetrics,
  type OtlpScopeMetrics,
} from './otlp-types';

/**
 * Decode an `application/json` body per the OTLP/JSON mapping: lowerCamelCase
 * keys (snake_case tolerated, as the OpenTelemetry Collector does), int64 as a
 * number or a decimal string, enums as integers (names tolerated), unknown keys
 * ignored. A value of the wrong type is a 400 naming where it is:
 * `resourceMetrics[0].scopeMetrics[0].metrics[2].gauge.dataPoints[0].asDouble: expected a number`.
 */
export function decodeJsonRequest(body: string | Uint8Array, requestBudget?: DecodeBudget, containersCounted = false): OtlpMetricsRequest {
  // Objects and arrays are counted before parsing, JSON.parse cannot stop halfway (decode-budget.ts);
  // the receiver counts them as the body arrives (containersCounted).
  if (requestBudget !== undefined && !containersCounted) countJsonContainers(typeof body === 'string' ? Buffer.from(body) : body, requestBudget);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`body is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  budget = requestBudget;
  try {
    const root = asObject(parsed, '(body)');
    return { resourceMetrics: list(field(root, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics', readResourceMetrics) };
  } finally {
    budget = undefined;
  }
}

/** The budget of the request being read now (reading is synchronous, so one at a time); counts data points. */
let budget: DecodeBudget | undefined;

function countPoint<T>(point: T): T {
  budget?.point();
  return point;
}

type JsonObject = Record<string, unknown>;

function readResourceMetrics(raw: unknown, path: string): OtlpResourceMetrics {
  const o = asObject(raw, path);
  const resourceRaw = o['resource'];
  const resource =
    resourceRaw === undefined || resourceRaw === null
      ? null
      : { attributes: list(asObject(resourceRaw, `${path}.resource`)['attributes'], `${path}.resource.attributes`, readKeyValue) };
  return { resource, scopeMetrics: list(field(o, 'scopeMetrics', 'scope_metrics'), `${path}.scopeMetrics`, readScopeMetrics) };
}

function readScopeMetrics(raw: unknown, path: string): OtlpScopeMetrics {
  return { metrics: list(asObject(raw, path)['metrics'], `${path}.metrics`, readMetric) };
}

function readMetric(raw: unknown, path: string): OtlpMetric {
  const o = asObject(raw, path);
  // Every field set, in the protobuf decoder's order: the mapping then sees one object shape whichever encoding came in.
  const metric: OtlpMetric = {
    name: str(o['name'], `${path}.name`),
    unit: str(o['unit'], `${path}.unit`),
    gauge: null,
    sum: null,
    histogram: null,
    exponentialHistogram: null,
    summary: null,
  };
  if (o['gauge'] !== undefined && o['gauge'] !== null) {
    const g = asObject(o['gauge'], `${path}.gauge`);
    metric.gauge = { dataPoints: list(field(g, 'dataPoints', 'data_points'), `${path}.gauge.dataPoints`, readNumberDataPoint) };
  } else if (o['sum'] !== undefined && o['sum'] !== null) {
    const s = asObject(o['sum'], `${path}.sum`);
    metric.sum = {
      dataPoints: list(field(s, 'dataPoints', 'data_points'), `${path}.sum.dataPoints`, readNumberDataPoint),
      aggregationTemporality: temporality(field(s, 'aggregationTemporality', 'aggregation_temporality'), `${path}.sum.aggregationTemporality`),
      isMonotonic: bool(field(s, 'isMonotonic', 'is_monotonic'), `${path}.sum.isMonotonic`),
    };
  } else {
    // Kinds Rebound does not read: only their points are counted (to refuse them by number).
    for (const kind of ['histogram', 'exponentialHistogram', 'summary'] as const) {
      const snake = kind === 'exponentialHistogram' ? 'exponential_histogram' : kind;
      const value = field(o, kind, snake);
      if (value === undefined || value === null) continue;
      const points = list(field(asObject(value, `${path}.${kind}`), 'dataPoints', 'data_points'), `${path}.${kind}.dataPoints`, countPoint);
      metric[kind] = { dataPoints: points };
      break;
    }
  }
  return metric;
}

function readNumberDataPoint(raw: unknown, path: string): OtlpNumberDataPoint {
  budget?.point();
  const o = asObject(raw, path);
  const attributes = list(o['attributes'], `${path}.attributes`, readKeyValue);
  const timeUnixNano = fixed64(field(o, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`);
  const asDouble = field(o, 'asDouble', 'as_double');
  const asInt = field(o, 'asInt', 'as_int');
  // One literal per case, as the protobuf decoder builds them: the same shapes for the mapping.
  if (asDouble !== undefined && asDouble !== null) return { attributes, timeUnixNano, asDouble: double(asDouble, `${path}.asDouble`) };
  if (asInt !== undefined && asInt !== null) return { attributes, timeUnixNano, asInt: int64(asInt, `${path}.asInt`) };
  return { attributes, timeUnixNano };
}

function readKeyValue(raw: unknown, path: string): OtlpKeyValue {
  const o = asObject(raw, path);
  const valueRaw = o['value'];
  return {
    key: str(o['key'], `${path}.key`),
    value: valueRaw === undefined || valueRaw === null ? null : readAnyValue(valueRaw, `${path}.value`),
  };
}

/** `{"stringValue": "eu-1a"}`, `{"intValue": "3"}`, `{"boolValue": true}`… */
function readAnyValue(raw: unknown, path: string): OtlpAnyValue {
  const o = asObject(raw, path);
  const stringValue = field(o, 'stringValue', 'string_value');
  if (stringValue !== undefined) return { stringValue: str(stringValue, `${path}.stringValue`) };
  const boolValue = field(o, 'boolValue', 'bool_value');
  if (boolValue !== undefined) return { boolValue: bool(boolValue, `${path}.boolValue`) };
  const intValue = field(o, 'intValue', 'int_value');
  if (intValue !== undefined) return { intValue: int64(intValue, `${path}.intValue`) };
  const doubleValue = field(o, 'doubleValue', 'double_value');
  if (doubleValue !== undefined) return { doubleValue: double(doubleValue, `${path}.doubleValue`) };
  // Arrays, key-value lists and bytes are never identity or dependency values: kept only as "set".
  if (field(o, 'arrayValue', 'array_value') !== undefined) return { arrayValue: true };
  if (field(o, 'kvlistValue', 'kvlist_value') !== undefined) return { kvlistValue: true };
  if (field(o, 'bytesValue', 'bytes_value') !== undefined) return { bytesValue: true };
  return {};
}

function field(o: JsonObject, camel: string, snake: string): unknown {
  const value = o[camel];
  return value !== undefined ? value : o[snake];
}

function asObject(raw: unknown, path: string): JsonObject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new OtlpDecodeError(`${path}: expected an object`);
  return raw as JsonObject;
}

function list<T>(raw: unknown, path: string, read: (item: unknown, path: string) => T): T[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new OtlpDecodeError(`${path}: expected an array`);
  // Pushed, not preallocated: a packed array, as the protobuf decoder's (one array kind for the mapping's loops).
  const result: T[] = [];
  for (let i = 0; i < raw.length; i++) result.push(read(raw[i], `${path}[${i}]`));
  return result;
}

function str(raw: unknown, path: string): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string') throw new OtlpDecodeError(`${path}: expected a string`);
  return raw;
}

function bool(raw: unknown, path: string): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw !== 'boolean') throw new OtlpDecodeError(`${path}: expected true or false`);
  return raw;
}

const INT64_TEXT = /^-?\d{1,20}$/;
const TWO_TO_63 = 2 ** 63;
const TWO_TO_64 = 2 ** 64;

/** int64 per proto3 JSON: an integer number or a decimal string ("-42"), within ±2^63. */
function int64(raw: unknown, path: string): number {
  return integerIn(raw, path, -TWO_TO_63, TWO_TO_63, 'a signed 64-bit integer (a number or a decimal string)');
}

/** fixed64 per proto3 JSON (timestamps: "1700000000000000000" ns since 1970): 0 to 2^64 - 1. */
function fixed64(raw: unknown, path: string): number {
  return integerIn(raw, path, 0, TWO_TO_64, 'an unsigned 64-bit integer, nanoseconds since 1970 (a number or a decimal string)');
}

/**
 * An integer in [min, max]: out-of-range values (1e22, 1e300, a negative time)
 * are a 400 naming the field, never a value carried on into the mapping.
 * Bounds compare as doubles, as the value is used: 2^64 - 1 rounds to 2^64.
 */
function integerIn(raw: unknown, path: string, min: number, max: number, expected: string): number {
  if (raw === undefined || raw === null) return 0;
  let value: number | undefined;
  if (typeof raw === 'number' && Number.isInteger(raw)) value = raw;
  else if (typeof raw === 'string' && INT64_TEXT.test(raw)) value = Number(raw);
  if (value === undefined || value < min || value > max) {
    const shown = typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : String(raw).slice(0, 40);
    throw new OtlpDecodeError(`${path}: expected ${expected} (got ${shown})`);
  }
  return value;
}

/** double per proto3 JSON: a number, or "NaN" / "Infinity" / "-Infinity" / a numeric string. */
function double(raw: unknown, path: string): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') {
    if (raw === 'NaN') return NaN;
    if (raw === 'Infinity') return Infinity;
    if (raw === '-Infinity') return -Infinity;
    const value = Number(raw);
    if (raw.trim() !== '' && Number.isFinite(value)) return value;
  }
  throw new OtlpDecodeError(`${path}: expected a number`);
}

const TEMPORALITY_NAMES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: TEMPORALITY_UNSPECIFIED,
  AGGREGATION_TEMPORALITY_DELTA: TEMPORALITY_DELTA,
  AGGREGATION_TEMPORALITY_CUMULATIVE: TEMPORALITY_CUMULATIVE,
};

function temporality(raw: unknown, path: string): number {
  if (raw === undefined || raw === null) return TEMPORALITY_UNSPECIFIED;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && raw in TEMPORALITY_NAMES) return TEMPORALITY_NAMES[raw]!;
  throw new OtlpDecodeError(`${path}: expected 1 (delta) or 2 (cumulative)`);
}
