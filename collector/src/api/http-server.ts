import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { API_PATHS } from '@rebound/contract';
import type { RecoveryEngine } from '../engine/engine';
import { CONTENT_TYPES, type ExpositionFormat } from '../exporters/prometheus/exposition-format';
import { createExpositionGzip, gzipBatches } from '../exporters/prometheus/gzip-batches';
import { acceptsGzip, negotiateFormat } from '../exporters/prometheus/negotiation';
import type { PrometheusExporter } from '../exporters/prometheus/prometheus-exporter';
import { listenOn } from '../listen-error';
import type { Logger } from '../logger';
import { bearerCheck, clearTextTokenWarning, OPEN_PATHS, type ApiAuthConfig } from './auth';
import { episodeView, groupView } from './json-views';
import { BadMaintenanceRequest, maintenanceView, parseMaintenanceRequest, readJsonBody } from './maintenance-request';
import { MAX_MAINTENANCE_WINDOWS } from '../engine/maintenance';

const MAINTENANCE_PATH = API_PATHS.maintenance;

export interface HttpApiOptions {
  host: string;
  port: number;
  engine: RecoveryEngine;
  exporter: PrometheusExporter;
  logger: Logger;
  /** `listen.auth`: a bearer token for everything but /healthz, and HTTPS. */
  auth?: ApiAuthConfig;
}

/**
 * The read side of the collector: `GET /metrics` (Prometheus), `/api/v1/groups`,
 * `/api/v1/episodes[?group=G&limit=N]`, `/api/v1/maintenance` (GET lists, POST opens a
 * window) and `/healthz`. Everything else answers read-only GET/HEAD.
 * With `listen.auth` it serves HTTPS and asks for the bearer token on all but /healthz.
 */
export class HttpApi {
  private server: Server | undefined;
  private readonly authorized: (request: IncomingMessage) => boolean;

  constructor(private readonly options: HttpApiOptions) {
    this.authorized = bearerCheck(options.auth?.bearerToken);
  }

  async start(): Promise<{ host: string; port: number }> {
    const onRequest: RequestListener = (request, response) => {
      this.route(request, response).catch((error: unknown) => {
        this.options.logger.error('HTTP API request failed', { path: request.url, error: String(error) });
        if (!response.headersSent) sendJson(response, 500, { error: 'internal error; see the collector log' });
        else response.end();
      });
    };
    const tls = this.options.auth?.tls;
    const server = tls
      ? createHttpsServer({ cert: readTlsFile(tls.certFile, 'cert_file'), key: readTlsFile(tls.keyFile, 'key_file') }, onRequest)
      : createServer(onRequest);
    // A client that fails the TLS handshake (wrong CA, plain HTTP) is the client's problem: no log line per attempt.
    server.on('tlsClientError', () => undefined);
    this.server = server;
    await listenOn(server, { host: this.options.host, port: this.options.port, setting: 'listen.metrics', what: '/metrics and the API' });
    const clearText = clearTextTokenWarning(this.options.auth, this.options.host);
    if (clearText !== undefined) this.options.logger.warn(clearText, { host: this.options.host });
    const address = server.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://collector');
    if (!OPEN_PATHS.has(url.pathname) && !this.authorized(request)) {
      // Never echo what was sent: the body names the key, not the token.
      response.setHeader('WWW-Authenticate', 'Bearer realm="rebound"');
      return sendJson(response, 401, { error: 'missing or wrong bearer token: send Authorization: Bearer <listen.auth.bearer_token>' });
    }
    if (url.pathname === MAINTENANCE_PATH) return this.maintenance(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return sendJson(response, 405, { error: `${request.method} not allowed; this API is read-only` });
    }
    switch (url.pathname) {
      case API_PATHS.metrics:
        return this.metrics(request, response);
      case API_PATHS.groups:
        return sendJson(response, 200, { groups: this.options.engine.snapshot().map((state) => groupView(state, this.options.engine.nowMillis())) });
      case API_PATHS.episodes:
        return this.episodes(url, response);
      case API_PATHS.health:
        return sendJson(response, 200, { status: 'ok', groups: this.options.engine.groupNames().length });
      default:
        return sendJson(response, 404, {
          error: `no such endpoint ${url.pathname}; try /metrics, /api/v1/groups, /api/v1/episodes, /api/v1/maintenance, /healthz`,
        });
    }
  }

  /** `GET` lists the windows in force or to come; `POST {group, duration, reason}` opens one now. */
  private async maintenance(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const engine = this.options.engine;
    if (request.method === 'GET' || request.method === 'HEAD') {
      return sendJson(response, 200, { windows: engine.maintenanceWindows().map(maintenanceView) });
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'GET, HEAD, POST');
      return sendJson(response, 405, { error: `${request.method} not allowed on ${MAINTENANCE_PATH}; GET lists windows, POST opens one` });
    }
    try {
      const body = await readJsonBody(request);
      const window = engine.addMaintenance(parseMaintenanceRequest(body, (name) => engine.hasGroup(name), engine.nowMillis()));
      if (window === null) return sendJson(response, 429, { error: `${MAX_MAINTENANCE_WINDOWS} maintenance windows are open already; wait for some to end` });
      this.options.logger.info('maintenance window opened', { group: window.group, end: new Date(window.endMillis).toISOString(), reason: window.reason });
      return sendJson(response, 201, { window: maintenanceView(window) });
    } catch (error) {
      if (error instanceof BadMaintenanceRequest) return sendJson(response, error.status, { error: error.message });
      throw error;
    }
  }

  /**
   * OpenMetrics or Prometheus text as the scraper's Accept asks, gzipped when it
   * accepts gzip (Prometheus always does). Streamed piece by piece: a million-series
   * answer is never one string and one buffer at once; gzip takes the pieces in
   * batches (gzip-batches.ts).
   */
  private async metrics(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const format = negotiateFormat(request.headers.accept);
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    const { pieces, release } = await this.options.exporter.exposition(format);
    try {
      await this.sendMetrics(request, response, pieces, gzip, format);
    } finally {
      release();
    }
  }

  private async sendMetrics(request: IncomingMessage, response: ServerResponse, pieces: Buffer[], gzip: boolean, format: ExpositionFormat): Promise<void> {
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[format],
      Vary: 'Accept, Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    try {
      if (gzip) await pipeline(Readable.from(gzipBatches(pieces)), createExpositionGzip(), response);
      else await pipeline(Readable.from(pieces), response);
    } catch (error) {
      // The scraper hung up (its scrape timeout): nothing to answer, nothing to log.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    }
  }

  private episodes(url: URL, response: ServerResponse): void {
    const group = url.searchParams.get('group') ?? undefined;
    const limitText = url.searchParams.get('limit');
    const limit = limitText === null ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      return sendJson(response, 400, { error: `limit must be a whole number from 1 to 10000, got "${limitText}"` });
    }
    const episodes = this.options.engine.episodes({ group, limit });
    const nowMillis = Date.now();
    sendJson(response, 200, { episodes: episodes.map((e) => episodeView(e, nowMillis)) });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(text);
}

function readTlsFile(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read listen.auth.tls.${key} "${file}" (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path and permissions`);
  }
}
