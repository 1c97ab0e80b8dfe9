/**
 * When to probe a failing node again: after the n-th failure in a row the wait
 * is `initialMillis` × 2ⁿ⁻¹, capped at `maxMillis`, and drawn from [wait/2, wait]
 * so that nodes failing together (or several collectors) do not retry in
 * lockstep. A success (or any clear answer) resets it.
 */
export class RetryBackoff {
  private failures = 0;
  private retryAtMillis = 0;

  constructor(
    private readonly options: {
      /** Wait after the first failure (the probe interval). */
      initialMillis: number;
      /** Longest wait (`max_backoff`). */
      maxMillis: number;
      /** Source of randomness in [0, 1]; tests pass a fixed one. */
      random?: () => number;
    },
  ) {
    if (!(options.initialMillis > 0) || !(options.maxMillis >= options.initialMillis)) {
      throw new RangeError(`backoff needs 0 < initialMillis <= maxMillis (got ${options.initialMillis}, ${options.maxMillis})`);
    }
  }

  /** Whether an attempt may be made at `nowMillis`. */
  mayAttempt(nowMillis: number): boolean {
    return nowMillis >= this.retryAtMillis;
  }

  /** Consecutive failures so far. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** When the next attempt is due (0 when it is not backing off). */
  get nextAttemptMillis(): number {
    return this.retryAtMillis;
  }

  /** Record a failed attempt made at `atMillis`; returns the wait chosen before the next one. */
  failed(atMillis: number): number {
    const ceiling = Math.min(this.options.maxMillis, this.options.initialMillis * 2 ** Math.min(this.failures, 30));
    const random = this.options.random ?? Math.random;
    const wait = Math.round(ceiling / 2 + (ceiling / 2) * random());
    this.failures += 1;
    this.retryAtMillis = atMillis + wait;
    return wait;
  }

  succeeded(): void {
    this.failures = 0;
    this.retryAtMillis = 0;
  }
}
