#!/usr/bin/env node
// Panel preview server: the built panel in the real @grafana/ui theme, without a Grafana server.
//
//   node grafana-plugin/preview/serve.mjs --port 3000 --collector http://127.0.0.1:9464 [--prometheus http://127.0.0.1:9090]
//
// With --prometheus, live data comes from Prometheus' HTTP API (query_range), as Grafana would ask.
// With only --collector, this server scrapes the collector's /metrics itself every few seconds and
// keeps a short history, so `npm start` shows a live panel without Prometheus. Fixture scenarios
// need neither: /?scenario=incident. --port 0 picks a free port (tests).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ScrapeHistory } from './scrape-history.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pluginRoot = join(here, '..');
const QUERY = '{__name__=~"recovery_(group|member)_.*"}';

const USAGE =
  'usage: serve.mjs [--port 3000] [--host 127.0.0.1] [--collector http://127.0.0.1:9464] [--prometheus http://127.0.0.1:9090] [--scrape-interval 5] [--range-minutes 10]';

function options() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '3000' },
        host: { type: 'string', default: '127.0.0.1' },
        collector: { type: 'string' },
        prometheus: { type: 'string' },
        'scrape-interval': { type: 'string', default: '5' },
        'range-minutes': { type: 'string', default: '10' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const port = Number(values.port);
    const interval = Number(values['scrape-interval']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`--port must be a port number, got "${values.port}"`);
    }
    const rangeMinutes = Number(values['range-minutes']);
    if (!(rangeMinutes > 0 && rangeMinutes <= 24 * 60)) {
      throw new Error(`--range-minutes must be minutes between 1 and 1440, got "${values['range-minutes']}"`);
    }
    if (!(interval > 0)) {
      throw new Error(`--scrape-interval must be seconds > 0, got "${values['scrape-interval']}"`);
    }
    for (const key of ['collector', 'prometheus']) {
      if (values[key] && !/^https?:\/\//.test(values[key])) {
        throw new Error(`--${key} must be an http(s) URL, got "${values[key]}"`);
      }
    }
    return { ...values, port, scrapeIntervalMs: interval * 1000, rangeMs: rangeMinutes * 60_000 };
  } catch (e) {
    console.error(`panel preview: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
}

function ensureBuilt() {
  const needed = [join(pluginRoot, 'dist/module.js'), join(here, 'build/host.js')];
  if (needed.every(existsSync)) {
    return;
  }
  console.log('panel preview: building the plugin first (npm run build -w rebound-recovery-panel)…');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: pluginRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('panel preview: the build failed; fix it and run npm run build -w rebound-recovery-panel');
    process.exit(1);
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.md': 'text/markdown',
};

function serveFile(res, base, relative) {
  const path = normalize(join(base, relative));
  if (!path.startsWith(base) || !existsSync(path)) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  res.end(readFileSync(path));
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function prometheusQueries(prometheus, nowMs, rangeMs) {
  // Grafana picks the step from the range and the panel width; ~200 points is what it would ask for here.
  const stepSeconds = Math.max(5, Math.round(rangeMs / 1000 / 200));
  const end = Math.floor(nowMs / 1000);
  const url = new URL('/api/v1/query_range', prometheus);
  url.search = new URLSearchParams({ query: QUERY, start: String(end - rangeMs / 1000), end: String(end), step: String(stepSeconds) }).toString();
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await res.json();
  if (body.status !== 'success') {
    throw new Error(`Prometheus answered ${res.status}: ${body.error ?? 'unknown error'}`);
  }
  return [{ refId: 'A', expr: QUERY, format: 'time_series', stepMs: stepSeconds * 1000, response: body }];
}

function main() {
  const opts = options();
  ensureBuilt();
  const history =
    opts.collector && !opts.prometheus
      ? new ScrapeHistory({ target: opts.collector, intervalMs: opts.scrapeIntervalMs, retentionMs: opts.rangeMs, match: /^recovery_(group|member)_/ })
      : undefined;
  history?.start();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://preview');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      return serveFile(res, here, 'index.html');
    }
    if (url.pathname.startsWith('/dist/')) {
      return serveFile(res, join(pluginRoot, 'dist'), url.pathname.slice('/dist/'.length));
    }
    if (url.pathname.startsWith('/preview/build/')) {
      return serveFile(res, join(here, 'build'), url.pathname.slice('/preview/build/'.length));
    }
    if (url.pathname === '/api/queries') {
      const nowMs = Date.now();
      if (opts.prometheus) {
        try {
          return json(res, 200, {
            source: `Prometheus ${opts.prometheus}`,
            nowMs,
            rangeMs: opts.rangeMs,
            queries: await prometheusQueries(opts.prometheus, nowMs, opts.rangeMs),
          });
        } catch (e) {
          return json(res, 502, { source: `Prometheus ${opts.prometheus}`, nowMs, error: `cannot query Prometheus at ${opts.prometheus}: ${e.message}` });
        }
      }
      if (history) {
        const stepMs = opts.scrapeIntervalMs;
        const end = Math.floor(nowMs / stepMs) * stepMs;
        const response = history.queryRange(end - opts.rangeMs, end, stepMs);
        return json(res, 200, {
          source: `collector ${opts.collector} (scraped every ${stepMs / 1000} s)`,
          nowMs: end,
          rangeMs: opts.rangeMs,
          error: history.lastError,
          queries: [{ refId: 'A', expr: QUERY, format: 'time_series', stepMs, response }],
        });
      }
      return json(res, 404, { source: 'none', nowMs, error: 'no live source: start with --collector URL or --prometheus URL, or open /?scenario=incident' });
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });

  server.listen(opts.port, opts.host, () => {
    const { port } = server.address();
    const base = `http://${opts.host}:${port}/`;
    const live = opts.prometheus ? `live from Prometheus ${opts.prometheus}` : opts.collector ? `live from collector ${opts.collector}` : 'fixtures only';
    console.log(`panel preview   ${base}  (${live}; fixtures: ${base}?scenario=incident, add &theme=light)`);
  });

  const shutdown = () => {
    history?.stop();
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main();
