import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { scenarioOf, type DemoConfig } from './config';
import { DemoCluster } from './demo-cluster';
import { declarationsOf } from './timeline';

/** Feeds one group from a simulated cluster every interval, starting the story at start(). */
export class DemoReceiver implements Receiver {
  readonly source: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly group: string,
    private readonly config: DemoConfig,
    private readonly context: ReceiverContext,
  ) {
    this.source = `demo/${group}`;
  }

  async start(sink: ObservationSink): Promise<void> {
    const scenario = scenarioOf(this.config);
    const cluster = new DemoCluster({
      group: this.group,
      source: this.source,
      scenario,
      speed: this.config.speed,
      startMillis: this.context.now(),
      seed: this.config.seed,
    });
    sink.declare(this.group, declarationsOf(scenario));
    const round = (): void => {
      try {
        const { sourceUp, observations } = cluster.round(this.context.now());
        for (const observation of observations) sink.observe(observation);
        // A blind spot in the story is reported the way a real probe would: the source is down.
        sink.sourceUp(this.source, sourceUp);
      } catch (error) {
        // A receiver's loop must never throw; a bug here shows as the source down, not as silence.
        sink.sourceUp(this.source, false);
        this.context.logger.error('demo round failed', { source: this.source, error: String(error) });
      }
    };
    round();
    this.timer = setInterval(round, this.context.intervalMillis);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
