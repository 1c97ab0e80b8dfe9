/**
 * Derivation for a large fleet: 10,000 groups × 10 members.
 * Targets (issue 2): a tick under 100 ms and under 500 MB resident.
 * `/metrics` for the same fleet is exposition.bench.ts.
 */
import { GROUP_DEFAULTS, type GroupConfig } from '../src/config/group-config';
import { RecoveryEngine } from '../src/engine/engine';
import type { Observation } from '../src/model/types';

const GROUPS = Number(process.env['BENCH_GROUPS'] ?? 10_000);
const MEMBERS = 10;
const TICKS = 20;

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
  // /metrics for the same fleet: exposition.bench.ts (the cached exposition, against a bare prom-client registry).
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
