import type { Observation } from '../../model/types';
import type { Scenario } from './member-snapshot';

/**
 * Turns a scenario into observations on a compressed clock. Positions advance
 * with the scenario's write rate over the whole run, so they stay monotonic
 * across cycles; lag in seconds is lag bytes ÷ write rate, as a database would
 * report it.
 */
export class DemoCluster {
  constructor(
    private readonly group: string,
    private readonly scenario: Scenario,
    private readonly speed: number,
    private readonly startMillis: number,
    private readonly seed: number,
  ) {}

  /** Simulated seconds since start. */
  simulatedSeconds(nowMillis: number): number {
    return Math.max(0, ((nowMillis - this.startMillis) / 1000) * this.speed);
  }

  /** Seconds into the current cycle. */
  cycleSeconds(nowMillis: number): number {
    return this.simulatedSeconds(nowMillis) % this.scenario.cycleSeconds;
  }

  observe(nowMillis: number, source: string): Observation[] {
    const elapsed = this.simulatedSeconds(nowMillis);
    const t = elapsed % this.scenario.cycleSeconds;
    const rate = this.scenario.writeBytesPerSecond;
    const leaderPosition = Math.round(1_000_000 + elapsed * rate);
    const observations: Observation[] = [];
    for (const snapshot of this.scenario.members(t)) {
      if (snapshot.silent) continue;
      const base = { group: this.group, member: snapshot.member, source, observedAtMillis: nowMillis, role: snapshot.role, dependencies: snapshot.dependencies };
      if (!snapshot.reachable) {
        observations.push({ ...base, reachable: false, serving: false });
        continue;
      }
      const lagBytes = Math.round(snapshot.lagBytes);
      observations.push({
        ...base,
        reachable: true,
        serving: snapshot.serving ?? snapshot.role === 'leader',
        ...(rate > 0 ? { position: leaderPosition - lagBytes, lagBytes, lagSeconds: lagBytes / rate } : {}),
        ...(snapshot.followsLeader !== undefined ? { followsLeader: snapshot.followsLeader } : {}),
        permissionFingerprint: snapshot.permissionFingerprint,
        load: Math.round(snapshot.load * this.jitter(snapshot.member, Math.floor(elapsed))),
      });
    }
    return observations;
  }

  /** ±5 % load noise, deterministic in seed, member and second. */
  private jitter(member: string, second: number): number {
    let h = (this.seed ^ second) >>> 0;
    for (let i = 0; i < member.length; i++) h = Math.imul(h ^ member.charCodeAt(i), 2654435761) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    return 0.95 + ((h >>> 0) / 0xffffffff) * 0.1;
  }
}
