/**
 * The synthetic fleet the exposition benchmark derives and serves: `groups` × 10
 * members, 2 % of groups with a replica catching up and 0.5 % with a member down
 * each round; derived by derivation.bench.ts, served by exposition.bench.ts.
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
}

export function createFleet(groups: number): Fleet {
  let now = 1_700_000_000_000;
  const config = (name: string): GroupConfig => ({ ...GROUP_DEFAULTS, name, rtoMillis: 300_000, freshnessMillis: 3_000, receivers: [] });
  const engine = new RecoveryEngine({ groups: Array.from({ length: groups }, (_, g) => config(`group-${g}`)), now: () => now });
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
  return { engine, observeRound };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export const rssMb = (): number => process.memoryUsage().rss / 1024 / 1024;
