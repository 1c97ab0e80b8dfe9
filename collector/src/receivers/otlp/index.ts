/** The OTLP/HTTP metrics receiver: what the config loader and the CLI use. */
export { otlpReceiverFactory, OTLP_TYPE } from './factory';
export { parseOtlpServerConfig, createDefaultOtlpServerConfig, parseOtlpGroupConfig, type OtlpServerConfig, type OtlpGroupConfig } from './config';
export { createOtlpHttpReceiver, OTLP_METRICS_PATH, type OtlpHttpReceiver, type OtlpHttpReceiverOptions } from './otlp-http-receiver';
export { OTLP_SOURCE } from './ingest';
export { REFUSED_METRIC_NAME, POINT_REFUSAL_REASONS, REQUEST_REFUSAL_REASONS } from './refusal';
export { RETIRED_METRIC_NAME } from './retirement';
