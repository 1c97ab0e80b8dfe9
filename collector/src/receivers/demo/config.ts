import { ConfigError } from '../../config/config-error';
import { joinKey, readNumber, readObject, readString } from '../../config/fields';
import type { Scenario } from './member-snapshot';
import { cacheScenario } from './scenarios/cache';
import { databaseScenario } from './scenarios/database';
import { pathsScenario } from './scenarios/paths';

export const DEMO_SCENARIOS: Readonly<Record<string, Scenario>> = {
  database: databaseScenario,
  cache: cacheScenario,
  paths: pathsScenario,
};

/** `demo:` under a group: a simulated cluster. */
export interface DemoConfig {
  /** Which story: `database` (failover, drift, stalled partial recovery, relapse), `cache` (shared zone, split brain, blind spot), `paths` (two network paths). */
  scenario: keyof typeof DEMO_SCENARIOS;
  /** Clock speed: 1 runs a cycle in about two minutes, 2 twice as fast. */
  speed: number;
  /** Seed of the load noise. */
  seed: number;
}

export function createDefaultDemoConfig(): DemoConfig {
  return { scenario: 'database', speed: 1, seed: 42 };
}

export function parseDemoConfig(raw: unknown, keyPath: string): DemoConfig {
  const d = createDefaultDemoConfig();
  const o = readObject(raw, keyPath, ['scenario', 'speed', 'seed']);
  const scenario = readString(o['scenario'], joinKey(keyPath, 'scenario'), d.scenario);
  if (!(scenario in DEMO_SCENARIOS)) {
    throw new ConfigError(joinKey(keyPath, 'scenario'), `expected one of ${Object.keys(DEMO_SCENARIOS).join(', ')} (got "${scenario}")`);
  }
  return {
    scenario,
    speed: readNumber(o['speed'], joinKey(keyPath, 'speed'), d.speed, { min: 0.01, max: 1000 }),
    seed: readNumber(o['seed'], joinKey(keyPath, 'seed'), d.seed, { integer: true }),
  };
}
