import { between, type MemberSnapshot, type Scenario } from '../member-snapshot';

/**
 * A service with two network paths from two providers — but both in one region,
 * so the region is a shared failure domain. One cycle:
 *  50  path-b drops; path-a carries everything               → degraded, hidden instability
 *  80  path-b returns                                        → stabilizing, healthy at 90 (30 s, within RTO)
 */
export const pathsScenario: Scenario = {
  cycleSeconds: 120,
  writeBytesPerSecond: 0,
  rtoSeconds: 45,
  members(t: number): MemberSnapshot[] {
    const bDown = between(t, 50, 80);
    const path = (name: string, provider: string, fields: Partial<MemberSnapshot>): MemberSnapshot => ({
      member: name,
      role: 'path',
      reachable: true,
      serving: true,
      lagBytes: 0,
      permissionFingerprint: 'fw-rules-12',
      load: 500,
      dependencies: { 'cloud.region': 'eu-west', 'network.provider': provider },
      ...fields,
    });
    return [path('path-a', 'isp-one', { load: bDown ? 1000 : 500 }), path('path-b', 'isp-two', { reachable: !bDown, serving: !bDown })];
  },
};
