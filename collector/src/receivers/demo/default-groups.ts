import { GROUP_DEFAULTS, type GroupConfig } from '../../config/group-config';
import { DEMO_SCENARIOS, type DemoConfig } from './config';

/**
 * The groups `npm start` runs without a config. Windows and RTOs are scaled
 * with the speed, so the story reads the same at any speed: the database
 * overruns its RTO, the cache and the paths recover within theirs.
 */
export function defaultDemoGroups(speed: number, intervalMillis = 1000): GroupConfig[] {
  const group = (name: string, scenario: DemoConfig['scenario']): GroupConfig => ({
    ...GROUP_DEFAULTS,
    name,
    rtoMillis: (DEMO_SCENARIOS[scenario]!.rtoSeconds * 1000) / speed,
    holdDownMillis: 10_000 / speed,
    freshnessMillis: 3 * intervalMillis,
    progressWindowMillis: Math.max(2 * intervalMillis, 8_000 / speed),
    stabilizationWindowMillis: Math.max(2 * intervalMillis, 30_000 / speed),
    receivers: [{ type: 'demo', config: { scenario, speed, seed: 42 } satisfies DemoConfig }],
  });
  return [group('orders-db', 'database'), group('sessions-cache', 'cache'), group('edge-paths', 'paths')];
}
