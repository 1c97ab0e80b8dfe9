import { ConfigError } from '../../config/config-error';
import { joinKey, readNumber, readObject, readString } from '../../config/fields';
import { DEMO_SCENARIOS, SCENARIO_NAMES, type ScenarioName } from './scenarios';
import type { Scenario } from './timeline';
import { quoteValue } from '../../config/quote';

/** `demo:` under a group: a simulated cluster walking through failure and recovery. */
export interface DemoConfig {
  /** Which story: `database`, `cache` or `paths` (see scenarios/). */
  scenario: ScenarioName;
  /** Clock speed: 1 runs a cycle in about two minutes, 2 twice as fast. */
  speed: number;
  /** How many members the simulated cluster has; the scenario's default when absent. */
  members?: number;
  /** Seed of the load noise (the story itself does not depend on it). */
  seed: number;
}

export const DEMO_CONFIG_KEYS = ['scenario', 'speed', 'members', 'seed'] as const;

export function createDefaultDemoConfig(): DemoConfig {
  return { scenario: 'database', speed: 1, seed: 42 };
}

/** The member count a config gives, after defaults. */
export function demoMemberCount(config: DemoConfig): number {
  return config.members ?? DEMO_SCENARIOS[config.scenario].defaultMembers;
}

/** The scenario a config tells, built for its member count. */
export function scenarioOf(config: DemoConfig): Scenario {
  return DEMO_SCENARIOS[config.scenario].build(demoMemberCount(config));
}

/** Validate `demo: { scenario: cache, speed: 2, members: 4, seed: 7 }` at `keyPath`. */
export function parseDemoConfig(raw: unknown, keyPath: string): DemoConfig {
  const defaults = createDefaultDemoConfig();
  const o = readObject(raw, keyPath, DEMO_CONFIG_KEYS);
  const scenarioKey = joinKey(keyPath, 'scenario');
  const scenario = readString(o['scenario'], scenarioKey, defaults.scenario);
  if (!isScenarioName(scenario)) {
    throw new ConfigError(scenarioKey, `expected one of ${SCENARIO_NAMES.join(', ')} (got ${quoteValue(scenario)})`);
  }
  const definition = DEMO_SCENARIOS[scenario];
  const config: DemoConfig = {
    scenario,
    speed: readNumber(o['speed'], joinKey(keyPath, 'speed'), defaults.speed, { min: 0.01, max: 1000 }),
    seed: readNumber(o['seed'], joinKey(keyPath, 'seed'), defaults.seed, { integer: true }),
  };
  if (o['members'] !== undefined && o['members'] !== null) {
    const membersKey = joinKey(keyPath, 'members');
    const members = readNumber(o['members'], membersKey, definition.defaultMembers, { integer: true });
    if (members < definition.minMembers || members > definition.maxMembers) {
      throw new ConfigError(
        membersKey,
        `the ${scenario} story needs ${definition.minMembers} to ${definition.maxMembers} members (got ${members}); leave it out for ${definition.defaultMembers}`,
      );
    }
    config.members = members;
  }
  return config;
}

function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as string[]).includes(name);
}
