import { recentRatePerSecond } from '../model/progress';
import type { MemberStatus } from '../model/types';

/** A status change, kept for the recent windows (improvement, net stabilization rate). */
interface Transition {
  atMillis: number;
  from: MemberStatus;
  to: MemberStatus;
}

const IMPROVEMENT_EPSILON = 1e-6;

/**
 * A group's recent history: progress samples for the catch-up rate (ETA) and
 * status changes for "is anything improving" and the net stabilization rate.
 * Only what the windows need is kept.
 */
export class RecentWindows {
  /**
   * Progress samples as two columns, oldest first. Plain number arrays hold
   * their values unboxed in one block: no object per sample for every group on
   * every tick, and the rate reads them without chasing pointers.
   */
  private sampleTimes: number[] = [];
  private sampleProgress: number[] = [];
  private transitions: Transition[] = [];

  constructor(
    private readonly progressWindowMillis: number,
    private readonly stabilizationWindowMillis: number,
  ) {}

  remember(nowMillis: number, progress: number, transitionsNow: readonly { from: MemberStatus; to: MemberStatus }[]): void {
    this.sampleTimes.push(nowMillis);
    this.sampleProgress.push(progress);
    const progressHorizon = nowMillis - this.progressWindowMillis;
    while (this.sampleTimes.length > 0 && this.sampleTimes[0]! < progressHorizon) {
      this.sampleTimes.shift();
      this.sampleProgress.shift();
    }
    for (const t of transitionsNow) this.transitions.push({ atMillis: nowMillis, from: t.from, to: t.to });
    const horizon = nowMillis - Math.max(this.progressWindowMillis, this.stabilizationWindowMillis);
    while (this.transitions.length > 0 && this.transitions[0]!.atMillis < horizon) this.transitions.shift();
  }

  /** The rate starts with an episode, not with the healthy time before it. */
  restartProgress(nowMillis: number, progress: number): void {
    this.sampleTimes = [nowMillis];
    this.sampleProgress = [progress];
  }

  /** Recent catch-up rate in progress per second; null when the window says too little. */
  ratePerSecond(nowMillis: number): number | null {
    return recentRatePerSecond(this.sampleTimes, this.sampleProgress, nowMillis, this.progressWindowMillis);
  }

  /** Progress rose within the window, or a member returned (to lagging) or converged in it. */
  improving(nowMillis: number, rate: number | null): boolean {
    if (rate !== null && rate > IMPROVEMENT_EPSILON) return true;
    for (let i = this.transitions.length - 1; i >= 0; i--) {
      const t = this.transitions[i]!;
      if (nowMillis - t.atMillis > this.progressWindowMillis) break;
      if (t.to === 'converged' || (t.to === 'lagging' && t.from !== 'converged')) return true;
    }
    return false;
  }

  /** Members becoming converged minus members leaving converged, per minute, over the stabilization window. */
  netStabilizationPerMinute(nowMillis: number): number {
    let net = 0;
    for (const t of this.transitions) {
      if (nowMillis - t.atMillis > this.stabilizationWindowMillis) continue;
      if (t.to === 'converged') net++;
      else if (t.from === 'converged') net--;
    }
    return (net * 60_000) / this.stabilizationWindowMillis;
  }
}
