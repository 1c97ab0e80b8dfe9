import type { ObservationSink, ReceiverContext } from '../receiver';
import { isRefusal } from './errors';
import { KeptConnection } from './kept-connection';
import { ProbeLoop, probeScheduleOf, type ProbeOutcome } from './probe-loop';
import { ProblemLog } from './problem-log';

/** A node reached by URL (postgresql, mysql): `redactedUrl` is the URL with its password as `***`. */
interface UrlNode {
  member: string;
  redactedUrl: string;
}

export interface KeptConnectionProbeOptions<Node extends UrlNode, Client extends { close(): void }, Answer> {
  /** `postgresql/<group>`. */
  source: string;
  config: { nodes: readonly Node[]; intervalMillis?: number; timeoutMillis: number; maxBackoffMillis: number };
  context: ReceiverContext;
  connect(node: Node): Promise<Client>;
  /** The probe's queries on a connection. */
  query(client: Client): Promise<Answer>;
  secretsOf(node: Node): readonly (string | undefined)[];
  observeRound(sink: ObservationSink, outcomes: readonly ProbeOutcome<Answer>[]): void;
}

/**
 * The wiring the postgresql and mysql receivers share: a kept connection per node
 * (kept-connection.ts), the probe loop over them (probe-loop.ts), and each node's
 * problem logged once per change (problem-log.ts) in the same words.
 */
export class KeptConnectionProbe<Node extends UrlNode, Client extends { close(): void }, Answer> {
  private readonly connections = new Map<string, KeptConnection<Client>>();
  private readonly loop: ProbeLoop<Node, Answer>;
  private readonly problems: ProblemLog;
  /** Why an answering node's problem matters (the log line's `reason`), by member. */
  private readonly reasons = new Map<string, string | undefined>();

  constructor(options: KeptConnectionProbeOptions<Node, Client, Answer>) {
    const { source, config, context } = options;
    for (const node of config.nodes) this.connections.set(node.member, new KeptConnection(() => options.connect(node)));
    const urls = new Map(config.nodes.map((node) => [node.member, node.redactedUrl]));
    this.problems = new ProblemLog(({ key: member, problem, previous }) => {
      const reason = this.reasons.get(member);
      if (problem !== undefined && reason === undefined)
        context.logger.warn(`${source}: ${member} did not answer the probe`, { member, url: urls.get(member), problem });
      else if (problem !== undefined) context.logger.warn(`${source}: ${member}: ${problem}`, { member, reason });
      else if (previous !== undefined) context.logger.info(`${source}: ${member} answers again`, { member });
    });
    this.loop = new ProbeLoop<Node, Answer>({
      ...probeScheduleOf(config, context),
      source,
      describe: (node) => `${node.member} (${node.redactedUrl})`,
      probe: (node, abandoned) => this.connections.get(node.member)!.probe(abandoned, options.query),
      isRefusal,
      secretsOf: options.secretsOf,
      observeRound: options.observeRound,
    });
  }

  start(sink: ObservationSink): void {
    this.loop.start(sink);
  }

  /** One probe round now, without the timer (benchmarks, tests). Reports to `sink` like a timed round. */
  round(sink: ObservationSink): Promise<ProbeOutcome<Answer>[]> {
    return this.loop.round(sink);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    for (const connection of this.connections.values()) connection.drop();
  }

  /**
   * A node's outcome this round, logged once per change (errors come with the secrets masked by
   * the loop). An answering node may still have a `problem` (a grant missing), with its `reason`.
   */
  noteOutcome(node: Node, outcome: ProbeOutcome<Answer>, answered?: { problem: string; reason: string }): void {
    if (outcome.kind === 'backing-off') return;
    this.reasons.set(node.member, outcome.kind === 'answered' ? answered?.reason : undefined);
    this.problems.note(node.member, outcome.kind === 'answered' ? answered?.problem : `${outcome.kind}: ${outcome.error}`);
  }
}
