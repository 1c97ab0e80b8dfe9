import type { GroupConfig } from '../../config/group-config';
import { GROUP_DEFAULTS } from '../../config/group-config';
import type { Observation } from '../../model/types';

/**
 * Builders for observation sequences in tests and golden fixtures: a group
 * config with short windows and `obs()` with healthy defaults.
 */
export function testGroup(overrides: Partial<GroupConfig> = {}): GroupConfig {
  return {
    ...GROUP_DEFAULTS,
    name: 'db',
    rtoMillis: 60_000,
    holdDownMillis: 10_000,
    freshnessMillis: 3_000,
    progressWindowMillis: 5_000,
    stabilizationWindowMillis: 10_000,
    receivers: [],
    ...overrides,
  };
}

export function obs(member: string, atMillis: number, fields: Partial<Observation> = {}): Observation {
  return { group: 'db', member, source: 'test', observedAtMillis: atMillis, reachable: true, serving: true, ...fields };
}
