/**
 * The prometheus source: one round of 100 groups × 3 members (redis_exporter
 * series; every group's two instant queries, all groups at once, answers parsed
 * and turned into observations) against a local HTTP server serving an answer
 * recorded from a real Prometheus (testdata/redis-steady.json, grown to 3 members
 * and 100 clusters), next to the bare HTTP round trips of the same 200 queries in
 * the same run. The ratio is the figure: what decoding and deriving cost over the wire.
 */
import { request, createServer, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryLogger } from '../src/logger';
import { parsePrometheusConfig } from '../src/receivers/prometheus/config';
import { recordedRound } from '../src/receivers/prometheus/fake-client';
import { PrometheusReceiver } from '../src/receivers/prometheus/prometheus-receiver';
import { RecordingSink } from '../src/testing/recording-sink';

const GROUPS = 100;
const ROUNDS = 40;
const REPEATS = 5;

/** A matrix series, as the receiver's `[window]` queries are answered. */
interface Series {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The recorded primary + replica, plus a second replica on another port, labelled cluster=<group>. */
function answersOf(group: string): { up: string; metrics: string } {
  const recorded = recordedRound('redis-steady');
  const up = (recorded.up as { data: { result: Series[] } }).data.result;
  const metrics = (recorded.metrics as { data: { result: Series[] } }).data.result;
  const label = (s: Series, extra: Record<string, string> = {}): Series => ({ metric: { ...s.metric, cluster: group, ...extra }, values: s.values });
  const replica2 = (s: Series): Series => {
    const extra: Record<string, string> = { member: 'replica2' };
    if (s.metric['tcp_port'] !== undefined) extra['tcp_port'] = '7002';
    return label(s, extra);
  };
  const lines = metrics.filter((s) => s.metric['slave_port'] !== undefined).map((s) => label(s, { slave_port: '7002' }));
  const wrap = (result: Series[]): string => JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
  return {
    up: wrap([...up.map((s) => label(s)), ...up.filter((s) => s.metric['member'] === 'replica1').map(replica2)]),
    metrics: wrap([...metrics.map((s) => label(s)), ...metrics.filter((s) => s.metric['member'] === 'replica1').map(replica2), ...lines]),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const groups = Array.from({ length: GROUPS }, (_, i) => `cache-${i}`);
  const answers = new Map(groups.map((g) => [g, answersOf(g)]));
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? '';
      const group = /cluster="([^"]+)"/.exec(query)?.[1] ?? '';
      const answer = answers.get(group);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(answer === undefined ? '{"status":"success","data":{"resultType":"matrix","result":[]}}' : query.startsWith('up{') ? answer.up : answer.metrics);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const receivers = groups.map(
    (group) =>
      new PrometheusReceiver(
        group,
        parsePrometheusConfig(
          { url, exporter: 'redis_exporter', selector: `{job="redis", cluster="${group}"}`, member_label: 'member', timeout: '10s' },
          'groups[0].prometheus',
        ),
        { intervalMillis: 1000, logger: createMemoryLogger(), now: Date.now },
      ),
  );
  const sink = new RecordingSink();
  const queries = receivers.flatMap((r) => [r.roundQueries.up, r.roundQueries.metrics]);
  const agent = new Agent({ keepAlive: true });
  const bare = (query: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const body = new URLSearchParams({ query, timeout: '10s' }).toString();
      const req = request(
        `${url}/api/v1/query`,
        { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const sourceRound = async (): Promise<void> => {
    sink.observations.length = 0;
    const ok = await Promise.all(receivers.map((r) => r.round(sink)));
    if (!ok.every(Boolean) || sink.observations.length !== GROUPS * 3) throw new Error(`round incomplete: ${sink.observations.length} observations`);
  };
  const bareRound = async (): Promise<void> => {
    await Promise.all(queries.map(bare));
  };
  const time = async (op: () => Promise<void>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const start = process.hrtime.bigint();
      await op();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return median(times);
  };
  try {
    await sourceRound();
    await bareRound();
    let best = Infinity;
    let bestBare = Infinity;
    for (let r = 0; r < REPEATS; r++) {
      bestBare = Math.min(bestBare, await time(bareRound));
      best = Math.min(best, await time(sourceRound));
    }
    const label = `prometheus source (${GROUPS} groups × 3 members, ${queries.length} queries)`;
    console.log(`${label}: one round ${best.toFixed(2)} ms median`);
    console.log(`${label}: bare HTTP round trips of the same queries ${bestBare.toFixed(2)} ms median`);
    console.log(`${label}: ratio round / bare = ${(best / bestBare).toFixed(2)}×`);
  } finally {
    agent.destroy();
    server.closeAllConnections();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
