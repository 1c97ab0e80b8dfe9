import { ConfigError } from '../../config/config-error';
import { joinKey, readDurationMillis, readObject, readString, readStringMap } from '../../config/fields';
import { expandEnv, redactUrl } from '../../config/secrets';
import { quoteValue } from '../../config/quote';

export type OtlpExportProtocol = 'http/protobuf' | 'http/json';

/** `exporters.otlp`: push the derived signals as OTLP metrics. */
export interface OtlpExporterConfig {
  /** Full URL of the OTLP/HTTP metrics endpoint, e.g. `http://otel-collector:4318/v1/metrics`. May hold credentials: log it redacted. */
  url: string;
  protocol: OtlpExportProtocol;
  /** Sent with every request (values after `${ENV}` expansion: secrets; never logged). */
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  /** How often the signals are pushed. */
  intervalMillis: number;
  /** How long one push may take. */
  timeoutMillis: number;
}

export function createDefaultOtlpExporterConfig(): Omit<OtlpExporterConfig, 'url'> {
  return { protocol: 'http/protobuf', headers: {}, compression: 'none', intervalMillis: 15_000, timeoutMillis: 10_000 };
}

const KEYS = ['endpoint', 'protocol', 'headers', 'compression', 'interval', 'timeout'] as const;
const PROTOCOLS: readonly OtlpExportProtocol[] = ['http/protobuf', 'http/json'];

/**
 * Parse `exporters.otlp`:
 * `{ endpoint: http://otel-collector:4318, protocol: http/protobuf, headers: { authorization: "Bearer ${OTLP_TOKEN}" }, interval: 15s }`.
 * An endpoint without a path gets `/v1/metrics` (as OTEL_EXPORTER_OTLP_ENDPOINT does);
 * one with a path is used as given (as OTEL_EXPORTER_OTLP_METRICS_ENDPOINT does).
 */
export function parseOtlpExporterConfig(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv = process.env): OtlpExporterConfig {
  const d = createDefaultOtlpExporterConfig();
  const o = readObject(raw, keyPath, KEYS);
  const key = (name: string) => joinKey(keyPath, name);
  const protocol = readString(o['protocol'], key('protocol'), d.protocol);
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ConfigError(
      key('protocol'),
      `expected http/protobuf or http/json (got ${quoteValue(protocol)}); gRPC is not supported, use the OTLP/HTTP port (4318)`,
    );
  }
  const compression = readString(o['compression'], key('compression'), d.compression);
  if (compression !== 'gzip' && compression !== 'none') throw new ConfigError(key('compression'), `expected gzip or none (got ${quoteValue(compression)})`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(readStringMap(o['headers'], key('headers')))) {
    headers[name] = expandEnv(value, joinKey(key('headers'), name), env);
  }
  const intervalMillis = readDurationMillis(o['interval'], key('interval'), d.intervalMillis, 1000);
  return {
    url: metricsUrl(readString(o['endpoint'], key('endpoint')), key('endpoint')),
    protocol: protocol as OtlpExportProtocol,
    headers,
    compression,
    intervalMillis,
    timeoutMillis: Math.min(readDurationMillis(o['timeout'], key('timeout'), d.timeoutMillis, 100), intervalMillis),
  };
}

function metricsUrl(endpoint: string, keyPath: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(keyPath, `expected a URL like http://otel-collector:4318 (got "${redactUrl(endpoint)}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(keyPath, 'expected an http:// or https:// URL');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/metrics';
  return url.toString();
}
