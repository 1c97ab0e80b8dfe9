/**
 * OTLP load against a real collector process, loopback only: shared by
 * `test/load/*.test.ts` (which assert statuses, nothing lost, bounded memory)
 * and `otlp-load.bench.ts` (which prints the figures). Not part of the
 * collector build (bench/ is outside tsconfig.build.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sparePort, waitFor } from '../src/testing/processes';
import { ExportMetricsServiceRequestType } from '../src/receivers/otlp/otlp-schema';
import { startScraperProcess } from './scraper-process';

const CLI = resolve(__dirname, '../src/cli.ts');
const HEAP_PROBE = resolve(__dirname, 'heap-probe.ts');

/** A collector started for a load run: its own ports, store and temp dir, stopped by its pid. */
export interface LoadCollector {
  pid: number;
  metricsUrl: string;
  otlpUrl: string;
  /** Resident set size of the collector process now, in bytes (from /proc). */
  rssBytes(): number;
  /** Its live heap after a full GC, in bytes (heap-probe.ts): what a leak grows. */
  liveHeapBytes(): Promise<number>;
  /** Last lines of its output, for failure messages. */
  tail(): string;
  stop(): Promise<void>;
}

export interface LoadCollectorOptions {
  groups: number;
  /** Extra lines under the top-level `otlp:` key, e.g. `memory_limit: 32MiB`. */
  otlp?: string[];
}

export const groupName = (g: number): string => `load-${String(g).padStart(3, '0')}`;

/** Start `rebound-collector` (from source, through tsx) with `groups` OTLP groups. */
export async function startLoadCollector(options: LoadCollectorOptions): Promise<LoadCollector> {
  const work = mkdtempSync(join(tmpdir(), 'rebound-otlp-load-'));
  const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
  const config = join(work, 'rebound.yaml');
  const lines = ['interval: 1s', `listen: { metrics: 127.0.0.1:${metricsPort}, otlp: 127.0.0.1:${otlpPort} }`, `store: ${join(work, 'rebound.db')}`];
  if (options.otlp?.length) lines.push('otlp:', ...options.otlp.map((line) => `  ${line}`));
  lines.push('groups:');
  for (let g = 0; g < options.groups; g++) lines.push(`  - { name: ${groupName(g)}, otlp: { push_interval: 5s } }`);
  writeFileSync(config, lines.join('\n'));
  const output: string[] = [];
  const heapFile = join(work, 'heap.json');
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', HEAP_PROBE, CLI, '--config', config, '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, REBOUND_HEAP_PROBE: heapFile },
  });
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((done) => child.once('exit', () => ((exited = true), done())));
  const collector: LoadCollector = {
    pid: child.pid!,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    otlpUrl: `http://127.0.0.1:${otlpPort}/v1/metrics`,
    rssBytes: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
    },
    async liveHeapBytes() {
      rmSync(heapFile, { force: true });
      child.kill('SIGUSR2');
      return waitFor(
        'the heap probe',
        10_000,
        () => (existsSync(heapFile) ? (JSON.parse(readFileSync(heapFile, 'utf8')) as { heapUsed: number }).heapUsed : undefined),
        20,
      );
    },
    tail: () => output.join('').split('\n').slice(-30).join('\n'),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(
      'the collector to serve /healthz',
      60_000,
      async () => {
        if (exited) throw new Error(`collector exited: ${collector.tail()}`);
        return (await fetch(`${collector.metricsUrl}/healthz`)).ok ? true : undefined;
      },
      200,
    );
  } catch (error) {
    await collector.stop();
    throw error;
  }
  return collector;
}

export interface HttpAnswer {
  status: number;
  retryAfter?: string;
  body: Buffer;
  millis: number;
}

