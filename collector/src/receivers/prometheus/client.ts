import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { safeMessage } from '../shared/errors';
import type { PrometheusReceiverConfig } from './config';

/** One series of an instant-vector answer: its labels and its value. */
export interface PromSample {
  labels: Readonly<Record<string, string>>;
  value: number;
  /** When Prometheus scraped it (epoch ms), when the answer says (range selectors do). */
  atMillis?: number;
}

/**
 * What the receiver needs from Prometheus: one instant query, answered as a
 * vector. Tests hand it recorded answers (`fake-client.ts`); the real one is HTTP.
 */
export interface PrometheusApiClient {
  instantQuery(query: string, signal: AbortSignal): Promise<PromSample[]>;
}

/** Prometheus answered, but not with a vector (`status: error`, a bad query, a proxy's HTML page). */
export class PrometheusAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusAnswerError';
  }
}

/** The bodies are small (a few series per member); anything much bigger is not what we asked for. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/**
 * Decode a `/api/v1/query` JSON body into samples. A vector gives one sample per
 * series; a matrix (the receiver's `[window]` selectors) gives each series' newest
 * sample with its scrape time. Values Prometheus writes as strings (`"1"`, `"NaN"`,
 * `"+Inf"`) are parsed; NaN samples are dropped (no value is not 0).
 */
export function parseInstantVector(body: unknown): PromSample[] {
  const answer = body as { status?: unknown; error?: unknown; errorType?: unknown; data?: { resultType?: unknown; result?: unknown } } | null;
  if (answer === null || typeof answer !== 'object') throw new PrometheusAnswerError('answer is not a JSON object');
  if (answer.status !== 'success')
    throw new PrometheusAnswerError(`Prometheus said ${String(answer.errorType ?? 'error')}: ${String(answer.error ?? 'no message')}`.slice(0, 300));
  const kind = answer.data?.resultType;
  if ((kind !== 'vector' && kind !== 'matrix') || !Array.isArray(answer.data?.result))
    throw new PrometheusAnswerError(`expected a vector or matrix, got ${String(kind)}`);
  const samples: PromSample[] = [];
  for (const item of answer.data!.result as { metric?: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]) {
    const point = kind === 'matrix' ? item.values?.at(-1) : item.value;
    if (point === undefined) continue;
    const value = Number(point[1]);
    if (Number.isNaN(value)) continue;
    samples.push({ labels: item.metric ?? {}, value, atMillis: Math.round(Number(point[0]) * 1000) });
  }
  return samples;
}

/** The Prometheus HTTP API over http(s), with the configured auth and TLS. Secrets never appear in its errors. */
export class HttpPrometheusClient implements PrometheusApiClient {
  private readonly base: URL;
  private readonly tlsOptions: RequestOptions;

  constructor(private readonly config: PrometheusReceiverConfig) {
    this.base = new URL(config.url.endsWith('/') ? config.url : `${config.url}/`);
    const tls = config.tls;
    this.tlsOptions =
      tls === false
        ? {}
        : {
            ...(tls.caFile !== undefined ? { ca: readFileSync(tls.caFile) } : {}),
            ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}),
            ...(tls.clientCertificate !== undefined
              ? { cert: readFileSync(tls.clientCertificate.certFile), key: readFileSync(tls.clientCertificate.keyFile) }
              : {}),
            rejectUnauthorized: !tls.insecureSkipVerify,
          };
  }

  async instantQuery(query: string, signal: AbortSignal): Promise<PromSample[]> {
    const url = new URL('api/v1/query', this.base);
    // Prometheus stops evaluating at its own deadline too, so an abandoned query does not keep it busy.
    const body = new URLSearchParams({ query, timeout: `${Math.max(1, Math.floor(this.config.timeoutMillis / 1000))}s` }).toString();
    const text = await this.post(url, body, signal);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PrometheusAnswerError(`answer is not JSON: ${text.slice(0, 120)}`);
    }
    return parseInstantVector(json);
  }

  private headers(body: string): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      accept: 'application/json',
    };
    if (this.config.bearerToken !== undefined) headers['authorization'] = `Bearer ${this.config.bearerToken.reveal()}`;
    if (this.config.basicAuth !== undefined) {
      const { username, password } = this.config.basicAuth;
      headers['authorization'] = `Basic ${Buffer.from(`${username}:${password.reveal()}`).toString('base64')}`;
    }
    return headers;
  }

  private post(url: URL, body: string, signal: AbortSignal): Promise<string> {
    const secrets = [this.config.bearerToken?.reveal(), this.config.basicAuth?.password.reveal()];
    return new Promise<string>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        { method: 'POST', headers: this.headers(body), signal, ...(url.protocol === 'https:' ? this.tlsOptions : {}) },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new PrometheusAnswerError(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            // Prometheus answers errors (400 bad_data, 422, 503) with the same JSON body: let the parser say what it is.
            if (res.statusCode === 401 || res.statusCode === 403) reject(new PrometheusAnswerError(`HTTP ${res.statusCode}: check bearer_token / basic_auth`));
            else if ((res.statusCode ?? 500) >= 300 && !text.startsWith('{'))
              reject(new PrometheusAnswerError(`HTTP ${res.statusCode}: ${safeMessage(text.slice(0, 120), secrets)}`));
            else resolve(text);
          });
          res.on('error', reject);
        },
      );
      req.on('error', (error) => reject(new Error(safeMessage(error, secrets), { cause: (error as { code?: unknown }).code })));
      req.end(body);
    });
  }
}
