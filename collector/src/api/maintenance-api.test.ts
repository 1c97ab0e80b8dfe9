import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RecoveryEngine } from '../engine/engine';
import { obs, testGroup } from '../engine/testing/scenario';
import { PrometheusExporter } from '../exporters/prometheus/prometheus-exporter';
import { createMemoryLogger } from '../logger';
import { Secret } from '../receivers/shared/secret';
import { HttpApi } from './http-server';

const TOKEN = 'maint-token-5f0c2a';

describe('POST /api/v1/maintenance', () => {
  let now = Date.now();
  const engine = new RecoveryEngine({ groups: [testGroup({ onsetDelayMillis: 2000, holdDownMillis: 2000 }), testGroup({ name: 'cache' })], now: () => now });
  const exporter = new PrometheusExporter();
  exporter.declareGroup('db');
  engine.onEpisodeCompleted((episode) => exporter.recordEpisode(episode));
  const api = new HttpApi({ host: '127.0.0.1', port: 0, engine, exporter, logger: createMemoryLogger(), auth: { bearerToken: new Secret(TOKEN) } });
  let base = '';
  const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
  const post = (body: unknown, headers: Record<string, string> = auth) =>
    fetch(`${base}/api/v1/maintenance`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const tick = (cDown: boolean) => {
    engine.observe(obs('a', now, { role: 'leader', position: 100 }));
    engine.observe(obs('c', now, cDown ? { reachable: false } : { position: 100 }));
    exporter.update(engine.tick(), new Map());
    now += 1000;
  };

  before(async () => {
    base = `http://127.0.0.1:${(await api.start()).port}`;
  });
  after(() => api.stop());

  it('asks for the bearer token when listen.auth has one', async () => {
    const response = await post({ group: 'db', duration: '10m', reason: 'x' }, { 'Content-Type': 'application/json' });
    assert.equal(response.status, 401);
    assert.equal(engine.maintenanceWindows().length, 0);
  });

  it('refuses bad input with a 4xx that says what to send', async () => {
    const cases: [unknown, number, RegExp][] = [
      ['{not json', 400, /not JSON/],
      [[1, 2], 400, /JSON object/],
      [{ group: 'db', duration: '10m' }, 400, /reason is required/],
      [{ group: 'db', duration: 'soon', reason: 'x' }, 400, /duration must be a positive duration/],
      [{ group: 'db', duration: -5, reason: 'x' }, 400, /duration must be a positive/],
      [{ group: 'db', duration: '30d', reason: 'x' }, 400, /longer than 7d/],
      [{ group: 'db', duration: '10m', reason: '  ' }, 400, /reason is empty/],
      [{ group: 'db', duration: '10m', reason: 'a\nb' }, 400, /control/],
      [{ group: 'nope', duration: '10m', reason: 'x' }, 404, /no group named "nope"/],
      [{ group: 'db', duration: '10m', reason: 'x', start: 'now' }, 400, /unknown field "start"/],
      [{ reason: 'x', duration: '1m' }, 400, /group is required/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(body);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.match(((await response.json()) as { error: string }).error, message, JSON.stringify(body));
    }
    const text = await post('{}', { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'text/plain' });
    assert.equal(text.status, 415);
    const huge = await post({ group: 'db', duration: '1m', reason: 'x'.repeat(20_000) });
    assert.equal(huge.status, 413);
    assert.equal(engine.maintenanceWindows().length, 0, 'nothing half-added');
  });

  it('opens a window that GET lists, and an episode starting in it is planned and kept out of the SLO counters', async () => {
    for (let i = 0; i < 3; i++) tick(false);
    const response = await post({ group: 'db', duration: '10m', reason: 'planned failover' });
    assert.equal(response.status, 201);
    const { window } = (await response.json()) as { window: Record<string, unknown> };
    assert.equal(window['group'], 'db');
    assert.equal(window['origin'], 'api');
    const listed = (await (await fetch(`${base}/api/v1/maintenance`, { headers: auth })).json()) as { windows: Record<string, unknown>[] };
    assert.deepEqual(
      listed.windows.map((w) => [w['group'], w['reason']]),
      [['db', 'planned failover']],
    );

    for (let i = 0; i < 4; i++) tick(true);
    const groups = (await (await fetch(`${base}/api/v1/groups`, { headers: auth })).json()) as { groups: Record<string, unknown>[] };
    assert.equal(groups.groups.find((g) => g['name'] === 'db')!['episode_planned'], true);
    assert.match(await exporter.metricsText(), /recovery_group_episode_planned\{group="db"\} 1/);
    for (let i = 0; i < 5; i++) tick(false);

    const episodes = (await (await fetch(`${base}/api/v1/episodes?group=db`, { headers: auth })).json()) as { episodes: Record<string, unknown>[] };
    assert.equal(episodes.episodes.length, 1);
    const [episode] = episodes.episodes;
    assert.equal(episode!['planned'], true);
    assert.equal(episode!['maintenance_reason'], 'planned failover');
    assert.notEqual(episode!['end'], null);
    const inPhase = episode!['time_in_phase_seconds'] as Record<string, number>;
    const sum = Object.values(inPhase).reduce((a, b) => a + b, 0);
    assert.equal(sum - (episode!['hold_down_seconds'] as number), episode!['duration_seconds']);
    const text = await exporter.metricsText();
    assert.match(text, /recovery_planned_episodes_total\{group="db"\} 1/);
    assert.match(text, /recovery_episodes_total\{group="db"\} 0/);
    assert.match(text, /recovery_episodes_within_rto_total\{group="db"\} 0/);
    assert.match(text, /recovery_group_episode_planned\{group="db"\} 0/);
  });

  it('answers other methods with 405 and Allow', async () => {
    const response = await fetch(`${base}/api/v1/maintenance`, { method: 'DELETE', headers: auth });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, HEAD, POST');
  });
});
