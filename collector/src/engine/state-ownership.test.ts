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
 * published state, where reusing it would rewrite history.
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

  it('share no member state between ticks', () => {
    let now = 1_700_000_000_000;
    const engine = new RecoveryEngine({ groups: [testGroup()], now: () => now });
    for (const o of troubles[0]!(now)) engine.observe(o);
    const [first] = engine.tick();
    now += 1000;
    for (const o of troubles[0]!(now)) engine.observe(o);
    const [second] = engine.tick();
    assert.notEqual(first!.members, second!.members);
    for (let i = 0; i < first!.members.length; i++) assert.notEqual(first!.members[i], second!.members[i]);
  });
});
