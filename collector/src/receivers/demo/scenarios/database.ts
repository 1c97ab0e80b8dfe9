import type { MemberSpec, Scenario, Step } from '../timeline';
import { MB, type ScenarioDefinition } from './definition';

const CYCLE_SECONDS = 120;
const WRITE_RATE = 4 * MB;
const ZONES = ['eu-1a', 'eu-1b', 'eu-1c'];

/**
 * A PostgreSQL-like primary with standbys in three zones and on three hosts —
 * but all on one PostgreSQL version, a shared failure domain of its own. One
 * cycle (simulated seconds):
 *   10  the primary pg-1 dies                                        → degraded (no leader serving)
 *   16  pg-2 is promoted with its own pg_hba.conf and roles          → partial: service back, permission drift, failover load 1.8×
 *   16  the other standbys re-attach to pg-2; replay waits 6 s, lag builds (positions never go back)
 *   22  they replay and catch up, ETA withheld while pg-1 is down    → recovering
 *   ~45 pg-1 stays down: service restored, redundancy not            → partial that stalls, hidden instability
 *   70  pg-1 returns as a standby, 120 MB behind, and drains          → recovering with a positive ETA
 *   80  permissions re-synced on every node (drift gone)
 *   85  all converged                                                → stabilizing
 *   90  pg-3's replay stalls 2 s inside the hold-down (relapse)       → recovering, same episode, convergence moment erased
 *   ~96 all converged again; hold-down over at ~106                  → healthy (≈86 s against a 60 s RTO: over)
 *  110  planned switchover back to pg-1 (no episode)
 */
export const databaseScenario: ScenarioDefinition = {
  summary: 'failover, permission drift, lag building and draining, a stalled partial recovery, a relapse inside hold-down',
  defaultMembers: 3,
  minMembers: 3,
  maxMembers: 26,
  rtoSeconds: 60,
  build(memberCount: number): Scenario {
    const names = Array.from({ length: memberCount }, (_, i) => `pg-${i + 1}`);
    const members: MemberSpec[] = names.map((member, i) => ({
      member,
      role: i === 0 ? 'leader' : 'standby',
      serving: i === 0,
      ...(i === 0 ? {} : { followsLeader: 'pg-1' }),
      permissionFingerprint: 'hba-v1',
      load: i === 0 ? 1000 : 60,
      dependencies: { 'cloud.availability_zone': ZONES[i % ZONES.length]!, 'host.name': `db-host-${i + 1}`, 'service.version': '15.8' },
    }));
    const others = names.slice(2);
    const steps: Step[] = [
      { at: 10, member: 'pg-1', change: { reachable: false, serving: false }, why: 'the primary pg-1 dies' },
      {
        at: 16,
        member: 'pg-2',
        change: { role: 'leader', serving: true, followsLeader: null, permissionFingerprint: 'hba-v2', load: 1800 },
        why: 'pg-2 is promoted, bringing its own pg_hba.conf and login roles, and takes all the traffic',
      },
      // Replay waits while the standby fetches the new timeline: lag grows exactly at the write rate.
      ...others.map((member): Step => ({
        at: 16,
        member,
        change: { followsLeader: 'pg-2', lagBytes: { to: 6 * WRITE_RATE, overSeconds: 6 } },
        why: `${member} re-attaches to pg-2; replay waits for the new timeline`,
      })),
      ...others.map((member, i): Step => ({
        at: 22,
        member,
        change: { lagBytes: { to: 0, overSeconds: Math.min(18 + 3 * i, 44) } },
        why: `${member} replays and catches up`,
      })),
      {
        at: 70,
        member: 'pg-1',
        change: { reachable: true, role: 'standby', followsLeader: 'pg-2', load: 60, lagBytes: 120 * MB },
        why: 'pg-1 comes back as a standby of pg-2, 120 MB behind',
      },
      { at: 70, member: 'pg-1', change: { lagBytes: { to: 0, overSeconds: 15 } }, why: 'pg-1 streams the missing WAL' },
      ...names.map((member): Step => ({ at: 80, member, change: { permissionFingerprint: 'hba-v2' }, why: `pg_hba.conf and roles re-synced on ${member}` })),
      { at: 90, member: 'pg-3', change: { lagBytes: { to: 2 * WRITE_RATE, overSeconds: 2 } }, why: 'pg-3 stalls for 2 s inside the hold-down: a relapse' },
      { at: 92, member: 'pg-3', change: { lagBytes: { to: 0, overSeconds: 3 } }, why: 'pg-3 catches up again' },
      {
        at: 110,
        member: 'pg-2',
        change: { role: 'standby', serving: false, followsLeader: 'pg-1', load: 60, permissionFingerprint: 'hba-v1' },
        why: 'planned switchover back to pg-1',
      },
      {
        at: 110,
        member: 'pg-1',
        change: { role: 'leader', serving: true, followsLeader: null, load: 1000, permissionFingerprint: 'hba-v1' },
        why: 'pg-1 is the primary again',
      },
      ...others.map((member): Step => ({
        at: 110,
        member,
        change: { followsLeader: 'pg-1', permissionFingerprint: 'hba-v1' },
        why: `${member} follows pg-1 again`,
      })),
    ];
    return { cycleSeconds: CYCLE_SECONDS, writeBytesPerSecond: WRITE_RATE, members, steps };
  },
};
