import type { MemberSpec, Scenario, Step } from '../timeline';
import { letter, type ScenarioDefinition } from './definition';

const CYCLE_SECONDS = 120;
const LOAD = 1000;

/**
 * A service reached over redundant network paths from different providers —
 * all in one region, so the region is a shared failure domain. One cycle:
 *   92  path-b drops; the others carry its traffic     → degraded, hidden instability
 *  110  path-b returns                                 → stabilizing, healthy at 120 (18 s, within RTO)
 * Placed late in the cycle so that something is happening while the other demo groups are healthy.
 */
export const pathsScenario: ScenarioDefinition = {
  summary: 'redundant network paths in one region; one drops and returns',
  defaultMembers: 2,
  minMembers: 2,
  maxMembers: 26,
  rtoSeconds: 45,
  build(memberCount: number): Scenario {
    const names = Array.from({ length: memberCount }, (_, i) => `path-${letter(i)}`);
    const members: MemberSpec[] = names.map((member, i) => ({
      member,
      role: 'path',
      serving: true,
      permissionFingerprint: 'fw-rules-12',
      load: LOAD / memberCount,
      dependencies: { 'cloud.region': 'eu-west', 'network.provider': `isp-${i + 1}` },
    }));
    const survivors = names.filter((n) => n !== 'path-b');
    const steps: Step[] = [
      { at: 92, member: 'path-b', change: { reachable: false, serving: false }, why: 'path-b drops' },
      ...survivors.map((member): Step => ({ at: 92, member, change: { load: LOAD / survivors.length }, why: `${member} carries path-b's share` })),
      { at: 110, member: 'path-b', change: { reachable: true, serving: true }, why: 'path-b returns' },
      ...names.map((member): Step => ({ at: 110, member, change: { load: LOAD / memberCount }, why: `${member} back to its share` })),
    ];
    return { cycleSeconds: CYCLE_SECONDS, writeBytesPerSecond: 0, members, steps };
  },
};
