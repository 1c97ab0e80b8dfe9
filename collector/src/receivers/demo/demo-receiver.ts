import type { Observation } from '../../model/types';
import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { DEMO_SCENARIOS, type DemoConfig } from './config';
import { DemoCluster } from './demo-cluster';

/** Feeds one group from a simulated cluster every interval. */
export class DemoReceiver implements Receiver {
  readonly source: string;
  private timer: NodeJS.Timeout | undefined;
  private cluster: DemoCluster | undefined;

  constructor(
    private readonly group: string,
    private readonly config: DemoConfig,
    private readonly context: ReceiverContext,
  ) {
    this.source = `demo/${group}`;
  }

  async start(sink: ObservationSink): Promise<void> {
    const scenario = DEMO_SCENARIOS[this.config.scenario]!;
    this.cluster = new DemoCluster(this.group, scenario, this.config.speed, this.context.now(), this.config.seed);
    sink.declare(
      this.group,
      scenario.members(0).map((m) => ({ member: m.member, role: m.role, dependencies: m.dependencies })),
    );
    const round = () => {
      const observations: Observation[] = this.cluster!.observe(this.context.now(), this.source);
      for (const observation of observations) sink.observe(observation);
      // A blind spot in the story is the source failing, as a real probe would report it.
      sink.sourceUp(this.source, observations.length > 0);
    };
    round();
    this.timer = setInterval(round, this.context.intervalMillis);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
