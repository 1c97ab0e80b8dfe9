/**
 * Test-only: the OTLP metrics schema as a sender has it — opentelemetry-proto
 * v1.x with the fields Rebound never reads (scopes, descriptions, start times,
 * exemplars, histogram buckets, metadata, flags, schema URLs) — plus fields no
 * version of OTLP has (numbers 40+), so that encoded requests carry fields the
 * receiver does not know, packed and unpacked, at every level. Encoded with
 * protobufjs, decoded by both decoders in decode-protobuf.fuzz.test.ts.
 */
import * as protobuf from 'protobufjs';

const SENDER_PROTO = `
edition = "2023";
package sender;
option features.utf8_validation = NONE;

// Fields no OTLP version has: what a newer sender could add.
message Extra {
  uint64 varint = 1;
  fixed32 fixed32 = 2;
  double fixed64 = 3;
  string text = 4;
  repeated sint64 packed = 5;
  repeated uint32 expanded = 6 [features.repeated_field_encoding = EXPANDED];
  Extra nested = 7;
}

message AnyValue {
  string string_value = 1;
  bool bool_value = 2;
  int64 int_value = 3;
  double double_value = 4;
  ArrayValue array_value = 5;
  KeyValueList kvlist_value = 6;
  bytes bytes_value = 7;
  Extra extra = 40;
}
message ArrayValue { repeated AnyValue values = 1; Extra extra = 40; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; Extra extra = 40; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
  Extra extra = 40;
}
message ResourceMetrics {
  Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
  string schema_url = 3;
  Extra extra = 40;
}
message ScopeMetrics {
  InstrumentationScope scope = 1;
  repeated Metric metrics = 2;
  string schema_url = 3;
}
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  Extra reserved_4 = 4; // numbers OTLP reserved: a field between the known ones
  Gauge gauge = 5;
  Sum sum = 7;
  Histogram histogram = 9;
  ExponentialHistogram exponential_histogram = 10;
  Summary summary = 11;
  repeated KeyValue metadata = 12;
}
message Gauge { repeated NumberDataPoint data_points = 1; Extra extra = 40; }
message Sum {
  repeated NumberDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
  bool is_monotonic = 3;
}
message Histogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message ExponentialHistogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message Summary { repeated HistogramDataPoint data_points = 1; }
message HistogramDataPoint {
  repeated KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  repeated fixed64 bucket_counts = 6; // packed (the edition 2023 default)
  repeated double explicit_bounds = 7 [features.repeated_field_encoding = EXPANDED];
  uint32 flags = 10;
}
message Exemplar {
  repeated KeyValue filtered_attributes = 7;
  fixed64 time_unix_nano = 2;
  double as_double = 3;
  bytes span_id = 4;
}
message NumberDataPoint {
  Extra labels_1 = 1; // field 1 was the pre-1.0 labels: before every known field
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  double as_double = 4;
  sfixed64 as_int = 6;
  repeated Exemplar exemplars = 5;
  uint32 flags = 8;
}
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; Extra extra = 40; }
`;

const root = protobuf.parse(SENDER_PROTO, { keepCase: false }).root;

/** ExportMetricsServiceRequest as a sender encodes it: `encode(fromObject(request)).finish()`. */
export const SenderRequestType = root.lookupType('sender.ExportMetricsServiceRequest');

export function encodeSenderRequest(request: Record<string, unknown>): Uint8Array {
  return SenderRequestType.encode(SenderRequestType.fromObject(request)).finish();
}
