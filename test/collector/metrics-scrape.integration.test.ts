/**
 * A real Prometheus scrapes the collector's /metrics (it asks for OpenMetrics and
 * gzip) next to a plain prom-client registry holding the same states, and both
 * give the same series and values through Prometheus' query API.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpApi, RecoveryEngine, PrometheusExporter, createMemoryLogger } from '@rebound/collector';
import { obs, testGroup, promClientRegistry } from '@rebound/collector/testing';
import { PrometheusApi, type Sample } from '../dashboards-live/prometheus-api';
import { startPrometheus } from '../support/demo-stack';
import { sparePort, waitFor, type Child } from '../support/processes';

/** Three groups frozen mid-failover (a lagging member, a member down, one never observed), observation ages fixed. */
function frozenFleet() {
  let now = 1_700_000_000_000;
  const engine = new RecoveryEngine({ groups: [testGroup(), testGroup({ name: 'calm' }), testGroup({ name: 'edge "paths"' })], now: () => now });
  const exporter = new PrometheusExporter(undefined, { nowMillis: () => now + 500 });
  const declared = ['db', 'calm', 'edge "paths"'];
  for (const group of declared) exporter.declareGroup(group);
  const episodes = [{ group: 'calm', durationSeconds: 75, rtoSeconds: 60 }];
  for (const e of episodes) exporter.recordEpisode(e);
  engine.declare('calm', [{ member: 'ghost', role: 'replica' }]);
  let states = engine.tick();
  for (let tick = 0; tick < 8; tick++) {
    const failed = tick >= 3;
    engine.observe(obs('a', now, failed ? { role: 'leader', reachable: false } : { role: 'leader', position: 10, load: 100 }));
    engine.observe(obs('b', now, { role: failed ? 'leader' : 'replica', position: 10, load: 250 }));
    engine.observe(obs('c', now, { position: 10, lagSeconds: failed ? 30 - tick : 0, lagBytes: 2048 }));
    engine.observe({ ...obs('x', now, { role: 'leader', position: 1 }), group: 'calm' });
    engine.observe({ ...obs('p-1', now, { role: 'leader', position: 1, dependencies: { 'host.name': 'h1' } }), group: 'edge "paths"' });
    states = engine.tick();
    exporter.update(states, new Map([['test', true]]));
    now += 1000;
  }
  now -= 1000;
  exporter.storeUp(true);
  const reference = promClientRegistry({ declared, episodes, states, sources: new Map([['test', true]]), storeUp: true, nowMillis: now + 500 });
  return { engine, exporter, reference };
}

/** Forwards to the collector and remembers what Prometheus asked for and what it got. */
function recordingProxy(targetPort: number, seen: { request: IncomingHttpHeaders; response: IncomingHttpHeaders }[]): Server {
  return createServer((request, response) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      seen.push({ request: request.headers, response: answer.headers });
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
}

const listen = (server: Server, port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
const close = (server: Server | undefined) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

/** `{labels without instance and job} value` per recovery series of one target, sorted. */
function seriesOf(samples: Sample[], instance: string): string[] {
  return samples
    .filter((s) => s.metric.instance === instance)
    .map((s) => {
      const { instance: _i, job: _j, ...labels } = s.metric;
      return `${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))} ${s.value![1]}`;
    })
    .sort();
}

describe('/metrics scraped by a real Prometheus', { timeout: 180_000 }, () => {
  let dir: string | undefined;
  let prometheus: Child | undefined;
  let api: HttpApi | undefined;
  let proxy: Server | undefined;
  let referenceServer: Server | undefined;
  const seen: { request: IncomingHttpHeaders; response: IncomingHttpHeaders }[] = [];
  let prom: PrometheusApi;
  let cachedTarget = '';
  let referenceTarget = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-metrics-scrape-'));
    const { engine, exporter, reference } = frozenFleet();
    api = new HttpApi({ host: '127.0.0.1', port: 0, engine, exporter, logger: createMemoryLogger() });
    const { port: apiPort } = await api.start();
    const [proxyPort, referencePort] = [await sparePort(), await sparePort()];
    proxy = recordingProxy(apiPort, seen);
    await listen(proxy, proxyPort);
    const referenceText = await reference.metrics();
    referenceServer = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': reference.contentType });
      response.end(referenceText);
    });
    await listen(referenceServer, referencePort);
    cachedTarget = `127.0.0.1:${proxyPort}`;
    referenceTarget = `127.0.0.1:${referencePort}`;
    const stack = await startPrometheus(dir, { metricsPort: proxyPort, moreMetricsPorts: [referencePort], job: 'rebound' });
    prometheus = stack.child;
    prom = new PrometheusApi(stack.url);
    await waitFor('both targets scraped and up', 90_000, async () => {
      const up = await prom.instant('up{job="rebound"} == 1');
      return up.length === 2 || undefined;
    });
  });

  after(async () => {
    await prometheus?.stop();
    await close(proxy);
    await close(referenceServer);
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('was asked for OpenMetrics with gzip by Prometheus and answered so', () => {
    const scrape = seen.find((s) => s.request['accept']?.includes('application/openmetrics-text'));
    assert.ok(scrape, `Prometheus' Accept headers: ${seen.map((s) => s.request['accept']).join(' | ')}`);
    assert.match(String(scrape.request['accept-encoding']), /gzip/);
    assert.equal(scrape.response['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    assert.equal(scrape.response['content-encoding'], 'gzip');
  });

  it('gives the same recovery series and values as a prom-client registry holding the same states', async () => {
    const samples = await prom.instant('{job="rebound",__name__=~"recovery_.+"}');
    const cached = seriesOf(samples, cachedTarget);
    const reference = seriesOf(samples, referenceTarget);
    assert.ok(cached.length > 100, `${cached.length} series from the collector`);
    assert.deepEqual(cached, reference);
  });

  it('ingests every sample of the answer (scrape_samples_scraped matches the series count)', async () => {
    const [scraped] = await prom.instant(`scrape_samples_scraped{instance="${cachedTarget}"}`);
    const [series] = await prom.instant(`count({instance="${cachedTarget}",__name__=~"recovery_.+"})`);
    assert.equal(scraped!.value![1], series!.value![1]);
  });
});
