/**
 * Derivation for a large fleet: 10,000 groups × 10 members = 100,000 members (the synthetic
 * fleet of fleet.ts), with incremental ticks (only groups that got observations or whose
 * state moves with time are derived) and, in the same run, the full derivation of every
 * group every tick as the baseline.
 * Targets (issue 15): a tick with 2 % of the groups changing under 20 ms median, one with
 * every group changing still under 100 ms, under 350 MB resident for that fleet.
 * `/metrics` for the same fleet is exposition.bench.ts.
 */
import { PrometheusExporter } from '../src/exporters/prometheus/prometheus-exporter';
import { createFleet, MEMBERS_PER_GROUP, median, rssMb } from './fleet';

const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 10_000);
/** Each group gets observations once in this many ticks: 2 % of the groups a tick. */
const EVERY = 50;
const SHARE_TICKS = 100;
const BASELINE_SHARE_TICKS = 30;
const FULL_CHANGE_TICKS = 20;

interface Run {
  shareTicks: number[];
  /** CPU time of the same ticks (user + system, the whole process): less swayed by other work on a shared machine. */
  shareTicksCpu: number[];
  derivedPerShareTick: number[];
  fullChangeTicks: number[];
  fullChangeTicksCpu: number[];
  rssAfterShareMb: number;
  rssAfterFullChangeMb: number;
  /** The live heap after a full GC, after the ticks with every group changing: the rest of the resident memory is the heap's headroom. */
  heapAfterFullChangeMb: number;
}

function run(incremental: boolean, shareTicks: number): Run {
  // Observed once in 50 s: a freshness window longer than that, as such a fleet would be configured.
  const { engine, observeRound, observeShare } = createFleet(GROUPS, { incremental, freshnessMillis: 60_000 });
  let round = 0;
  // Every group observed (all converged) and derived once: the first tick, every member new.
  observeShare(round++, 1);
  engine.tick();
  /** Wall and CPU milliseconds of one tick. */
  const timedTick = (): [number, number] => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    engine.tick();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return [wall, (cpu.user + cpu.system) / 1000];
  };
  const result: Run = {
    shareTicks: [],
    shareTicksCpu: [],
    derivedPerShareTick: [],
    fullChangeTicks: [],
    fullChangeTicksCpu: [],
    rssAfterShareMb: 0,
    rssAfterFullChangeMb: 0,
    heapAfterFullChangeMb: 0,
  };
  for (let i = 0; i < shareTicks; i++) {
    observeShare(round++, EVERY);
    const [wall, cpu] = timedTick();
    result.shareTicks.push(wall);
    result.shareTicksCpu.push(cpu);
    result.derivedPerShareTick.push(engine.groupsDerivedLastTick());
  }
  global.gc?.();
  result.rssAfterShareMb = rssMb();
  // Every group observed every tick, 2 % catching up and 0.5 % with a member down: every group derived.
  for (let i = 0; i < FULL_CHANGE_TICKS; i++) {
    observeRound(round++);
    const [wall, cpu] = timedTick();
    if (i === 0) continue; // after the share ticks, every member's first change in 50 ticks
    result.fullChangeTicks.push(wall);
    result.fullChangeTicksCpu.push(cpu);
  }
  global.gc?.();
  result.rssAfterFullChangeMb = rssMb();
  result.heapAfterFullChangeMb = process.memoryUsage().heapUsed / 1024 / 1024;
  return result;
}

/**
 * The Prometheus exporter's update after each tick with 2 % of the groups changing, CPU ms
 * (median): a group the tick did not derive is the same state object, skipped outright.
 * Run last: the exposition's memory is not the fleet's.
 */
function exporterUpdates(incremental: boolean): number {
  const { engine, observeShare } = createFleet(GROUPS, { incremental, freshnessMillis: 60_000 });
  const exporter = new PrometheusExporter();
  let round = 0;
  observeShare(round++, 1);
  exporter.update(engine.tick(), engine.sourceStates());
  const cpuMillis: number[] = [];
  for (let i = 0; i < BASELINE_SHARE_TICKS; i++) {
    observeShare(round++, EVERY);
    const states = engine.tick();
    const cpu0 = process.cpuUsage();
    exporter.update(states, engine.sourceStates());
    const cpu = process.cpuUsage(cpu0);
    cpuMillis.push((cpu.user + cpu.system) / 1000);
  }
  return median(cpuMillis);
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;
}