/** POST one body on a keep-alive agent and time it to the last byte of the answer. */
export function postOtlp(agent: http.Agent, url: string, body: Uint8Array | string, contentType: string): Promise<HttpAnswer> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolvePromise({
            status: response.statusCode!,
            ...(retryAfter ? { retryAfter: String(retryAfter) } : {}),
            body: Buffer.concat(chunks),
            millis: performance.now() - started,
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Milliseconds to fetch `url` completely (a Prometheus scrape of /metrics). */
export async function timedGet(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return performance.now() - started;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface LoadOptions {
  collector: LoadCollector;
  clients: number;
  groups: number;
  membersPerGroup: number;
  durationMillis: number;
  /** RSS growth is measured from the end of the warm-up. */
  warmupMillis: number;
  scrapeEveryMillis: number;
}

export interface LoadResult {
  requests: number;
  statuses: Record<number, number>;
  /** 503 answers that carried no Retry-After (should be none). */
  unavailableWithoutRetryAfter: number;
  /** 200 answers with a partial success (points refused): should be none. */
  partialSuccesses: number;
  pointsAccepted: number;
  pointsPerSecond: number;
  latencyMillis: { p50: number; p99: number };
  scrapeMillis: { p50: number; p99: number; max: number; count: number; failed: number };
  rssBytes: { afterWarmup: number; end: number; max: number };
  /** The collector's live heap after a full GC, at the end of the warm-up and at the end of the load. */
  liveHeapBytes: { afterWarmup: number; end: number };
  /** Per member key `group/member`, the lag_bytes of its last accepted point. */
  lastAccepted: Map<string, number>;
  elapsedMillis: number;
}

/** A protobuf request for the members a client owns; lag_bytes carries a sequence number per member, checked at the end. */
function memberBatch(members: readonly { group: string; member: string }[], sequence: number): { body: Uint8Array; points: number } {
  const timeUnixNano = Date.now() * 1e6;
  const gauge = (name: string, unit: string, asDouble: number) => ({ name, unit, gauge: { dataPoints: [{ timeUnixNano, asDouble }] } });
  const resourceMetrics = members.map(({ group, member }) => ({
    resource: {
      attributes: [
        { key: 'service.name', value: { stringValue: group } },
        { key: 'service.instance.id', value: { stringValue: member } },
        // All replicas: a leader's lag is shown as 0 whatever it sends, and each member's lag_bytes is checked at the end.
        { key: 'recovery.member.role', value: { stringValue: 'replica' } },
      ],
    },
    scopeMetrics: [
      {
        metrics: [
          gauge('recovery.member.up', '', 1),
          gauge('recovery.member.serving', '', 1),
          gauge('recovery.member.position', '', 1_000_000 + sequence),
          gauge('recovery.member.lag_bytes', 'By', sequence),
        ],
      },
    ],
  }));
  return { body: ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject({ resourceMetrics })).finish(), points: members.length * 4 };
}

/**
 * `clients` OTLP clients, each owning groups g ≡ client (mod clients), push
 * their members back to back for `durationMillis` (a 503 is retried after its
 * Retry-After, as an exporter would); /metrics is scraped every
 * `scrapeEveryMillis` and the collector's RSS sampled with it.
 */
export async function runOtlpLoad(options: LoadOptions): Promise<LoadResult> {
  const { collector, clients, groups, membersPerGroup, durationMillis } = options;
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  const scrapes: number[] = [];
  let scrapeFailures = 0;
  const rssSamples: { at: number; bytes: number }[] = [];
  const lastAccepted = new Map<string, number>();
  let pointsAccepted = 0;
  let partialSuccesses = 0;
  let unavailableWithoutRetryAfter = 0;
  const started = performance.now();
  const deadline = started + durationMillis;

  const client = async (index: number): Promise<void> => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const members: { group: string; member: string }[] = [];
    for (let g = index; g < groups; g += clients)
      for (let m = 0; m < membersPerGroup; m++) members.push({ group: groupName(g), member: `${groupName(g)}-${m}` });
    let sequence = 0;
    try {
      while (performance.now() < deadline) {
        sequence++;
        const { body, points } = memberBatch(members, sequence);
        const answer = await postOtlp(agent, collector.otlpUrl, body, 'application/x-protobuf');
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        latencies.push(answer.millis);
        if (answer.status === 200) {
          if (answer.body.length > 0) partialSuccesses++;
          pointsAccepted += points;
          for (const { group, member } of members) lastAccepted.set(`${group}/${member}`, sequence);
        } else if (answer.status === 503) {
          if (answer.retryAfter === undefined) unavailableWithoutRetryAfter++;
          await new Promise((done) => setTimeout(done, 1000 * Number(answer.retryAfter ?? 1)));
        }
      }
    } finally {
      agent.destroy();
    }
  };

  // Scraped from a process of its own, as Prometheus does: this one is busy being the clients.
  const scraper = startScraperProcess(`${collector.metricsUrl}/metrics`, options.scrapeEveryMillis);
  const sampling = setInterval(() => rssSamples.push({ at: performance.now() - started, bytes: collector.rssBytes() }), options.scrapeEveryMillis);
  const heapAfterWarmup = new Promise<number>((done, fail) => setTimeout(() => collector.liveHeapBytes().then(done, fail), options.warmupMillis));
  try {
    await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  } finally {
    clearInterval(sampling);
    scrapes.push(...(await scraper.stop()));
    scrapeFailures = scrapes.filter((m) => m < 0).length;
    scrapes.splice(0, scrapes.length, ...scrapes.filter((m) => m >= 0));
  }
  const elapsedMillis = performance.now() - started;
  const liveHeapBytes = { afterWarmup: await heapAfterWarmup, end: await collector.liveHeapBytes() };
  const afterWarmup = rssSamples.filter((s) => s.at >= options.warmupMillis).map((s) => s.bytes);
  return {
    requests: latencies.length,
    statuses,
    unavailableWithoutRetryAfter,
    partialSuccesses,
    pointsAccepted,
    pointsPerSecond: pointsAccepted / (elapsedMillis / 1000),
    latencyMillis: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    scrapeMillis: { p50: percentile(scrapes, 50), p99: percentile(scrapes, 99), max: Math.max(...scrapes), count: scrapes.length, failed: scrapeFailures },
    // Medians of the first and last five samples after the warm-up: one GC-timed sample does not decide.
    rssBytes: { afterWarmup: median(afterWarmup.slice(0, 5)), end: median(afterWarmup.slice(-5)), max: Math.max(...rssSamples.map((s) => s.bytes)) },
    liveHeapBytes,
    lastAccepted,
    elapsedMillis,
  };
}

/** Members (`group/member`) whose lag_bytes in /api/v1/groups is not their last accepted value. */
export async function membersNotReflected(collector: LoadCollector, lastAccepted: ReadonlyMap<string, number>): Promise<string[]> {
  const { groups } = (await (await fetch(`${collector.metricsUrl}/api/v1/groups`)).json()) as {
    groups: { name: string; members: { member: string; lag_bytes: number | null }[] }[];
  };
  const shown = new Map<string, number | null>();
  for (const group of groups) for (const member of group.members) shown.set(`${group.name}/${member.member}`, member.lag_bytes);
  return [...lastAccepted]
    .filter(([key, sequence]) => shown.get(key) !== sequence)
    .map(([key, sequence]) => `${key}: sent ${sequence}, shown ${shown.get(key)}`);
}

export const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
