/**
 * `/metrics` for a large fleet, from the cached exposition (issue 15): 10,000
 * groups × 10 members, about a million series. Printed: the exporter's work per
 * tick, a scrape over HTTP as Prometheus text and as Prometheus itself asks
 * (OpenMetrics, gzip), next to a bare prom-client registry holding the same
 * number of series serialized in the same run, and resident memory.
 * Targets: ≥ 10× faster than the bare registry and under 1 s.
 *
 * `--scale` sweeps the fleet size (one process per size, so memory figures are
 * the size's own) and prints how tick, scrape and memory grow.
 */
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import { Gauge, Registry } from 'prom-client';
import { HttpApi } from '../src/api/http-server';
import { PrometheusExporter } from '../src/exporters/prometheus/prometheus-exporter';
import { createMemoryLogger } from '../src/logger';
import { createFleet, MEMBERS_PER_GROUP, median, rssMb } from './fleet';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const SCALE_SIZES = (process.env['BENCH_SCALE_SIZES'] ?? '1000,2000,5000,10000,20000,50000').split(',').map(Number);

interface Measured {
  groups: number;
  series: number;
  textMiB: number;
  gzipMiB: number;
  tickMs: number;
  updateMs: number;
  firstUpdateMs: number;
  buildMs: number;
  plainMs: number;
  gzipMs: number;
  engineRssMb: number;
  rssMb: number;
}

interface Scraped {
  ms: number;
  bytes: number;
  contentType: string | undefined;
  encoding: string | undefined;
}

function scrape(port: number, headers: http.OutgoingHttpHeaders): Promise<Scraped> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/metrics', headers }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          resolve({ ms: performance.now() - t0, bytes, contentType: response.headers['content-type'], encoding: response.headers['content-encoding'] }),
        );
      })
      .on('error', reject);
  });
}

async function medianScrape(port: number, headers: http.OutgoingHttpHeaders, rounds: number): Promise<Scraped> {
  const all: Scraped[] = [];
  for (let i = 0; i < rounds; i++) all.push(await scrape(port, headers));
  const ms = median(all.map((s) => s.ms));
  return { ...all[0]!, ms };
}

async function measure(groups: number, ticks: number, rounds: number): Promise<Measured> {
  const fleet = createFleet(groups);
  global.gc?.();
  const exporter = new PrometheusExporter();
  for (let g = 0; g < groups; g++) exporter.declareGroup(`group-${g}`);
  const tickTimes: number[] = [];
  const updateTimes: number[] = [];
  let firstUpdateMs = 0;
  let engineRssMb = 0;
  for (let round = 0; round < ticks; round++) {
    fleet.observeRound(round);
    const t0 = performance.now();
    const states = fleet.engine.tick();
    const t1 = performance.now();
    if (round === 0) {
      global.gc?.();
      engineRssMb = rssMb();
    }
    const t2 = performance.now();
    exporter.update(states, new Map([['bench', true]]));
    const t3 = performance.now();
    if (round === 0) firstUpdateMs = t3 - t2;
    else {
      tickTimes.push(t1 - t0);
      updateTimes.push(t3 - t2);
    }
  }
  global.gc?.();
  const buildTimes: number[] = [];
  let series = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const { pieces, release } = await exporter.exposition();
    buildTimes.push(performance.now() - t0);
    series = pieces.reduce((n, piece) => n + countSamples(piece), 0);
    release();
  }
  const api = new HttpApi({ host: '127.0.0.1', port: 0, engine: fleet.engine, exporter, logger: createMemoryLogger() });
  const { port } = await api.start();
  try {
    const plain = await medianScrape(port, {}, rounds);
    const zipped = await medianScrape(port, { Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip' }, rounds);
    if (zipped.encoding !== 'gzip' || !zipped.contentType?.startsWith('application/openmetrics-text')) {
      throw new Error(`Prometheus' request got ${zipped.contentType} / ${zipped.encoding}`);
    }
    global.gc?.();
    return {
      groups,
      series,
      tickMs: median(tickTimes),
      updateMs: median(updateTimes),
      firstUpdateMs,
      buildMs: median(buildTimes),
      plainMs: plain.ms,
      gzipMs: zipped.ms,
      textMiB: plain.bytes / 1024 / 1024,
      gzipMiB: zipped.bytes / 1024 / 1024,
      engineRssMb,
      rssMb: rssMb(),
    };
  } finally {
    await api.stop();
  }
}

/** Lines not starting with `#` in one piece (pieces end with a newline). */
function countSamples(piece: Buffer): number {
  let n = 0;
  for (let start = 0; start < piece.length;) {
    const end = piece.indexOf(10, start);
    if (piece[start] !== 35 /* # */ && end > start) n++;
    start = end === -1 ? piece.length : end + 1;
  }
  return n;
}

/** A bare prom-client registry holding `series` series, values set beforehand; serialization timed alone. */
async function bareRegistry(series: number, groups: number, rounds: number): Promise<{ ms: number; addedRssMb: number }> {
  global.gc?.();
  const before = rssMb();
  const registry = new Registry();
  const gauge = new Gauge({ name: 'bare_series', help: 'baseline', labelNames: ['group', 'member', 'status'], registers: [registry] });
  for (let i = 0; i < series; i++)
    gauge.set(
      {
        group: `group-${i % groups}`,
        member: `member-${Math.floor(i / groups) % MEMBERS_PER_GROUP}`,
        status: `s${Math.floor(i / (groups * MEMBERS_PER_GROUP))}`,
      },
      i,
    );
  global.gc?.();
  const addedRssMb = rssMb() - before;
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await registry.metrics();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), addedRssMb };
}