function main(): void {
  global.gc?.();
  const rssBeforeMb = rssMb();
  // The incremental run first, so its memory is measured before the baseline's heap exists
  // (the baseline then runs on a warmer JIT: its ratio is, if anything, flattering to it).
  const incremental = run(true, SHARE_TICKS);
  const full = run(false, BASELINE_SHARE_TICKS);
  const members = GROUPS * MEMBERS_PER_GROUP;
  const share = median(incremental.shareTicks);
  const shareBaseline = median(full.shareTicks);
  const fullChange = median(incremental.fullChangeTicks);
  const fullChangeBaseline = median(full.fullChangeTicks);
  console.log(`fleet: ${GROUPS} groups × ${MEMBERS_PER_GROUP} members = ${members} members`);
  console.log(
    `2 % changing (each group observed once in ${EVERY} ticks, all converged, positions moved; the others nothing new): ${median(incremental.derivedPerShareTick)} groups derived per tick`,
  );
  console.log(
    `  incremental tick:     median ${share.toFixed(1)} ms (target < 20 ms; CPU ${median(incremental.shareTicksCpu).toFixed(1)} ms), ` +
      `p95 ${percentile(incremental.shareTicks, 0.95).toFixed(1)} ms, max ${Math.max(...incremental.shareTicks).toFixed(1)} ms; deriving every group: median ${shareBaseline.toFixed(1)} ms ` +
      `(CPU ${median(full.shareTicksCpu).toFixed(1)} ms) → ${(shareBaseline / share).toFixed(1)}× faster ` +
      `(CPU ${(median(full.shareTicksCpu) / median(incremental.shareTicksCpu)).toFixed(1)}×)`,
  );
  console.log(`every group changing (observed every tick, 2 % catching up, 0.5 % with a member down): every group derived`);
  console.log(
    `  incremental tick:     median ${fullChange.toFixed(1)} ms (target < 100 ms; CPU ${median(incremental.fullChangeTicksCpu).toFixed(1)} ms, ` +
      `CPU p95 ${percentile(incremental.fullChangeTicksCpu, 0.95).toFixed(1)} ms), ` +
      `p95 ${percentile(incremental.fullChangeTicks, 0.95).toFixed(1)} ms, max ${Math.max(...incremental.fullChangeTicks).toFixed(1)} ms; deriving every group: median ${fullChangeBaseline.toFixed(1)} ms ` +
      `(CPU ${median(full.fullChangeTicksCpu).toFixed(1)} ms); ratio ${(fullChange / fullChangeBaseline).toFixed(2)} ` +
      `(CPU ${(median(incremental.fullChangeTicksCpu) / median(full.fullChangeTicksCpu)).toFixed(2)}): the cost of choosing`,
  );
  console.log(
    `resident memory:        ${incremental.rssAfterShareMb.toFixed(0)} MB with the fleet's state at 2 % changing (target < 350 MB), ` +
      `${incremental.rssAfterFullChangeMb.toFixed(0)} MB after the ticks with every group changing (live heap after a full GC: ` +
      `${incremental.heapAfterFullChangeMb.toFixed(0)} MB; the rest is the heap grown for their garbage); process before the fleet: ${rssBeforeMb.toFixed(0)} MB`,
  );
  const exporterIncremental = exporterUpdates(true);
  const exporterFull = exporterUpdates(false);
  console.log(
    `exporter update, 2 % changing: CPU median ${exporterIncremental.toFixed(1)} ms after an incremental tick, ` +
      `${exporterFull.toFixed(1)} ms after deriving every group (every state a new object, compared family by family) → ${(exporterFull / exporterIncremental).toFixed(1)}×`,
  );
}

main();
