import type { Dependencies, Role } from '../../model/types';

/** How one simulated member looks at one instant of the scenario. */
export interface MemberSnapshot {
  member: string;
  role: Role;
  /** False: the simulated source says it is down. */
  reachable: boolean;
  /** True: the source says nothing about it (a monitoring blind spot). */
  silent?: boolean;
  serving?: boolean;
  /** Bytes behind the leader (0 for the leader). */
  lagBytes: number;
  followsLeader?: string;
  permissionFingerprint: string;
  /** Operations per second. */
  load: number;
  dependencies: Dependencies;
}

/** A scenario: the members at `t` seconds into the cycle, on the simulated (speed-scaled) clock. */
export interface Scenario {
  /** Length of one cycle in simulated seconds. */
  cycleSeconds: number;
  /** Writes per simulated second on the leader, in bytes (positions advance with it). */
  writeBytesPerSecond: number;
  /** Group settings that fit the scenario's story at speed 1 (RTO, windows), before speed scaling. */
  rtoSeconds: number;
  members(t: number): MemberSnapshot[];
}

/** Linear ramp from v0 at t0 to v1 at t1, flat outside. */
export function ramp(t: number, t0: number, t1: number, v0: number, v1: number): number {
  if (t <= t0) return v0;
  if (t >= t1) return v1;
  return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
}

export function between(t: number, from: number, to: number): boolean {
  return t >= from && t < to;
}
