import * as protobuf from 'protobufjs';

/**
 * The part of the OTLP metrics schema Rebound reads, written by hand from
 * opentelemetry-proto v1.x (`collector/metrics/v1/metrics_service.proto`,
 * `metrics/v1/metrics.proto`, `common/v1/common.proto`, `resource/v1/resource.proto`)
 * plus `google/rpc/status.proto` for error bodies.
 *
 * Requests are decoded by the hand-written reader (decode-protobuf.ts); this
 * schema encodes the answers (ExportMetricsServiceResponse, Status), builds
 * requests in tests, and is what the benchmark and the differential fuzz test
 * hold that reader against (bare protobufjs with this schema: the stricter
 * baseline, as it already leaves out what Rebound does not read).
 *
 * Field numbers are the upstream ones and must never change. Fields we do not
 * read (exemplars, scope attributes, histogram buckets, metadata…) are left out:
 * protobuf skips unknown fields by their wire type, so leaving them out is safe
 * and makes decoding cheaper. Histogram, exponential histogram and summary stay
 * declared (empty) so that a data point of those kinds is recognised and
 * refused as the wrong type rather than mistaken for "no data".
 *
 * Upstream is proto3; this is written as edition 2023, which has the same
 * wire format but explicit field presence. That lets the upstream `oneof`s
 * (AnyValue.value, Metric.data, NumberDataPoint.value) be plain fields that
 * are set exactly when they were on the wire, even at zero (`as_double: 0` is
 * a real lag of 0). protobufjs's oneof bookkeeping (a setter that deletes the
 * sibling properties of every decoded value, leaving slow dictionary-mode
 * objects) halved decoding speed, and proto3 implicit presence drops zeros.
 * Which member is set is told by own-property presence (see otlp-types.ts).
 *
 * Kept as a string in a .ts module so it ships inside the compiled package.
 */
export const OTLP_METRICS_PROTO = `
edition = "2023"; // proto3 wire format; explicit field presence (see above)
package rebound.otlp;
// Strings are decoded by Node's native UTF-8 decoder (invalid bytes become U+FFFD) instead of
// protobufjs's JavaScript verifier, which was the slowest step and builds fragmented strings.
option features.utf8_validation = NONE;

// common/v1/common.proto
message AnyValue {
  // oneof value:
  string string_value = 1;
  bool bool_value = 2;
  int64 int_value = 3;
  double double_value = 4;
  ArrayValue array_value = 5;
  KeyValueList kvlist_value = 6;
  bytes bytes_value = 7;
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue {
  string key = 1;
  AnyValue value = 2;
}

// resource/v1/resource.proto
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}

// metrics/v1/metrics.proto
message ResourceMetrics {
  Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
  string schema_url = 3;
}
message ScopeMetrics {
  // field 1 (InstrumentationScope scope) and 3 (schema_url) are not read
  repeated Metric metrics = 2;
}
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  // oneof data:
  Gauge gauge = 5;
  Sum sum = 7;
  Histogram histogram = 9;
  ExponentialHistogram exponential_histogram = 10;
  Summary summary = 11;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum {
  repeated NumberDataPoint data_points = 1;
  int32 aggregation_temporality = 2; // enum AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative
  bool is_monotonic = 3;
}
// Only the points are counted, never read: these kinds are refused for recovery.* metrics.
message Histogram { repeated CountedPoint data_points = 1; }
message ExponentialHistogram { repeated CountedPoint data_points = 1; }
message Summary { repeated CountedPoint data_points = 1; }
message CountedPoint {}
message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  // oneof value:
  double as_double = 4;
  sfixed64 as_int = 6;
  uint32 flags = 8;
}

// collector/metrics/v1/metrics_service.proto
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }
message ExportMetricsPartialSuccess {
  int64 rejected_data_points = 1;
  string error_message = 2;
}

// google/rpc/status.proto (details, field 3, never sent)
message Status {
  int32 code = 1;
  string message = 2;
}
`;

const root = protobuf.parse(OTLP_METRICS_PROTO, { keepCase: false }).root;

export const ExportMetricsServiceRequestType = root.lookupType('rebound.otlp.ExportMetricsServiceRequest');
export const ExportMetricsServiceResponseType = root.lookupType('rebound.otlp.ExportMetricsServiceResponse');
export const StatusType = root.lookupType('rebound.otlp.Status');
