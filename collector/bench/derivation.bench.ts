/**
 * Derivation for a large fleet: 10,000 groups × 10 members (the synthetic fleet of fleet.ts).
 * Targets (issue 2): a tick under 100 ms and under 500 MB resident.
 * `/metrics` for the same fleet is exposition.bench.ts.
 */
import { createFleet, MEMBERS_PER_GROUP, median } from './fleet';

const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 10_000);
const TICKS = 20;

async function main(): Promise<void> {
  global.gc?.();
  const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
  const { engine, observeRound } = createFleet(GROUPS);
  // The derivation alone, as the tick target is about the model.
  const engineTicks: number[] = [];
  for (let round = 0; round < TICKS; round++) {
    observeRound(round);
    const t0 = performance.now();
    engine.tick();
    if (round > 0) engineTicks.push(performance.now() - t0);
  }
  global.gc?.();
  const engineRssMb = process.memoryUsage().rss / 1024 / 1024;
  const members = GROUPS * MEMBERS_PER_GROUP;
  console.log(`fleet: ${GROUPS} groups × ${MEMBERS_PER_GROUP} members = ${members} members; 2 % of groups catching up, 0.5 % with a member down`);
  console.log(`derivation tick:        median ${median(engineTicks).toFixed(1)} ms (target < 100 ms), max ${Math.max(...engineTicks).toFixed(1)} ms`);
  console.log(
    `resident memory:        ${engineRssMb.toFixed(0)} MB with the fleet's state (process before the fleet: ${rssBeforeMb.toFixed(0)} MB; target < 500 MB)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