async function main(): Promise<void> {
  const groups = Number(process.env['BENCH_GROUPS'] ?? 10_000);
  const rssBefore = rssMb();
  const m = await measure(groups, 12, 3);
  const bare = await bareRegistry(m.series, groups, 3);
  const ratio = bare.ms / m.plainMs;
  console.log(`fleet: ${groups} groups × ${MEMBERS_PER_GROUP} members; 2 % of groups catching up, 0.5 % with a member down each tick`);
  console.log(`/metrics:               ${m.series} series, ${m.textMiB.toFixed(1)} MiB as text, ${m.gzipMiB.toFixed(1)} MiB gzipped`);
  console.log(
    `exporter update/tick:   median ${m.updateMs.toFixed(1)} ms (first tick, every series new: ${m.firstUpdateMs.toFixed(0)} ms); derivation tick median ${m.tickMs.toFixed(1)} ms`,
  );
  console.log(`exposition build:       median ${m.buildMs.toFixed(0)} ms (changed groups spliced into the cached bytes, observation ages formatted)`);
  console.log(`scrape, Prometheus text: median ${m.plainMs.toFixed(0)} ms over HTTP (target < 1000 ms: ${m.plainMs < 1000 ? 'met' : 'NOT met'})`);
  console.log(`scrape as Prometheus asks (OpenMetrics, gzip): median ${m.gzipMs.toFixed(0)} ms over HTTP`);
  console.log(`bare prom-client:       ${m.series} series, median ${bare.ms.toFixed(0)} ms to serialize`);
  console.log(
    `ratio bare ÷ /metrics:  ${ratio.toFixed(1)}× faster (target ≥ 10×: ${ratio >= 10 ? 'met' : 'NOT met'}); with gzip ${(bare.ms / m.gzipMs).toFixed(1)}×`,
  );
  console.log(
    `resident memory:        ${m.engineRssMb.toFixed(0)} MB with the fleet's state; ${m.rssMb.toFixed(0)} MB with the exposition cached (+${(m.rssMb - m.engineRssMb).toFixed(0)} MB; process before the fleet ${rssBefore.toFixed(0)} MB)`,
  );
  console.log(`                        a prom-client registry holding the same number of series adds ${bare.addedRssMb.toFixed(0)} MB`);
}

/** One size of the sweep, in its own process: one JSON line. */
async function row(): Promise<void> {
  const groups = Number(process.env['BENCH_GROUPS']);
  console.log(JSON.stringify(await measure(groups, 6, 3)));
}

function sweep(): void {
  console.log(
    `scale sweep, one process per size, ${MEMBERS_PER_GROUP} members per group (2 % of groups troubled each tick, about a quarter in an open episode)`,
  );
  console.log('groups  | series    | text MiB | tick ms | update ms | first update ms | scrape ms | gzip scrape ms | RSS MB | MB per 1k groups added');
  let previous: Measured | undefined;
  for (const groups of SCALE_SIZES) {
    const child = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=12000', '--import', 'tsx', __filename], {
      env: { ...process.env, BENCH_ROW: '1', BENCH_GROUPS: String(groups) },
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      console.log(`${String(groups).padEnd(7)} | failed (${child.signal ?? `status ${child.status}`}): ${child.stderr.trim().split('\n').slice(-2).join(' ')}`);
      continue;
    }
    const r = JSON.parse(line) as Measured;
    const cells = [
      String(r.groups).padEnd(7),
      String(r.series).padEnd(9),
      r.textMiB.toFixed(1).padStart(8),
      r.tickMs.toFixed(1).padStart(7),
      r.updateMs.toFixed(1).padStart(9),
      r.firstUpdateMs.toFixed(0).padStart(15),
      r.plainMs.toFixed(0).padStart(9),
      r.gzipMs.toFixed(0).padStart(14),
      r.rssMb.toFixed(0).padStart(6),
      (previous === undefined ? '' : ((r.rssMb - previous.rssMb) / ((r.groups - previous.groups) / 1000)).toFixed(1)).padStart(22),
    ];
    console.log(cells.join(' | '));
    previous = r;
  }
}

const run = process.env['BENCH_ROW'] === '1' ? row() : process.argv.includes('--scale') ? Promise.resolve(sweep()) : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
