/**
 * Derivation and /metrics for a large fleet: 10,000 groups × 10 members.
 * Targets (issue 2): a tick under 100 ms and under 500 MB resident; `/metrics`
 * within 1.5× of a bare prom-client registry holding the same series,
 * measured in the same run.
 */
import { Gauge, Registry } from 'prom-client';
import { GROUP_DEFAULTS, type GroupConfig } from '../src/config/group-config';
import { RecoveryEngine } from '../src/engine/engine';
import { PrometheusExporter } from '../src/exporters/prometheus/prometheus-exporter';
import type { Observation } from '../src/model/types';

const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 10_000);
const MEMBERS = 10;
const TICKS = 20;
/** `BENCH_PART=derivation` stops after part 1 (the tick alone), for profiling the derivation. */
const DERIVATION_ONLY = process.env['BENCH_PART'] === 'derivation';

function groupConfig(name: string): GroupConfig {
  return { ...GROUP_DEFAULTS, name, rtoMillis: 300_000, freshnessMillis: 3_000, receivers: [] };
}

let now = 1_700_000_000_000;
const engine = new RecoveryEngine({ groups: Array.from({ length: GROUPS }, (_, g) => groupConfig(`group-${g}`)), now: () => now });
const zones = ['eu-1a', 'eu-1b', 'eu-1c'];

/** One round of observations: 2 % of groups have a replica catching up, 0.5 % a replica down. */
function observeRound(round: number): void {
  for (let g = 0; g < GROUPS; g++) {
    const group = `group-${g}`;
    const troubled = g % 50 === round % 50;
    const down = g % 200 === round % 200;
    for (let m = 0; m < MEMBERS; m++) {
      const observation: Observation = {
        group,
        member: `member-${m}`,
        source: 'bench',
        observedAtMillis: now,
        role: m === 0 ? 'leader' : 'replica',
        reachable: !(down && m === 2),
        serving: true,
        position: 1_000_000_000 - (troubled && m === 1 ? 50_000_000 : 0),
        permissionFingerprint: 'acl-v1',
        load: m === 0 ? 1200 : 300,
        dependencies: { 'cloud.availability_zone': zones[m % 3]!, 'host.name': `host-${g}-${m}` },
      };
      engine.observe(observation);
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  global.gc?.();
  const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
  // Part 1: the derivation alone, as the tick target is about the model.
  const engineTicks: number[] = [];
  for (let round = 0; round < TICKS; round++) {
    now += 1000;
    observeRound(round);
    const t0 = performance.now();
    engine.tick();
    if (round > 0) engineTicks.push(performance.now() - t0);
  }
  global.gc?.();
  const engineRssMb = process.memoryUsage().rss / 1024 / 1024;
  const members = GROUPS * MEMBERS;
  console.log(`fleet: ${GROUPS} groups × ${MEMBERS} members = ${members} members; 2 % of groups catching up, 0.5 % with a member down`);
  console.log(`derivation tick:        median ${median(engineTicks).toFixed(1)} ms (target < 100 ms), max ${Math.max(...engineTicks).toFixed(1)} ms`);
  console.log(`resident memory:        ${engineRssMb.toFixed(0)} MB with the fleet's state (process before the fleet: ${rssBeforeMb.toFixed(0)} MB; target < 500 MB)`);
  if (DERIVATION_ONLY) return;

  // Part 2: with the Prometheus exporter kept in step every tick.
  const exporter = new PrometheusExporter();
  const tickTimes: number[] = [];
  const updateTimes: number[] = [];
  let firstUpdate = 0;
  for (let round = 0; round < TICKS; round++) {
    now += 1000;
    observeRound(round);
    const t0 = performance.now();
    const states = engine.tick();
    const t1 = performance.now();
    exporter.update(states, new Map([['bench', true]]));
    const t2 = performance.now();
    if (round === 0) firstUpdate = t2 - t1;
    else {
      tickTimes.push(t1 - t0);
      updateTimes.push(t2 - t1);
    }
  }
  global.gc?.();
  const rssMb = process.memoryUsage().rss / 1024 / 1024;

  const scrapeTimes: number[] = [];
  let text = '';
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    text = await exporter.metricsText();
    scrapeTimes.push(performance.now() - t0);
  }
  const seriesCount = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;

  // Baseline: a bare prom-client registry holding the same number of series, values set beforehand.
  const bare = new Registry();
  const gauge = new Gauge({ name: 'bare_series', help: 'baseline', labelNames: ['group', 'member', 'status'], registers: [bare] });
  for (let i = 0; i < seriesCount; i++) gauge.set({ group: `group-${i % GROUPS}`, member: `member-${Math.floor(i / GROUPS) % MEMBERS}`, status: `s${Math.floor(i / (GROUPS * MEMBERS))}` }, i);
  const bareTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await bare.metrics();
    bareTimes.push(performance.now() - t0);
  }

  console.log(`tick with exporter on:  derivation median ${median(tickTimes).toFixed(1)} ms`);
  console.log(`exporter update/tick:   median ${median(updateTimes).toFixed(1)} ms (first tick, all series new: ${firstUpdate.toFixed(0)} ms)`);
  console.log(`resident memory:        ${rssMb.toFixed(0)} MB with prom-client holding every series (prom-client's own cost)`);
  console.log(`/metrics:               ${seriesCount} series, ${(text.length / 1024 / 1024).toFixed(1)} MiB, median ${median(scrapeTimes).toFixed(0)} ms`);
  console.log(`bare prom-client:       ${seriesCount} series, median ${median(bareTimes).toFixed(0)} ms`);
  console.log(`ratio /metrics ÷ bare:  ${(median(scrapeTimes) / median(bareTimes)).toFixed(2)}× (target ≤ 1.5×)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
