/** The OTLP metrics exporter: what the config loader and the CLI use. */
export { startOtlpExporter, type OtlpExporter, type OtlpExporterExtras } from './otlp-exporter';
export { parseOtlpExporterConfig, createDefaultOtlpExporterConfig, type OtlpExporterConfig, type OtlpExportProtocol } from './config';
export { otlpName, renderOtlpNameTable } from './otlp-names';
