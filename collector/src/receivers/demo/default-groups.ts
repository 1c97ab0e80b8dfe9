import { GROUP_DEFAULTS, type GroupConfig } from '../../config/group-config';
import type { DemoConfig } from './config';
import { DEMO_SCENARIOS, type ScenarioName } from './scenarios';

/** Simulated seconds the demo groups hold all-converged before healthy (DESIGN.md's 60 s default, compressed). */
const DEMO_HOLD_DOWN_SECONDS = 10;
/** Simulated seconds of the "is anything improving" window (30 s by default, compressed with the story). */
const DEMO_PROGRESS_WINDOW_SECONDS = 10;
const DEMO_STABILIZATION_WINDOW_SECONDS = 30;

/** The group settings under which a demo story reads as written: its clock compressed by `speed`. */
export type DemoGroupSettings = Pick<GroupConfig, 'rtoMillis' | 'holdDownMillis' | 'freshnessMillis' | 'progressWindowMillis' | 'stabilizationWindowMillis'>;

/**
 * RTO and windows in simulated seconds scaled by the speed, so the story reads
 * the same at any speed. Windows never go below two ticks, and freshness stays
 * three ticks of real time (absence of data is judged in real time): the
 * cache's 14 s blind spot therefore shows as unknown only while it outlasts
 * that, i.e. below about speed 4.
 */
export function demoGroupSettings(scenario: ScenarioName, speed: number, intervalMillis = 1000): DemoGroupSettings {
  const scaled = (seconds: number) => Math.max(2 * intervalMillis, (seconds * 1000) / speed);
  return {
    rtoMillis: (DEMO_SCENARIOS[scenario].rtoSeconds * 1000) / speed,
    holdDownMillis: scaled(DEMO_HOLD_DOWN_SECONDS),
    freshnessMillis: 3 * intervalMillis,
    progressWindowMillis: scaled(DEMO_PROGRESS_WINDOW_SECONDS),
    stabilizationWindowMillis: scaled(DEMO_STABILIZATION_WINDOW_SECONDS),
  };
}

/**
 * The groups `npm start` runs without a config: a database, a cache and two
 * network paths, staggered so that one of them is nearly always doing
 * something. orders-db overruns its RTO every cycle; sessions-cache and
 * edge-paths recover within theirs.
 */
export function defaultDemoGroups(speed: number, intervalMillis = 1000): GroupConfig[] {
  const group = (name: string, scenario: ScenarioName): GroupConfig => ({
    ...GROUP_DEFAULTS,
    name,
    ...demoGroupSettings(scenario, speed, intervalMillis),
    // As a configured group's default: one missed probe (one interval) plus a tick.
    onsetDelayMillis: 2 * intervalMillis,
    receivers: [{ type: 'demo', config: { scenario, speed, seed: 42 } satisfies DemoConfig }],
  });
  return [group('orders-db', 'database'), group('sessions-cache', 'cache'), group('edge-paths', 'paths')];
}
