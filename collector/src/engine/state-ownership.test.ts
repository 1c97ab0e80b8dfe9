import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupState } from '../model/group-state';
import type { Observation } from '../model/types';
import { RecoveryEngine } from './engine';
import { obs, testGroup } from './testing/scenario';

/**
 * A tick hands its states out for good: the Prometheus exporter diffs each
 * tick against the previous one, the JSON API and phase listeners read them,
 * tests keep whole histories. The tick reuses scratch objects to allocate less
 * (verdicts, leader candidates); this guards that none of them leaks into a
 * published state, where reusing it would rewrite history. A member state that
 * reads exactly as on the previous tick is that tick's object again: shared,
 * never changed (permission drift is marked on a copy).
 */
describe('RecoveryEngine states', () => {
  /** Each second a different trouble: lag, a member down, split brain, permission drift, silence. */
  const troubles: ((t: number) => Observation[])[] = [
    (t) => [obs('a', t, { role: 'leader', position: 1000 }), obs('b', t, { position: 1000 }), obs('c', t, { position: 1000 })],
    (t) => [obs('a', t, { role: 'leader', position: 5000 }), obs('b', t, { position: 5000 }), obs('c', t, { position: 1000 })],
    (t) => [obs('a', t, { role: 'leader', position: 5000 }), obs('b', t, { reachable: false }), obs('c', t, { position: 4000 })],
    (t) => [obs('a', t, { role: 'leader', position: 5000 }), obs('b', t, { role: 'leader', position: 5000 }), obs('c', t, { followsLeader: 'b' })],
    (t) => [
      obs('a', t, { role: 'leader', permissionFingerprint: 'x' }),
      obs('b', t, { permissionFingerprint: 'y' }),
      obs('c', t, { permissionFingerprint: 'x' }),
    ],
    () => [],
  ];

  it('are never changed by later ticks', () => {
    let now = 1_700_000_000_000;
    const engine = new RecoveryEngine({ groups: [testGroup({ lagToleranceBytes: 10 })], now: () => now });
    const kept: { state: GroupState; copy: GroupState }[] = [];
    for (let s = 0; s < 30; s++) {
      for (const o of troubles[s % troubles.length]!(now)) engine.observe(o);
      const [state] = engine.tick();
      kept.push({ state: state!, copy: structuredClone(state!) });
      now += 1000;
    }
    for (const [tick, { state, copy }] of kept.entries()) assert.deepEqual(state, copy, `state of tick ${tick} changed later`);
    const phases = new Set(kept.map(({ state }) => state.phase));
    assert.ok(phases.size >= 3, `the scenario should move through several phases, saw ${[...phases].join(', ')}`);
  });

  it('share a member state between ticks only while it reads the same', () => {
    let now = 1_700_000_000_000;
    const engine = new RecoveryEngine({ groups: [testGroup({ lagToleranceBytes: 10 })], now: () => now });
    const fingerprints = (b: string) => (t: number) => [
      obs('a', t, { role: 'leader', position: 1000, permissionFingerprint: 'x' }),
      obs('b', t, { position: 1000, permissionFingerprint: b }),
      obs('c', t, { position: 1000, permissionFingerprint: 'x' }),
    ];
    const moments = [...troubles, fingerprints('x'), fingerprints('y')];
    const tickWith = (moment: number): GroupState => {
      for (const o of moments[moment]!(now)) engine.observe(o);
      const [state] = engine.tick();
      now += 1000;
      return state!;
    };
    const first = tickWith(0);
    // The same observations a second later, each observed at its tick: every member reads the same.
    const second = tickWith(0);
    assert.equal(second.members, first.members);
    // c falls behind (the leader and b read the same: converged, no lag).
    const third = tickWith(1);
    assert.notEqual(third.members, second.members);
    assert.deepEqual(
      third.members.map((m, i) => m === second.members[i]),
      [true, true, false],
    );
    assert.equal(third.members[2]!.status, 'lagging');
    // b's permissions drift while it reads the same otherwise: it is marked on a new state each tick, never on the shared one.
    const agreeing = [tickWith(6), tickWith(6)];
    assert.equal(agreeing[1]!.members, agreeing[0]!.members);
    const drifting = [tickWith(7), tickWith(7)];
    for (const state of drifting)
      assert.deepEqual(
        state.members.map((m) => m.permissionDrift),
        [false, true, false],
      );
    assert.notEqual(drifting[0]!.members[1], agreeing[1]!.members[1]);
    assert.notEqual(drifting[1]!.members[1], drifting[0]!.members[1]);
    assert.equal(drifting[0]!.members[0], agreeing[1]!.members[0]);
    assert.equal(agreeing[1]!.members[1]!.permissionDrift, false);
  });
});
