import { cacheScenario } from './cache';
import { databaseScenario } from './database';
import type { ScenarioDefinition } from './definition';
import { pathsScenario } from './paths';

export type ScenarioName = 'database' | 'cache' | 'paths';

/** The demo stories by the name used in `demo: { scenario: … }`. */
export const DEMO_SCENARIOS: Readonly<Record<ScenarioName, ScenarioDefinition>> = {
  database: databaseScenario,
  cache: cacheScenario,
  paths: pathsScenario,
};

export const SCENARIO_NAMES = Object.keys(DEMO_SCENARIOS) as ScenarioName[];

export type { ScenarioDefinition } from './definition';
