import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { isRefusal } from '../shared/errors';
import { declarationsOf } from '../shared/node-config';
import { KeptConnection } from '../shared/kept-connection';
import { ProbeLoop, probeScheduleOf, type ProbeOutcome } from '../shared/probe-loop';
import { ProblemLog } from '../shared/problem-log';
import { RoundMemory } from '../shared/round-memory';
import { connectWithPg, type PostgresqlConnector, type PostgresqlProbeClient } from './client';
import type { PostgresqlNodeConfig, PostgresqlReceiverConfig } from './config';
import { observationsOfRound, type PostgresqlOutcome } from './observations';
import { probePostgresqlNode, type PostgresqlNodeAnswer } from './queries';

/**
 * Probes every node of one group each interval and reports observations plus
 * `recovery_source_up{source="postgresql/<group>"}`. The source is up when
 * every node answered or clearly refused (a refusal is an observation:
 * unreachable); down when any node timed out, rejected the login, or is
 * still backing off after such a failure — then its members go `unknown`.
 * Scheduling, timeouts and retries: `../shared/probe-loop.ts`.
 */
export class PostgresqlReceiver implements Receiver {
  readonly source: string;
  private readonly connections = new Map<string, KeptConnection<PostgresqlProbeClient>>();
  private readonly problems: ProblemLog;
  private readonly loop: ProbeLoop<PostgresqlNodeConfig, PostgresqlNodeAnswer>;
  private readonly memory = new RoundMemory();
  private permissionWarned = new Set<string>();

  constructor(
    private readonly group: string,
    private readonly config: PostgresqlReceiverConfig,
    private readonly context: ReceiverContext,
    private readonly connect: PostgresqlConnector = connectWithPg,
  ) {
    this.source = `postgresql/${group}`;
    for (const node of config.nodes) this.connections.set(node.member, new KeptConnection(() => this.connect(node, this.config)));
    const urls = new Map(config.nodes.map((node) => [node.member, node.redactedUrl]));
    this.problems = new ProblemLog(({ key: member, problem, previous }) => {
      if (problem !== undefined) this.context.logger.warn(`${this.source}: ${member} did not answer the probe`, { member, url: urls.get(member), problem });
      else if (previous !== undefined) this.context.logger.info(`${this.source}: ${member} answers again`, { member });
    });
    this.loop = new ProbeLoop<PostgresqlNodeConfig, PostgresqlNodeAnswer>({
      ...probeScheduleOf(config, context),
      source: this.source,
      describe: (node) => `${node.member} (${node.redactedUrl})`,
      probe: (node, abandoned) => this.connections.get(node.member)!.probe(abandoned, probePostgresqlNode),
      isRefusal,
      secretsOf: (node) => [node.url.reveal(), node.password.reveal(), encodeURIComponent(node.password.reveal())],
      observeRound: (sink, outcomes) => this.observeRound(sink, outcomes),
    });
  }

  async start(sink: ObservationSink): Promise<void> {
    sink.declare(this.group, declarationsOf(this.config.nodes));
    this.loop.start(sink);
  }

  /** One probe round now, without the timer (benchmarks, tests). Reports to `sink` like a timed round. */
  async round(sink: ObservationSink): Promise<PostgresqlOutcome[]> {
    return this.loop.round(sink);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    for (const connection of this.connections.values()) connection.drop();
  }

  /** The round's observations; the loop then reports `recovery_source_up` (and the source down if this throws). */
  private observeRound(sink: ObservationSink, outcomes: readonly PostgresqlOutcome[]): void {
    const { group, source, config, memory } = this;
    const byMember = new Map(config.nodes.map((node, i) => [node.member, outcomes[i]!]));
    memory.deliver(sink, observationsOfRound({ group, source, nodes: config.nodes, outcomes: byMember, previousLeader: memory.previousLeader, lastRoles: memory.lastRoles }));
    config.nodes.forEach((node, i) => this.logChange(node, outcomes[i]!));
  }

  /** Logs a node's problem once per change (errors come with the passwords masked by the loop). */
  private logChange(node: PostgresqlNodeConfig, outcome: ProbeOutcome<PostgresqlNodeAnswer>): void {
    if (outcome.kind === 'backing-off') return;
    this.problems.note(node.member, outcome.kind === 'answered' ? undefined : `${outcome.kind}: ${outcome.error}`);
    if (outcome.kind !== 'answered') return;
    const { permissionProblem } = outcome.answer;
    if (permissionProblem !== undefined && !this.permissionWarned.has(node.member)) {
      this.permissionWarned.add(node.member);
      this.context.logger.warn(`${this.source}: ${node.member}: no permission fingerprint`, { member: node.member, reason: permissionProblem });
    }
  }
}
