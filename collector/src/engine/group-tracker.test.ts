import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupTracker } from './group-tracker';
import { obs, testGroup } from './testing/scenario';
import type { GroupState } from '../model/group-state';
import type { Observation, Phase } from '../model/types';

/** Feed one observation set per second and collect the phases. */
function run(tracker: GroupTracker, seconds: number, startSecond: number, observe: (t: number) => Observation[]) {
  const phases: Phase[] = [];
  for (let s = startSecond; s < startSecond + seconds; s++) {
    const t = s * 1000;
    for (const o of observe(t)) tracker.observe(o);
    phases.push(tracker.tick(t).state.phase);
  }
  return phases;
}

const healthy = (t: number) => [
  obs('a', t, { role: 'leader', position: 1000, load: 100 }),
  obs('b', t, { role: 'replica', position: 1000 }),
  obs('c', t, { role: 'replica', position: 1000 }),
];

describe('GroupTracker', () => {
  describe('tick', () => {
    it('reports healthy when every member is converged, with no episode', () => {
      const tracker = new GroupTracker(testGroup());
      const phases = run(tracker, 3, 0, healthy);
      assert.deepEqual(phases, ['healthy', 'healthy', 'healthy']);
      const state = tracker.state()!;
      assert.equal(state.progress, 1);
      assert.equal(state.etaSeconds, 0);
      assert.equal(state.elapsedSeconds, 0);
      assert.equal(state.episodeId, null);
      assert.equal(state.leader, 'a');
    });

    it('walks degraded → recovering → stabilizing → healthy as a lagging replica drains, duration excluding hold-down', () => {
      const tracker = new GroupTracker(testGroup({ lagToleranceBytes: 10 }));
      run(tracker, 2, 0, healthy);
      // c falls 1000 bytes behind at t=2 and stays there 3 s, then drains 100 bytes/s.
      const lagAt = (s: number) => (s < 5 ? 1000 : Math.max(0, 1000 - (s - 4) * 100));
      const phases = run(tracker, 30, 2, (t) => {
        const s = t / 1000;
        return [obs('a', t, { role: 'leader', position: 5000 }), obs('b', t, { position: 5000 }), obs('c', t, { position: 5000 - lagAt(s) })];
      });
      assert.equal(phases[0], 'degraded');
      assert.ok(phases.includes('recovering'));
      const recoveringIndex = phases.indexOf('recovering');
      assert.ok(recoveringIndex > 0 && recoveringIndex <= 4, `recovering at ${recoveringIndex}`);
      // lag 1000 → ≤10 at s=14; converged at s=14, hold-down 10 s → healthy at s=24.
      assert.equal(phases[12], 'stabilizing');
      assert.equal(phases[22], 'healthy');
      const state = tracker.state()!;
      assert.equal(state.phase, 'healthy');
      assert.equal(state.episodeId, null);
    });

    it('gives an ETA only while the lag drains, and it is close to the truth', () => {
      const tracker = new GroupTracker(testGroup({ lagToleranceBytes: 0 }));
      run(tracker, 2, 0, healthy);
      const etas: (number | null)[] = [];
      for (let s = 2; s < 12; s++) {
        const t = s * 1000;
        const lag = s < 4 ? 1000 * (s - 1) : Math.max(0, 3000 - (s - 4) * 300); // builds to 3000, then drains 300/s
        tracker.observe(obs('a', t, { role: 'leader', position: 10_000 }));
        tracker.observe(obs('b', t, { position: 10_000 }));
        tracker.observe(obs('c', t, { position: 10_000 - lag }));
        etas.push(tracker.tick(t).state.etaSeconds);
      }
      assert.equal(etas[0], null, 'no ETA while lag builds');
      assert.equal(etas[1], null, 'no ETA while lag builds');
      // At s=8 the lag is 1800 bytes draining 300/s: 6 s to go.
      const eta = etas[6]!;
      assert.ok(eta !== null && Math.abs(eta - 6) < 0.5, `ETA ${eta}`);
    });

    it('gives the real remaining time whatever the probe/tick phase, and two ticks reusing one observation do not move the deadline', () => {
      // c is 3000 B behind and drains 100 B/s from t=5 s: converged at t=35 s, whenever it is probed.
      const lagAt = (ms: number) => (ms < 5000 ? 3000 : Math.max(0, 3000 - ((ms - 5000) / 1000) * 100));
      for (const offsetMillis of [-900, -300, -20, 20, 300, 900]) {
        const tracker = new GroupTracker(testGroup({ lagToleranceBytes: 0 }));
        const probe = (s: number) => {
          const at = s * 1000 + offsetMillis;
          for (const o of [
            obs('a', at, { role: 'leader', position: 10_000 }),
            obs('b', at, { position: 10_000 }),
            obs('c', at, { position: 10_000 - lagAt(at) }),
          ])
            tracker.observe(o);
        };
        for (let s = 0; s < 30; s++) {
          // A negative offset lands before the tick; a positive one after it, so the tick reads the previous second's.
          if (offsetMillis <= 0) probe(s);
          const state = tracker.tick(s * 1000).state;
          if (offsetMillis > 0) probe(s);
          if (s < 10) continue;
          const real = 35 - s;
          assert.ok(
            state.etaSeconds !== null && Math.abs(state.etaSeconds - real) < 0.01,
            `offset ${offsetMillis} ms, t=${s}: ETA ${state.etaSeconds}, really ${real}`,
          );
          assert.ok(Math.abs(state.etaDeadlineMillis! - 35_000) < 10, `offset ${offsetMillis} ms, t=${s}: deadline ${state.etaDeadlineMillis}`);
        }
        // The probe result is late: the next tick reads the same observation again; the deadline stays.
        const again = tracker.tick(30_000).state;
        assert.ok(Math.abs(again.etaDeadlineMillis! - 35_000) < 10 && Math.abs(again.etaSeconds! - 5) < 0.01, `reused observation: ETA ${again.etaSeconds}`);
      }
    });

    it('drops the ETA and recovering once progress stops rising for a third of the progress window', () => {
      const tracker = new GroupTracker(testGroup({ lagToleranceBytes: 0, progressWindowMillis: 9_000 }));
      run(tracker, 2, 0, healthy);
      // c is 3000 B behind at t=2, drains 300 B/s from t=3 to t=6, then stalls 2100 B behind.
      const lagAt = (s: number) => (s < 3 ? 3000 : 3000 - Math.min(s - 2, 3) * 300);
      const states: GroupState[] = [];
      for (let s = 2; s < 14; s++) {
        tracker.observe(obs('a', s * 1000, { role: 'leader', position: 10_000 }));
        tracker.observe(obs('b', s * 1000, { position: 10_000 }));
        tracker.observe(obs('c', s * 1000, { position: 10_000 - lagAt(s) }));
        states.push(tracker.tick(s * 1000).state);
      }
      const at = (s: number) => states[s - 2]!;
      assert.equal(at(5).phase, 'recovering');
      assert.ok(at(5).etaSeconds !== null && Math.abs(at(5).etaSeconds! - 7) < 0.01, `ETA ${at(5).etaSeconds}`);
      // The last rise is at t=5; 3 s later (a third of 9 s) it is a stall.
      assert.equal(at(8).etaSeconds, null);
      assert.notEqual(at(8).phase, 'recovering');
      assert.equal(at(13).phase, 'degraded');
    });

    it('shows partial when a failover restored service but a replica stays down, and no ETA', () => {
      const tracker = new GroupTracker(testGroup());
      run(tracker, 2, 0, healthy);
      const phases = run(tracker, 15, 2, (t) => {
        const s = t / 1000;
        if (s < 5) return [obs('a', t, { reachable: false, role: 'leader' }), obs('b', t, { position: 1000 }), obs('c', t, { position: 1000 })];
        // b promoted at s=5; a stays down.
        return [
          obs('a', t, { reachable: false, role: 'leader' }),
          obs('b', t, { role: 'leader', position: 1200, load: 180 }),
          obs('c', t, { position: 1200, followsLeader: 'b' }),
        ];
      });
      assert.equal(phases[0], 'degraded');
      assert.equal(phases[14], 'partial');
      const state = tracker.state()!;
      assert.equal(state.etaSeconds, null);
      assert.equal(state.leader, 'b');
      assert.equal(state.hiddenInstability, true);
      assert.equal(state.failoverLoadRatio, 1.8);
      assert.deepEqual(
        state.members.map((m) => m.status),
        ['unreachable', 'converged', 'converged'],
      );
    });

    it('continues the same episode when a member relapses inside the hold-down', () => {
      const tracker = new GroupTracker(testGroup());
      run(tracker, 2, 0, healthy);
      run(tracker, 3, 2, (t) => [obs('a', t, { role: 'leader', position: 1000 }), obs('b', t, { position: 1000 }), obs('c', t, { reachable: false })]);
      const episodeId = tracker.state()!.episodeId;
      assert.ok(episodeId);
      run(tracker, 4, 5, healthy);
      assert.equal(tracker.state()!.phase, 'stabilizing');
      run(tracker, 2, 9, (t) => [obs('a', t, { role: 'leader', position: 1000 }), obs('b', t, { position: 1000 }), obs('c', t, { reachable: false })]);
      assert.equal(tracker.state()!.episodeId, episodeId, 'same episode after relapse');
      const phases = run(tracker, 12, 11, healthy);
      assert.equal(phases[phases.length - 1], 'healthy');
      const closed = tracker.state()!;
      assert.equal(closed.episodeId, null);
    });

    it('is unknown, never healthy, when the leader goes stale', () => {
      const tracker = new GroupTracker(testGroup());
      run(tracker, 2, 0, healthy);
      const phases = run(tracker, 6, 2, (t) => [obs('b', t, { position: 1000 }), obs('c', t, { position: 1000 })]);
      assert.equal(phases[phases.length - 1], 'unknown');
      assert.equal(tracker.state()!.members[0]!.status, 'unknown');
      assert.ok(tracker.state()!.episodeId, 'healthy → unknown opens an episode');
    });

    it('names the drifted member and keeps the phase healthy for permission drift alone', () => {
      const tracker = new GroupTracker(testGroup());
      run(tracker, 3, 0, (t) => [
        obs('a', t, { role: 'leader', position: 1, permissionFingerprint: 'p1' }),
        obs('b', t, { position: 1, permissionFingerprint: 'p1' }),
        obs('c', t, { position: 1, permissionFingerprint: 'p2' }),
      ]);
      const state = tracker.state()!;
      assert.equal(state.phase, 'healthy');
      assert.deepEqual(state.driftedMembers, ['c']);
      assert.equal(state.permissionConsistency, 2 / 3);
      assert.equal(state.hiddenInstability, true);
    });

    it('says how old the permission facts of each member are, read on their own cadence, and null without any', () => {
      const tracker = new GroupTracker(testGroup());
      // At 4 s: a's facts were read at 4 s, b's carried since 0 s (its probe reads them every permissions_interval), c reports none.
      run(tracker, 5, 0, (t) => [
        obs('a', t, { role: 'leader', position: 1, permissionFingerprint: 'p1' }),
        obs('b', t, { position: 1, permissionFingerprint: 'p1', permissionObservedAtMillis: 0 }),
        obs('c', t, { position: 1 }),
      ]);
      const [a, b, c] = tracker.state()!.members;
      assert.equal(a!.permissionsAgeSeconds, 0);
      assert.equal(b!.permissionsAgeSeconds, 4);
      assert.equal(b!.observationAgeSeconds, 0, 'the observation itself is fresh');
      assert.equal(c!.permissionsAgeSeconds, null);
    });

    it('marks the rival leader of a split brain as diverged', () => {
      const tracker = new GroupTracker(testGroup());
      run(tracker, 2, 0, healthy);
      run(tracker, 2, 2, (t) => [
        obs('a', t, { role: 'leader', position: 1000 }),
        obs('b', t, { role: 'leader', position: 1010 }),
        obs('c', t, { position: 1000, followsLeader: 'a' }),
      ]);
      const state = tracker.state()!;
      assert.equal(state.leader, 'a');
      assert.equal(state.members[1]!.status, 'diverged');
      assert.match(state.members[1]!.reason!, /split brain/);
    });
  });

  describe('retire', () => {
    /** c was a pod that got replaced: it stopped reporting at 2 s, and d reports in its place. */
    const cReplacedByD = (t: number) => [obs('a', t, { role: 'leader', position: 1000 }), obs('b', t, { position: 1000 }), obs('d', t, { position: 1000 })];

    it('derives the group without a retired member, so a replaced member lets it become healthy again', () => {
      const tracker = new GroupTracker(testGroup());
      run(tracker, 2, 0, healthy);
      run(tracker, 8, 2, cReplacedByD);
      const stuck = tracker.state()!;
      assert.equal(stuck.members.find((m) => m.member === 'c')!.status, 'unknown');
      assert.notEqual(stuck.phase, 'healthy', 'the vanished member keeps the group from looking recovered');
      const episodeId = stuck.episodeId;
      assert.ok(episodeId);

      assert.equal(tracker.retire('c'), true);
      assert.equal(tracker.memberCount(), 3);
      const next = tracker.tick(10_000).state;
      assert.deepEqual(
        next.members.map((m) => m.member),
        ['a', 'b', 'd'],
      );
      assert.equal(next.divergenceRatio, 0);
      assert.equal(next.progress, 1);
      assert.equal(next.episodeId, episodeId, 'the open episode continues by the normal rules');
      assert.equal(next.phase, 'stabilizing');
      const phases = run(tracker, 12, 11, cReplacedByD);
      assert.equal(phases.at(-1), 'healthy');
      assert.equal(tracker.state()!.episodeId, null, 'the episode closed after the hold-down');
    });

    it('never retires a declared member: its absence is the signal', () => {
      const tracker = new GroupTracker(testGroup());
      tracker.declare({ member: 'c', role: 'replica' });
      run(tracker, 2, 0, healthy);
      run(tracker, 8, 2, cReplacedByD);
      assert.equal(tracker.retire('c'), false);
      const state = tracker.tick(10_000).state;
      assert.equal(state.members.find((m) => m.member === 'c')!.status, 'unknown');
      assert.notEqual(state.phase, 'healthy');
    });

    it('is a no-op for a member it never knew, and a retired member that returns is learned anew', () => {
      const tracker = new GroupTracker(testGroup());
      run(tracker, 2, 0, healthy);
      assert.equal(tracker.retire('nobody'), false);
      assert.equal(tracker.retire('c'), true);
      assert.equal(tracker.retire('c'), false);
      run(tracker, 1, 2, healthy);
      assert.deepEqual(
        tracker.state()!.members.map((m) => m.member),
        ['a', 'b', 'c'],
      );
      assert.equal(tracker.state()!.phase, 'healthy');
    });
  });
});
