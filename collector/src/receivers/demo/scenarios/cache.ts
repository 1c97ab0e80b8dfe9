import { between, ramp, type MemberSnapshot, type Scenario } from '../member-snapshot';

const MB = 1024 * 1024;

/**
 * A Redis-like cache whose replicas all sit in one availability zone (a shared
 * failure domain on every tick). One cycle:
 *  30  cache-c claims leader while the others follow cache-a   → split brain: diverged, degraded
 *  38  cache-c is re-attached: full resync, 20 MB behind
 *  38–50 resync drains (ETA)                                    → recovering
 *  50  converged                                                → stabilizing, healthy at 60 (≈20 s, within RTO)
 *  75–85 the probe goes blind: no observations at all           → unknown (never healthy)
 *  85  data returns                                             → stabilizing, healthy at 95
 */
export const cacheScenario: Scenario = {
  cycleSeconds: 120,
  writeBytesPerSecond: 1 * MB,
  rtoSeconds: 45,
  members(t: number): MemberSnapshot[] {
    const blind = between(t, 75, 85);
    const splitBrain = between(t, 30, 38);
    const member = (name: string, host: string, fields: Partial<MemberSnapshot>): MemberSnapshot => ({
      member: name,
      role: 'replica',
      reachable: true,
      silent: blind,
      lagBytes: 0,
      followsLeader: 'cache-a',
      permissionFingerprint: 'acl-7f3a',
      load: 400,
      dependencies: { 'cloud.availability_zone': 'eu-1a', 'host.name': host },
      ...fields,
    });
    return [
      member('cache-a', 'cache-host-1', { role: 'leader', followsLeader: undefined, load: 5000 }),
      member('cache-b', 'cache-host-2', {}),
      member('cache-c', 'cache-host-3', splitBrain
        ? { role: 'leader', followsLeader: undefined, lagBytes: 0 }
        : { lagBytes: between(t, 38, 50) ? ramp(t, 38, 50, 20 * MB, 0) : 0 }),
    ];
  },
};
