/**
 * The synthetic fleet the exposition benchmark derives and serves: `groups` × 10
 * members, 2 % of groups with a replica catching up and 0.5 % with a member down
 * each round; derived by derivation.bench.ts, served by exposition.bench.ts.
 * `observeShare` is the incremental tick's load: a share of the groups gets new
 * observations, the others nothing.
 */
import { GROUP_DEFAULTS, type GroupConfig } from '../src/config/group-config';
import { RecoveryEngine } from '../src/engine/engine';
import type { Observation } from '../src/model/types';

export const MEMBERS_PER_GROUP = 10;
const ZONES = ['eu-1a', 'eu-1b', 'eu-1c'];

export interface Fleet {
  engine: RecoveryEngine;
  /** Advance the clock one second and deliver one round of observations for every member. */
  observeRound(round: number): void;
  /**
   * Advance the clock one second and deliver observations to every `every`-th group
   * only (`every` 50: 2 %, each group once in 50 rounds): all converged, but their
   * positions and lags moved, so their states change. The other groups get nothing.
   */
  observeShare(round: number, every: number): void;
}

export interface FleetOptions {
  /** Derive only the groups that need it (default), or every group every tick. */
  incremental?: boolean;
  /** Default 3 s; a fleet observed once in 50 rounds needs more than 50 s. */
  freshnessMillis?: number;
}

export function createFleet(groups: number, options: FleetOptions = {}): Fleet {
  let now = 1_700_000_000_000;
  const freshnessMillis = options.freshnessMillis ?? 3_000;
  const config = (name: string): GroupConfig => ({ ...GROUP_DEFAULTS, name, rtoMillis: 300_000, freshnessMillis, receivers: [] });
  const engine = new RecoveryEngine({
    groups: Array.from({ length: groups }, (_, g) => config(`group-${g}`)),
    now: () => now,
    ...(options.incremental === undefined ? {} : { incremental: options.incremental }),
  });
  const observeRound = (round: number): void => {
    now += 1000;
    for (let g = 0; g < groups; g++) {
      const group = `group-${g}`;
      const troubled = g % 50 === round % 50;
      const down = g % 200 === round % 200;
      for (let m = 0; m < MEMBERS_PER_GROUP; m++) {
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
          dependencies: { 'cloud.availability_zone': ZONES[m % 3]!, 'host.name': `host-${g}-${m}` },
        };
        engine.observe(observation);
      }
    }
  };
  const observeShare = (round: number, every: number): void => {
    now += 1000;
    for (let g = round % every; g < groups; g += every) {
      const group = `group-${g}`;
      const leaderPosition = 1_000_000_000 + round * 10_000;
      for (let m = 0; m < MEMBERS_PER_GROUP; m++) {
        engine.observe({
          group,
          member: `member-${m}`,
          source: 'bench',
          observedAtMillis: now,
          role: m === 0 ? 'leader' : 'replica',
          reachable: true,
          serving: true,
          // Within the byte tolerance (1 MiB): converged, with a lag that moved since the last round.
          position: leaderPosition - (m === 0 ? 0 : (m * 1_000 + round * 37) % 500_000),
          permissionFingerprint: 'acl-v1',
          load: m === 0 ? 1200 + (round % 100) : 300,
          dependencies: { 'cloud.availability_zone': ZONES[m % 3]!, 'host.name': `host-${g}-${m}` },
        });
      }
    }
  };
  return { engine, observeRound, observeShare };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const rssMb = (): number => process.memoryUsage().rss / 1024 / 1024;
