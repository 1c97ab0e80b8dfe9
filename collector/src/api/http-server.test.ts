import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { RecoveryEngine } from '../engine/engine';
import { obs, testGroup } from '../engine/testing/scenario';
import { PrometheusExporter } from '../exporters/prometheus/prometheus-exporter';
import { createMemoryLogger } from '../logger';
import { HttpApi } from './http-server';

describe('HttpApi', () => {
  let now = Date.parse('2026-11-26T10:00:00Z');
  const engine = new RecoveryEngine({ groups: [testGroup(), testGroup({ name: 'cache' })], now: () => now });
  const exporter = new PrometheusExporter();
  const api = new HttpApi({ host: '127.0.0.1', port: 0, engine, exporter, logger: createMemoryLogger() });
  let base = '';

  before(async () => {
    const { port } = await api.start();
    base = `http://127.0.0.1:${port}`;
    for (let s = 0; s < 30; s++) {
      engine.observe(obs('a', now, { role: 'leader', position: 100 }));
      engine.observe(obs('b', now, s >= 2 && s < 6 ? { reachable: false } : { position: 100, dependencies: { 'cloud.availability_zone': 'eu-1a' } }));
      exporter.update(engine.tick(), new Map([['test', true]]));
      now += 1000;
    }
    engine.observe(obs('b', now, { reachable: false }));
    exporter.update(engine.tick(), new Map());
  });
  after(() => api.stop());

  describe('GET /api/v1/groups', () => {
    it('answers every group with the contract fields', async () => {
      const response = await fetch(`${base}/api/v1/groups`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { groups: Record<string, unknown>[] };
      const db = body.groups.find((g) => g['name'] === 'db')!;
      for (const key of ['name', 'phase', 'progress', 'eta_seconds', 'elapsed_seconds', 'rto_seconds', 'members', 'signals']) assert.ok(key in db, key);
      assert.equal(db['phase'], 'degraded');
      assert.equal(db['eta_seconds'], null);
      assert.equal(db['eta_at'], null, 'no expected completion without an ETA');
      const member = (db['members'] as Record<string, unknown>[]).find((m) => m['member'] === 'b')!;
      for (const key of [
        'member',
        'role',
        'status',
        'lag_seconds',
        'lag_bytes',
        'permission_drift',
        'observation_age_seconds',
        'permissions_age_seconds',
        'dependencies',
      ])
        assert.ok(key in member, key);
      assert.equal(member['status'], 'unreachable');
    });
  });

  describe('GET /api/v1/episodes', () => {
    it('lists open and completed episodes newest first with RFC 3339 times', async () => {
      const body = (await (await fetch(`${base}/api/v1/episodes?group=db`)).json()) as { episodes: Record<string, unknown>[] };
      assert.equal(body.episodes.length, 2);
      const [open, done] = body.episodes;
      assert.equal(open!['end'], null);
      assert.equal(open!['duration_seconds'], null);
      assert.equal(done!['start'], '2026-11-26T10:00:02.000Z');
      assert.equal(done!['duration_seconds'], 4);
      assert.equal(done!['worst_phase'], 'degraded');
      for (const key of ['id', 'group', 'phases', 'members_affected', 'peak_lag_seconds', 'permission_drift_seen', 'hidden_instability_seen'])
        assert.ok(key in done!, key);
      assert.deepEqual((done!['phases'] as { phase: string }[]).at(-1)!.phase, 'healthy');
    });

    it('honours limit and rejects a bad one with a clear message', async () => {
      const one = (await (await fetch(`${base}/api/v1/episodes?limit=1`)).json()) as { episodes: unknown[] };
      assert.equal(one.episodes.length, 1);
      const bad = await fetch(`${base}/api/v1/episodes?limit=lots`);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /limit must be a whole number/);
    });
  });

  describe('GET /metrics and /healthz', () => {
    it('serves Prometheus text and health', async () => {
      const metrics = await fetch(`${base}/metrics`);
      assert.match(metrics.headers.get('content-type')!, /text\/plain/);
      assert.match(await metrics.text(), /recovery_group_phase\{group="db",phase="degraded"\} 1/);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/nope`)).status, 404);
      assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
    });

    /** The raw answer, body not decompressed. */
    const raw = (headers: Record<string, string>, method = 'GET') =>
      new Promise<{ response: IncomingMessage; body: Buffer }>((resolve, reject) => {
        get(`${base}/metrics`, { headers, method }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => resolve({ response, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const PROMETHEUS_ACCEPT =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

    it('answers OpenMetrics, gzipped, to what Prometheus sends', async () => {
      const { response, body } = await raw({ Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip' });
      assert.equal(response.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
      assert.equal(response.headers['content-encoding'], 'gzip');
      assert.match(String(response.headers['vary']), /Accept-Encoding/);
      const text = gunzipSync(body).toString('utf8');
      assert.ok(text.endsWith('# EOF\n'));
      assert.match(text, /^# TYPE recovery_episodes counter$/m);
      assert.match(text, /^recovery_group_phase\{group="db",phase="degraded"\} 1$/m);
    });

    it('answers plain Prometheus text, not compressed, to a client that asks for neither', async () => {
      const { response, body } = await raw({});
      assert.equal(response.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(response.headers['content-encoding'], undefined);
      const text = body.toString('utf8');
      assert.doesNotMatch(text, /# EOF/);
      assert.match(text, /^# TYPE recovery_episodes_total counter$/m);
    });

    it('answers HEAD with the negotiated headers and no body', async () => {
      const { response, body } = await raw({ Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip' }, 'HEAD');
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-encoding'], 'gzip');
      assert.equal(body.length, 0);
    });
  });
});
