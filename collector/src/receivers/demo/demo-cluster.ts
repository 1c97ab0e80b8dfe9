import type { Observation } from '../../model/types';
import { clusterAt, type ClusterCondition, type MemberCondition, type Scenario } from './timeline';
import { DEMO_PERMISSION_ENTRIES } from './permission-entries';

/** Where the leader's position starts, so positions look like real offsets rather than zero. */
const START_POSITION = 1_000_000;

export interface DemoClusterOptions {
  group: string;
  /** Source name put on every observation, e.g. `demo/orders-db`. */
  source: string;
  scenario: Scenario;
  /** Clock speed: 2 walks the timeline twice as fast as real time. */
  speed: number;
  /** Wall-clock instant (epoch ms) the first cycle starts at. */
  startMillis: number;
  /** Seed of the load noise. */
  seed: number;
}

/** What one probe round of the simulated cluster yields. */
export interface DemoRound {
  /** False while the scenario has the source paused (a blind spot): nothing is observed. */
  sourceUp: boolean;
  observations: Observation[];
}

/**
 * Turns a scenario into observations on a compressed clock. Deterministic in
 * the clock and the seed. The leader's position advances with the write rate
 * over the whole run (monotonic across cycles); a replica's position is the
 * leader's minus its lag, and its lag in seconds is lag bytes ÷ write rate, as a
 * database reports it. The state fingerprint hashes history and position, so
 * members at the same position agree unless one holds a split-off history.
 */
export class DemoCluster {
  constructor(private readonly options: DemoClusterOptions) {}

  /** Simulated seconds since start. */
  simulatedSeconds(nowMillis: number): number {
    return Math.max(0, ((nowMillis - this.options.startMillis) / 1000) * this.options.speed);
  }

  /** The simulated cluster now. */
  conditionAt(nowMillis: number): ClusterCondition {
    return clusterAt(this.options.scenario, this.simulatedSeconds(nowMillis) % this.options.scenario.cycleSeconds);
  }

  round(nowMillis: number): DemoRound {
    const condition = this.conditionAt(nowMillis);
    if (condition.sourcePaused) return { sourceUp: false, observations: [] };
    const elapsed = this.simulatedSeconds(nowMillis);
    const leaderPosition = Math.round(START_POSITION + elapsed * this.options.scenario.writeBytesPerSecond);
    return { sourceUp: true, observations: condition.members.map((m) => this.observation(m, nowMillis, elapsed, leaderPosition)) };
  }

  private observation(m: MemberCondition, nowMillis: number, elapsed: number, leaderPosition: number): Observation {
    const base: Observation = {
      group: this.options.group,
      member: m.member,
      source: this.options.source,
      observedAtMillis: nowMillis,
      role: m.role,
      reachable: m.reachable,
      serving: m.reachable && m.serving,
      dependencies: m.dependencies,
    };
    if (!m.reachable) return base;
    const observation: Observation = {
      ...base,
      permissionFingerprint: m.permissionFingerprint,
      load: Math.round(m.load * this.loadNoise(m.member, Math.floor(elapsed))),
    };
    const entries = DEMO_PERMISSION_ENTRIES[m.permissionFingerprint];
    if (entries !== undefined) observation.permissionEntries = entries;
    if (m.followsLeader !== null) observation.followsLeader = m.followsLeader;
    const rate = this.options.scenario.writeBytesPerSecond;
    if (rate > 0) {
      const lagBytes = Math.round(m.lagBytes);
      observation.position = leaderPosition - lagBytes;
      observation.lagBytes = lagBytes;
      observation.lagSeconds = lagBytes / rate;
      observation.stateFingerprint = `${m.history}-${hash32(`${m.history}@${observation.position}`).toString(16)}`;
    }
    return observation;
  }

  /** ±5 % load noise, deterministic in seed, member and simulated second. */
  private loadNoise(member: string, second: number): number {
    return 0.95 + (hash32(`${this.options.seed}/${member}/${second}`) / 0xffffffff) * 0.1;
  }
}

/** FNV-1a, 32 bits: a stable, seedable hash for noise and fingerprints (not for security). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}
