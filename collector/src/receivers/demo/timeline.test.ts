import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_SCENARIOS, SCENARIO_NAMES } from './scenarios';
import { checkScenario, clusterAt, type Scenario } from './timeline';

const tiny: Scenario = {
  cycleSeconds: 100,
  writeBytesPerSecond: 1,
  members: [
    { member: 'a', role: 'leader', serving: true, permissionFingerprint: 'p', load: 1, dependencies: {} },
    { member: 'b', role: 'replica', serving: false, followsLeader: 'a', permissionFingerprint: 'p', load: 1, dependencies: {} },
  ],
  steps: [
    { at: 10, member: 'b', change: { lagBytes: { to: 100, overSeconds: 10 } }, why: 'b falls behind' },
    { at: 15, member: 'b', change: { lagBytes: { to: 0, overSeconds: 5 } }, why: 'b catches up from wherever it is' },
    { at: 30, member: 'b', change: { lagBytes: 40 }, why: 'b jumps behind' },
    { at: 40, source: 'pause', why: 'blind' },
    { at: 50, source: 'resume', why: 'seen again' },
    { at: 60, member: 'a', change: { reachable: false, serving: false }, why: 'a dies' },
  ],
};

const lagOfB = (t: number) => clusterAt(tiny, t).members.find((m) => m.member === 'b')!.lagBytes;

describe('clusterAt', () => {
  it('starts each cycle from the member specs', () => {
    const c = clusterAt(tiny, 0);
    assert.equal(c.sourcePaused, false);
    assert.deepEqual(
      c.members.map((m) => [m.member, m.role, m.reachable, m.lagBytes, m.followsLeader]),
      [
        ['a', 'leader', true, 0, null],
        ['b', 'replica', true, 0, 'a'],
      ],
    );
  });

  it('moves lag smoothly along a ramp and starts the next ramp where the last one was', () => {
    assert.equal(lagOfB(10), 0);
    assert.equal(lagOfB(12.5), 25);
    assert.equal(lagOfB(15), 50);
    assert.equal(lagOfB(17.5), 25);
    assert.equal(lagOfB(25), 0);
  });

  it('jumps when a step gives a plain number', () => {
    assert.equal(lagOfB(29.9), 0);
    assert.equal(lagOfB(30), 40);
  });

  it('pauses and resumes the source', () => {
    assert.equal(clusterAt(tiny, 39).sourcePaused, false);
    assert.equal(clusterAt(tiny, 40).sourcePaused, true);
    assert.equal(clusterAt(tiny, 50).sourcePaused, false);
  });

  it('keeps other fields until a step changes them', () => {
    assert.equal(clusterAt(tiny, 59).members[0]!.reachable, true);
    assert.equal(clusterAt(tiny, 60).members[0]!.reachable, false);
  });
});

describe('scenarios', () => {
  for (const name of SCENARIO_NAMES) {
    const definition = DEMO_SCENARIOS[name];
    it(`${name}: well-formed for every member count it accepts`, () => {
      for (let count = definition.minMembers; count <= definition.maxMembers; count++) {
        const scenario = definition.build(count);
        assert.equal(scenario.members.length, count);
        assert.equal(new Set(scenario.members.map((m) => m.member)).size, count, 'member names are unique');
        checkScenario(scenario);
      }
    });
    it(`${name}: ends each cycle as it started, so cycles join without a jump`, () => {
      const scenario = definition.build(definition.defaultMembers);
      const strip = (t: number) => clusterAt(scenario, t).members;
      assert.deepEqual(strip(scenario.cycleSeconds - 0.001), strip(0));
    });
  }
  it('checkScenario rejects steps out of order or naming strangers', () => {
    assert.throws(() => checkScenario({ ...tiny, steps: [...tiny.steps].reverse() }), /out of order/);
    assert.throws(() => checkScenario({ ...tiny, steps: [{ at: 1, member: 'zz', change: {}, why: '' }] }), /unknown member zz/);
  });
});
