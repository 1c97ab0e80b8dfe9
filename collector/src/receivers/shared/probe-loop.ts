import type { Logger } from '../../logger';

/**
 * Runs `round` every `intervalMillis` on its own timer, one round at a time:
 * a slow round delays only this loop's next round (never another group's), and
 * rounds never overlap. Each receiver owns one loop, so groups are independent.
 */
export class ProbeLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly what: string,
    private readonly intervalMillis: number,
    private readonly round: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Run the first round now, then every interval (measured from each round's start). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stop scheduling and wait for a round in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMillis: number): void {
    this.timer = setTimeout(() => void this.runRound(), delayMillis);
    this.timer.unref?.();
  }

  private async runRound(): Promise<void> {
    if (this.stopped) return;
    const started = Date.now();
    this.running = this.round().catch((error: unknown) => {
      // A bug in a round must not kill the loop; the round's sourceUp stays as last reported.
      this.logger.error(`${this.what}: probe round failed`, { error: error instanceof Error ? error.message : String(error) });
    });
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(Math.max(0, this.intervalMillis - (Date.now() - started)));
  }
}
