/**
 * Exponential backoff with jitter for reconnecting to a node that failed: the
 * delay doubles per consecutive failure up to `maxMillis`, and each delay is
 * drawn from [delay/2, delay] so that many collectors do not retry in lockstep.
 */
export class ReconnectBackoff {
  private failures = 0;
  private nextAttemptMillis = 0;

  constructor(
    private readonly options: {
      /** First delay after a failure. */
      initialMillis: number;
      /** Upper bound of the delay. */
      maxMillis: number;
      /** Source of randomness in [0, 1); tests pass a fixed one. */
      random?: () => number;
    },
  ) {
    if (!(options.initialMillis > 0) || !(options.maxMillis >= options.initialMillis)) {
      throw new RangeError(`backoff needs 0 < initialMillis <= maxMillis (got ${options.initialMillis}, ${options.maxMillis})`);
    }
  }

  /** Whether an attempt may be made at `nowMillis`. */
  mayAttempt(nowMillis: number): boolean {
    return nowMillis >= this.nextAttemptMillis;
  }

  /** Consecutive failures so far. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /**
   * Record a failed attempt; returns the delay chosen before the next one.
   * `capMillis` lowers the maximum for this failure (a refused node is retried
   * within the freshness window, so it stays `unreachable` instead of `unknown`).
   */
  failed(nowMillis: number, capMillis = this.options.maxMillis): number {
    const max = Math.max(this.options.initialMillis, Math.min(this.options.maxMillis, capMillis));
    const ceiling = Math.min(max, this.options.initialMillis * 2 ** Math.min(this.failures, 30));
    const random = this.options.random ?? Math.random;
    const delay = Math.round(ceiling / 2 + (ceiling / 2) * random());
    this.failures += 1;
    this.nextAttemptMillis = nowMillis + delay;
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
    this.nextAttemptMillis = 0;
  }
}
