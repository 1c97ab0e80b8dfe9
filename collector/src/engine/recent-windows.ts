import { recentRatePerSecond, roseFromLow } from '../model/progress';
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
   * Progress samples as two columns, oldest first, each stamped with the time
   * its observations were made. Plain number arrays hold their values unboxed
   * in one block: no object per sample for every group on every tick, and the
   * rate reads them without chasing pointers.
   */
  private readonly sampleTimes: number[] = [];
  private readonly sampleProgress: number[] = [];
  private transitions: Transition[] = [];

  constructor(
    private readonly progressWindowMillis: number,
    private readonly stabilizationWindowMillis: number,
  ) {}

  /**
   * This tick's progress, as of `observedAtMillis` (when the observations it
   * was derived from were made). A tick that reuses the same observations adds
   * no sample (it would count the same movement twice). Outside an episode only
   * this sample is kept: healthy time — and the collector's start, when
   * members are still unknown — is not recovery, so it is never a low point.
   */
  rememberProgress(observedAtMillis: number, progress: number, inEpisode: boolean): void {
    const times = this.sampleTimes;
    if (!inEpisode) {
      // The one sample written in place: emptying the columns (length = 0) drops their backing
      // stores, and the next push allocates two new ones per group per tick at fleet scale.
      if (times.length > 1) {
        times.length = 1;
        this.sampleProgress.length = 1;
      }
      times[0] = observedAtMillis;
      this.sampleProgress[0] = progress;
      return;
    }
    const newest = times.length - 1;
    if (newest >= 0 && observedAtMillis <= times[newest]!) {
      // Same observations again (or an older one): keep the time, take the newest progress derived from them.
      if (observedAtMillis === times[newest]!) this.sampleProgress[newest] = progress;
      return;
    }
    times.push(observedAtMillis);
    this.sampleProgress.push(progress);
    const horizon = observedAtMillis - this.progressWindowMillis;
    while (times.length > 1 && times[0]! < horizon) {
      times.shift();
      this.sampleProgress.shift();
    }
  }

  rememberTransitions(nowMillis: number, transitionsNow: readonly { from: MemberStatus; to: MemberStatus }[]): void {
    for (const t of transitionsNow) this.transitions.push({ atMillis: nowMillis, from: t.from, to: t.to });
    const horizon = nowMillis - Math.max(this.progressWindowMillis, this.stabilizationWindowMillis);
    while (this.transitions.length > 0 && this.transitions[0]!.atMillis < horizon) this.transitions.shift();
  }

  /** When the newest progress sample was observed; null before the first. */
  progressObservedAtMillis(): number | null {
    return this.sampleTimes.length === 0 ? null : this.sampleTimes[this.sampleTimes.length - 1]!;
  }

  /** Recent catch-up rate in progress per second; null when the window says too little. */
  ratePerSecond(): number | null {
    return recentRatePerSecond(this.sampleTimes, this.sampleProgress, this.progressWindowMillis);
  }

  /**
   * Progress is rising (a positive rate, or a first movement too recent for a
   * rate), or since `sinceMillis` (the episode's
   * start) a member returned (to lagging) or converged within it. Changes
   * before the episode — the previous episode's recovery, the collector's
   * start — are not improvement in this one.
   */
  improving(nowMillis: number, sinceMillis: number, rate: number | null): boolean {
    if (rate !== null ? rate > IMPROVEMENT_EPSILON : roseFromLow(this.sampleTimes, this.sampleProgress, this.progressWindowMillis)) return true;
    for (let i = this.transitions.length - 1; i >= 0; i--) {
      const t = this.transitions[i]!;
      if (t.atMillis < sinceMillis || nowMillis - t.atMillis > this.progressWindowMillis) break;
      if (t.to === 'converged' || (t.to === 'lagging' && t.from !== 'converged')) return true;
    }
    return false;
  }

  /**
   * When the net stabilization rate first reads differently with no new transition,
   * as seen at `nowMillis`: once the oldest transition still counted leaves the
   * window (Infinity when none is counted). A quiet group is re-derived then.
   */
  stabilizationChangesAfterMillis(nowMillis: number): number {
    // Oldest first: the first one still counted is the first to leave.
    for (const t of this.transitions) if (nowMillis - t.atMillis <= this.stabilizationWindowMillis) return t.atMillis + this.stabilizationWindowMillis;
    return Infinity;
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
