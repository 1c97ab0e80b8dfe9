import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { RecordingSink } from '../../testing/recording-sink';
import { HttpPrometheusClient } from './client';
import { parsePrometheusConfig } from './config';
import { FakePrometheusClient, recordedRound, recordedSamples } from './fake-client';
import { PrometheusReceiver } from './prometheus-receiver';

const ENV = { PROM_TOKEN: 's3cret-token', PROM_PASSWORD: 'pa55-word' };
const config = (extra: Record<string, unknown> = {}) =>
  parsePrometheusConfig(
    { url: 'http://127.0.0.1:9', exporter: 'redis_exporter', selector: '{job="capture"}', member_label: 'member', ...extra },
    'groups[0].prometheus',
    ENV,
  );

describe('PrometheusReceiver', () => {
  it('one round = two instant queries (up and one regex selector of the exporter metrics), then source up', async () => {
    const client = new FakePrometheusClient(recordedSamples('redis-steady'));
    const receiver = new PrometheusReceiver('cache', config(), { intervalMillis: 1000, logger: createMemoryLogger(), now: () => 1 }, client);
    const sink = new RecordingSink();
    assert.equal(await receiver.round(sink), true);
    assert.deepEqual(client.queries, [recordedRound('redis-steady').queries.up, recordedRound('redis-steady').queries.metrics]);
    assert.equal(client.queries.length, 2);
    assert.deepEqual(sink.sourceUps, [{ source: 'prometheus/cache', up: true }]);
    assert.deepEqual(new Set(sink.observations.map((o) => o.member)), new Set(['primary', 'replica1']));
  });

  it('Prometheus failing: source down, no observation (members go unknown after freshness), the token never logged', async () => {
    const client = new FakePrometheusClient(recordedSamples('redis-steady'));
    const logger = createMemoryLogger();
    const receiver = new PrometheusReceiver('cache', config({ bearer_token: '${PROM_TOKEN}' }), { intervalMillis: 1000, logger, now: () => 1 }, client);
    client.failure = new Error(`connect ECONNREFUSED (Authorization: Bearer ${ENV.PROM_TOKEN})`);
    const sink = new RecordingSink();
    assert.equal(await receiver.round(sink), false);
    assert.equal(sink.observations.length, 0);
    assert.equal(sink.lastSourceUp(), false);
    assert.ok(logger.lines.some((l) => l.includes('Prometheus query failed')));
    assert.ok(!logger.lines.join('\n').includes(ENV.PROM_TOKEN));
  });

  it('a member seen once and then gone from the answers stays, reported unknown', async () => {
    const client = new FakePrometheusClient(recordedSamples('redis-steady'));
    const receiver = new PrometheusReceiver('cache', config(), { intervalMillis: 1000, logger: createMemoryLogger(), now: () => 1 }, client);
    const sink = new RecordingSink();
    await receiver.round(sink);
    const steady = recordedSamples('redis-steady');
    client.answers = {
      up: steady.up.filter((s) => s.labels['member'] !== 'replica1'),
      metrics: steady.metrics.filter((s) => s.labels['member'] !== 'replica1'),
    };
    await receiver.round(sink);
    assert.match(sink.latest('replica1')?.unknownReason ?? '', /no up series/);
  });

  it('a replica whose link went down keeps its lag growing across rounds (never restarts at 0; issue 17)', async () => {
    const steady = recordedSamples('redis-steady');
    const client = new FakePrometheusClient(steady);
    let now = 1_000_000;
    const receiver = new PrometheusReceiver('cache', config(), { intervalMillis: 1000, logger: createMemoryLogger(), now: () => now }, client);
    const sink = new RecordingSink();
    await receiver.round(sink);
    client.answers = { up: steady.up, metrics: steady.metrics.map((x) => (x.labels['__name__'] === 'redis_master_link_up' ? { ...x, value: 0 } : x)) };
    now += 7_000;
    await receiver.round(sink);
    const replica = sink.latest('replica1')!;
    assert.equal(replica.replicationLink?.up, false);
    assert.ok((replica.lagSeconds ?? 0) >= 7, `lag ${replica.lagSeconds}`);
  });

  it('declared members are declared at start, before any answer', async () => {
    const client = new FakePrometheusClient({ up: [], metrics: [] });
    const receiver = new PrometheusReceiver(
      'cache',
      config({ declared: [{ member: 'cache-a', role: 'leader' }] }),
      { intervalMillis: 60_000, logger: createMemoryLogger(), now: () => 1 },
      client,
    );
    const sink = new RecordingSink();
    await receiver.start(sink);
    await receiver.stop();
    assert.deepEqual(sink.declared.get('cache'), [{ member: 'cache-a', role: 'leader', dependencies: {} }]);
  });
});

describe('HttpPrometheusClient against a local HTTP server', () => {
  let server: Server;
  let url = '';
  const seen: { authorization?: string; body: string }[] = [];
  let reply: (req: IncomingMessage) => { status: number; body: string; delayMillis?: number } = () => ({
    status: 200,
    body: JSON.stringify(recordedRound('redis-steady').up),
  });
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body });
        const answer = reply(req);
        setTimeout(() => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body), answer.delayMillis ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sends the query with its timeout and the bearer token; parses the vector', async () => {
    const client = new HttpPrometheusClient(config({ url, bearer_token: '${PROM_TOKEN}', timeout: '3s' }));
    const samples = await client.instantQuery('up{job="capture"}', AbortSignal.timeout(5_000));
    assert.equal(samples.length, 2);
    assert.equal(seen.at(-1)?.authorization, `Bearer ${ENV.PROM_TOKEN}`);
    assert.equal(new URLSearchParams(seen.at(-1)!.body).get('timeout'), '3s');
  });

  it('basic auth from ${ENV}; the config prints the password as ***', async () => {
    const parsed = config({ url, basic_auth: { username: 'rebound', password: '${PROM_PASSWORD}' } });
    await new HttpPrometheusClient(parsed).instantQuery('up', AbortSignal.timeout(5_000));
    assert.equal(seen.at(-1)?.authorization, `Basic ${Buffer.from(`rebound:${ENV.PROM_PASSWORD}`).toString('base64')}`);
    assert.ok(!JSON.stringify(parsed).includes(ENV.PROM_PASSWORD));
  });

  it('a Prometheus error answer (bad_data) is an error naming it; 401 names the auth keys', async () => {
    reply = () => ({ status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }) });
    await assert.rejects(new HttpPrometheusClient(config({ url })).instantQuery('up{', AbortSignal.timeout(5_000)), /bad_data: parse error/);
    reply = () => ({ status: 401, body: 'Unauthorized' });
    await assert.rejects(new HttpPrometheusClient(config({ url })).instantQuery('up', AbortSignal.timeout(5_000)), /bearer_token \/ basic_auth/);
  });

  it('a hung Prometheus: the round gives up at the timeout and reports the source down', async () => {
    reply = () => ({ status: 200, body: JSON.stringify(recordedRound('redis-steady').up), delayMillis: 20_000 });
    const receiver = new PrometheusReceiver('cache', config({ url, timeout: '200ms' }), { intervalMillis: 1000, logger: createMemoryLogger(), now: () => 1 });
    const sink = new RecordingSink();
    const started = Date.now();
    assert.equal(await receiver.round(sink), false);
    assert.ok(Date.now() - started < 10_000, 'ended by the timeout, not by the answer');
    assert.equal(sink.lastSourceUp(), false);
  });
});
