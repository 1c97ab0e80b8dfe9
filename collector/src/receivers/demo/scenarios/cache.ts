import type { MemberSpec, Scenario, Step } from '../timeline';
import { letter, MB, type ScenarioDefinition } from './definition';

const CYCLE_SECONDS = 120;
const WRITE_RATE = 1 * MB;

/**
 * A Redis-like cache whose nodes are on different hosts but all in one
 * availability zone: a shared failure domain on every tick. One cycle
 * (simulated seconds; with the default three members):
 *    2  the probe loses sight of every node for 14 s (blind spot)    → unknown, never healthy; source down
 *   16  it sees them again, all fine                                  → stabilizing, healthy at 26 (within RTO)
 *   30  cache-c loses its link and promotes itself: split brain       → diverged, degraded, hidden instability
 *   38  cache-c is demoted and resyncs from cache-a (20 MB)         → recovering
 *   38  a stale sentinel points cache-b at cache-c: following the wrong leader (diverged, so no ETA yet)
 *   42  cache-b is re-pointed to cache-a and catches up (6 MB)     → recovering with a positive ETA
 *   50  all converged                                                 → stabilizing, healthy at 60 (≈20 s, within RTO)
 */
export const cacheScenario: ScenarioDefinition = {
  summary: 'a shared availability zone, a blind spot, split brain and a replica following the wrong leader, then resync',
  defaultMembers: 3,
  minMembers: 3,
  maxMembers: 26,
  rtoSeconds: 45,
  build(memberCount: number): Scenario {
    const names = Array.from({ length: memberCount }, (_, i) => `cache-${letter(i)}`);
    const members: MemberSpec[] = names.map((member, i) => ({
      member,
      role: i === 0 ? 'leader' : 'replica',
      serving: i === 0,
      ...(i === 0 ? {} : { followsLeader: 'cache-a' }),
      permissionFingerprint: 'acl-7f3a',
      load: i === 0 ? 5000 : 400,
      dependencies: { 'cloud.availability_zone': 'eu-1a', 'host.name': `cache-host-${i + 1}` },
    }));
    const rogue = names[names.length - 1]!;
    const misled = names[1]!;
    const steps: Step[] = [
      { at: 2, source: 'pause', why: 'the probe loses its connection to every cache node' },
      { at: 16, source: 'resume', why: 'the probe sees the nodes again' },
      {
        at: 30,
        member: rogue,
        change: { role: 'leader', serving: true, followsLeader: null, history: 'split-30' },
        why: `${rogue} loses its link to cache-a and promotes itself: split brain`,
      },
      {
        at: 38,
        member: rogue,
        change: { role: 'replica', serving: false, followsLeader: 'cache-a', history: 'main', lagBytes: 20 * MB },
        why: `${rogue} is demoted and re-attached to cache-a: full resync`,
      },
      { at: 38, member: rogue, change: { lagBytes: { to: 0, overSeconds: 12 } }, why: `${rogue} loads the snapshot and catches up` },
      {
        at: 38,
        member: misled,
        change: { followsLeader: rogue },
        why: `a stale sentinel re-points ${misled} to ${rogue}: a replica following the wrong leader`,
      },
      { at: 42, member: misled, change: { followsLeader: 'cache-a', lagBytes: 6 * MB }, why: `${misled} is re-pointed to cache-a: partial resync` },
      { at: 42, member: misled, change: { lagBytes: { to: 0, overSeconds: 5 } }, why: `${misled} catches up` },
    ];
    return { cycleSeconds: CYCLE_SECONDS, writeBytesPerSecond: WRITE_RATE, members, steps };
  },
};
