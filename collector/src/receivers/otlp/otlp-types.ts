/**
 * The decoded shape of an OTLP ExportMetricsServiceRequest (lowerCamelCase
 * fields), as the protobuf decoder (decode-protobuf.ts) builds it. The JSON
 * decoder builds the same shape, object for object, so one mapping serves both
 * encodings and its property reads stay monomorphic. protobufjs with
 * otlp-schema.ts produces it too (tests compare the two). Only the fields
 * Rebound reads are listed.
 *
 * Presence of a oneof member (AnyValue's values, a point's asDouble/asInt) is
 * an own property (protobufjs puts defaults, 0 and '', on the prototype).
 * Message-typed members (gauge, sum…) are null when absent.
 */

/** An int64/fixed64: our decoders give a number (the nearest double), protobufjs a Long, OTLP/JSON a number or a decimal string. */
export type Int64 = number | string | { toNumber(): number };

export function int64ToNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return value.toNumber();
}

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
  /** Arrays, key-value lists and bytes are never read; only their presence matters. */
  arrayValue?: unknown;
  kvlistValue?: unknown;
  bytesValue?: unknown;
}

export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue | null;
}

export interface OtlpNumberDataPoint {
  attributes: OtlpKeyValue[];
  timeUnixNano: Int64;
  asDouble?: number;
  asInt?: Int64;
}

/** AggregationTemporality enum values (metrics.proto). */
export const TEMPORALITY_UNSPECIFIED = 0;
export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;

export interface OtlpMetric {
  name: string;
  unit: string;
  gauge?: { dataPoints: OtlpNumberDataPoint[] } | null;
  sum?: { dataPoints: OtlpNumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean } | null;
  histogram?: { dataPoints: readonly unknown[] } | null;
  exponentialHistogram?: { dataPoints: readonly unknown[] } | null;
  summary?: { dataPoints: readonly unknown[] } | null;
}

export interface OtlpScopeMetrics {
  metrics: OtlpMetric[];
}

export interface OtlpResourceMetrics {
  resource?: { attributes: OtlpKeyValue[] } | null;
  scopeMetrics: OtlpScopeMetrics[];
}

export interface OtlpMetricsRequest {
  resourceMetrics: OtlpResourceMetrics[];
}

/** A body that is not a valid OTLP request: answered with 400 and this message. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

export const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);
