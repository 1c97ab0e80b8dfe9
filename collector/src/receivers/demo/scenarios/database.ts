import { between, ramp, type MemberSnapshot, type Scenario } from '../member-snapshot';

const MB = 1024 * 1024;
const zones = { 'pg-1': 'eu-1a', 'pg-2': 'eu-1b', 'pg-3': 'eu-1c' } as const;
const deps = (member: keyof typeof zones) => ({ 'cloud.availability_zone': zones[member], 'host.name': `db-${member}`, 'service.version': '15.8' });

/**
 * A PostgreSQL-like primary with two standbys in three zones. The story of one
 * cycle (simulated seconds):
 *  10  the leader pg-1 dies                                   → degraded
 *  16  pg-2 is promoted — with a different pg_hba/role set     → partial, permission drift, failover load 1.8×
 *  16–22 pg-3 re-attaches to pg-2 and falls 40 MB behind
 *  22–40 pg-3 catches up (ETA counts down)                     → recovering
 *  40–70 pg-1 stays down: service restored, redundancy not     → partial (stalled), hidden instability
 *  70–85 pg-1 returns as a standby, 60 MB behind, and drains   → recovering
 *  80  permissions re-synced on every node
 *  85  all converged                                           → stabilizing
 *  90–93 pg-3 lags again inside the hold-down (relapse)        → recovering, same episode
 *  103 hold-down over                                          → healthy (≈83 s, over the 60 s RTO)
 *  110 planned switch back to pg-1
 */
export const databaseScenario: Scenario = {
  cycleSeconds: 120,
  writeBytesPerSecond: 2 * MB,
  rtoSeconds: 60,
  members(t: number): MemberSnapshot[] {
    const failedOver = between(t, 16, 110);
    const leader = failedOver ? 'pg-2' : 'pg-1';
    const aclAfterPromotion = t >= 80 ? 'hba-v2' : 'hba-v1';
    const pg1: MemberSnapshot = {
      member: 'pg-1',
      role: failedOver ? 'standby' : 'leader',
      reachable: !between(t, 10, 70),
      lagBytes: failedOver ? ramp(t, 70, 85, 60 * MB, 0) : 0,
      followsLeader: failedOver ? 'pg-2' : undefined,
      permissionFingerprint: failedOver ? aclAfterPromotion : 'hba-v1',
      load: failedOver ? 60 : 1000,
      dependencies: deps('pg-1'),
    };
    const pg2: MemberSnapshot = {
      member: 'pg-2',
      role: failedOver ? 'leader' : 'standby',
      reachable: true,
      lagBytes: 0,
      followsLeader: failedOver ? undefined : 'pg-1',
      // Promotion brings the standby's own pg_hba.conf and roles: not what the old primary enforced.
      permissionFingerprint: failedOver ? 'hba-v2' : 'hba-v1',
      load: failedOver ? 1800 : 60,
      dependencies: deps('pg-2'),
    };
    const pg3Lag = between(t, 16, 40) ? (t < 22 ? ramp(t, 16, 22, 0, 40 * MB) : ramp(t, 22, 40, 40 * MB, 0)) : between(t, 90, 93) ? 5 * MB : 0;
    const pg3: MemberSnapshot = {
      member: 'pg-3',
      role: 'standby',
      reachable: true,
      lagBytes: pg3Lag,
      followsLeader: leader === 'pg-1' && between(t, 10, 16) ? undefined : leader,
      permissionFingerprint: failedOver ? aclAfterPromotion : 'hba-v1',
      load: 60,
      dependencies: deps('pg-3'),
    };
    return [pg1, pg2, pg3];
  },
};
