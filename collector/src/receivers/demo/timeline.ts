import type { Dependencies, MemberDeclaration, Role } from '../../model/types';

/**
 * A demo scenario as data: the members as they start each cycle, and a timeline
 * of steps (seconds since cycle start, on the simulated clock) saying what
 * changes. The cluster at any instant is the fold of the steps up to it, so the
 * simulation is a pure function of the clock: no hidden state, any tick order.
 */
export interface Scenario {
  /** Length of one cycle in simulated seconds; the timeline repeats after it. */
  cycleSeconds: number;
  /** Bytes written per simulated second on the leader; positions advance with it. 0: no replicated state (paths). */
  writeBytesPerSecond: number;
  members: MemberSpec[];
  /** In order of `at`; steps at the same second apply in list order. */
  steps: Step[];
}

/** A member at the start of a cycle. */
export interface MemberSpec {
  member: string;
  role: Role;
  serving: boolean;
  /** For a replica: the member it replicates from. */
  followsLeader?: string;
  permissionFingerprint: string;
  /** Operations per second before noise. */
  load: number;
  dependencies: Dependencies;
}

/** Bytes behind the leader: smoothly from `from` (default: wherever it is now) to `to` over `overSeconds`. */
export interface LagRamp {
  from?: number;
  to: number;
  overSeconds: number;
}

/** What one step changes on one member; absent fields keep their value. */
export interface MemberChange {
  role?: Role;
  reachable?: boolean;
  serving?: boolean;
  /** A number jumps there at once; a ramp moves there smoothly. */
  lagBytes?: number | LagRamp;
  /** null: follows nobody (a leader). */
  followsLeader?: string | null;
  permissionFingerprint?: string;
  load?: number;
  /** Which write history the member holds; anything but `main` is a split-off history whose state cannot match the leader's. */
  history?: string;
}

export type Step =
  | { at: number; member: string; change: MemberChange; /** The story, in the SRE's words. */ why: string }
  | { at: number; source: 'pause' | 'resume'; why: string };

/** One member as the simulated cluster has it at an instant. */
export interface MemberCondition {
  member: string;
  role: Role;
  reachable: boolean;
  serving: boolean;
  lagBytes: number;
  followsLeader: string | null;
  permissionFingerprint: string;
  load: number;
  history: string;
  dependencies: Dependencies;
}

/** The simulated cluster at an instant. */
export interface ClusterCondition {
  /** The source cannot see the cluster at all (a monitoring blind spot). */
  sourcePaused: boolean;
  members: MemberCondition[];
}

/** The name of the write history every healthy member shares. */
export const MAIN_HISTORY = 'main';

/** The cluster `t` simulated seconds into the cycle (0 ≤ t < cycleSeconds). */
export function clusterAt(scenario: Scenario, t: number): ClusterCondition {
  const members = new Map<string, MemberCondition & { ramp: Required<LagRamp> & { startAt: number } }>();
  for (const spec of scenario.members) {
    members.set(spec.member, {
      member: spec.member,
      role: spec.role,
      reachable: true,
      serving: spec.serving,
      lagBytes: 0,
      followsLeader: spec.followsLeader ?? null,
      permissionFingerprint: spec.permissionFingerprint,
      load: spec.load,
      history: MAIN_HISTORY,
      dependencies: spec.dependencies,
      ramp: { startAt: 0, from: 0, to: 0, overSeconds: 0 },
    });
  }
  let sourcePaused = false;
  for (const step of scenario.steps) {
    if (step.at > t) break;
    if ('source' in step) {
      sourcePaused = step.source === 'pause';
      continue;
    }
    const m = members.get(step.member)!;
    const { lagBytes, ...rest } = step.change;
    if (lagBytes !== undefined) {
      const ramp = typeof lagBytes === 'number' ? { to: lagBytes, overSeconds: 0 } : lagBytes;
      m.ramp = { startAt: step.at, from: ramp.from ?? rampValue(m.ramp, step.at), to: ramp.to, overSeconds: ramp.overSeconds };
    }
    if (rest.followsLeader !== undefined) m.followsLeader = rest.followsLeader;
    if (rest.role !== undefined) m.role = rest.role;
    if (rest.reachable !== undefined) m.reachable = rest.reachable;
    if (rest.serving !== undefined) m.serving = rest.serving;
    if (rest.permissionFingerprint !== undefined) m.permissionFingerprint = rest.permissionFingerprint;
    if (rest.load !== undefined) m.load = rest.load;
    if (rest.history !== undefined) m.history = rest.history;
  }
  return {
    sourcePaused,
    members: [...members.values()].map(({ ramp, ...m }) => ({ ...m, lagBytes: rampValue(ramp, t) })),
  };
}

function rampValue(ramp: Required<LagRamp> & { startAt: number }, t: number): number {
  if (ramp.overSeconds <= 0 || t >= ramp.startAt + ramp.overSeconds) return ramp.to;
  return ramp.from + ((ramp.to - ramp.from) * (t - ramp.startAt)) / ramp.overSeconds;
}

/** Throws when a scenario is malformed (a programming error in a scenario file, caught by its tests). */
export function checkScenario(scenario: Scenario): void {
  const names = new Set(scenario.members.map((m) => m.member));
  let previous = 0;
  for (const step of scenario.steps) {
    if (step.at < previous || step.at >= scenario.cycleSeconds)
      throw new Error(`step at ${step.at}s is out of order or beyond the ${scenario.cycleSeconds}s cycle`);
    if ('member' in step && !names.has(step.member)) throw new Error(`step at ${step.at}s names unknown member ${step.member}`);
    previous = step.at;
  }
}

/** The members a scenario starts with, as declarations (so they show `unknown` until first seen). */
export function declarationsOf(scenario: Scenario): MemberDeclaration[] {
  return scenario.members.map((m) => ({ member: m.member, role: m.role, dependencies: m.dependencies }));
}
