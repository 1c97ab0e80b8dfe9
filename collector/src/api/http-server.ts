import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecoveryEngine } from '../engine/engine';
import type { PrometheusExporter } from '../exporters/prometheus/prometheus-exporter';
import type { Logger } from '../logger';
import { episodeView, groupView } from './json-views';

export interface HttpApiOptions {
  host: string;
  port: number;
  engine: RecoveryEngine;
  exporter: PrometheusExporter;
  logger: Logger;
}

/**
 * The read side of the collector: `GET /metrics` (Prometheus), `/api/v1/groups`,
 * `/api/v1/episodes[?group=G&limit=N]` and `/healthz`. Answers read-only GET/HEAD.
 */
export class HttpApi {
  private server: Server | undefined;

  constructor(private readonly options: HttpApiOptions) {}

  async start(): Promise<{ host: string; port: number }> {
    const server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        this.options.logger.error('HTTP API request failed', { path: request.url, error: String(error) });
        if (!response.headersSent) sendJson(response, 500, { error: 'internal error; see the collector log' });
        else response.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
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
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return sendJson(response, 405, { error: `${request.method} not allowed; this API is read-only` });
    }
    switch (url.pathname) {
      case '/metrics': {
        const text = await this.options.exporter.metricsText();
        response.writeHead(200, { 'Content-Type': this.options.exporter.registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
        return;
      }
      case '/api/v1/groups':
        return sendJson(response, 200, { groups: this.options.engine.snapshot().map((state) => groupView(state, Date.now())) });
      case '/api/v1/episodes':
        return this.episodes(url, response);
      case '/healthz':
        return sendJson(response, 200, { status: 'ok', groups: this.options.engine.groupNames().length });
      default:
        return sendJson(response, 404, { error: `no such endpoint ${url.pathname}; try /metrics, /api/v1/groups, /api/v1/episodes, /healthz` });
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
    sendJson(response, 200, { episodes: episodes.map(episodeView) });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(text);
}
