import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { isRefusal } from '../shared/errors';
import { declarationsOf } from '../shared/node-config';
import { ProbeLoop, probeScheduleOf, type ProbeOutcome } from '../shared/probe-loop';
import { RoundMemory } from '../shared/round-memory';
import { connectWithPg, type PostgresqlConnector, type PostgresqlProbeClient } from './client';
import type { PostgresqlNodeConfig, PostgresqlReceiverConfig } from './config';
import { observationsOfRound, type PostgresqlOutcome } from './observations';
import { probePostgresqlNode, type PostgresqlNodeAnswer } from './queries';

interface NodeConnection {
  client: PostgresqlProbeClient | undefined;
  /** Bumped when a connection is dropped, so a connect that finishes late is closed, not kept. */
  attempt: number;
  /** Last problem logged, so a dead node logs once per change rather than every round. */
  lastProblem: string | undefined;
}

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
  private readonly connections = new Map<string, NodeConnection>();
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
    for (const node of config.nodes) this.connections.set(node.member, { client: undefined, attempt: 0, lastProblem: undefined });
    this.loop = new ProbeLoop<PostgresqlNodeConfig, PostgresqlNodeAnswer>({
      ...probeScheduleOf(config, context),
      source: this.source,
      describe: (node) => `${node.member} (${node.redactedUrl})`,
      probe: (node, abandoned) => this.probe(node, abandoned),
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
    for (const connection of this.connections.values()) this.drop(connection);
  }

  /** One node's probe, under the loop's deadline: on the kept connection, else a new one. */
  private async probe(node: PostgresqlNodeConfig, abandoned: AbortSignal): Promise<PostgresqlNodeAnswer> {
    const connection = this.connections.get(node.member)!;
    abandoned.addEventListener('abort', () => this.drop(connection));
    const hadConnection = connection.client !== undefined;
    try {
      return await this.probeOnce(node, connection);
    } catch (error) {
      this.drop(connection);
      // A kept connection the server closed (restart, admin shutdown): try once more on a fresh one,
      // within the same deadline; not after the loop gave up on this probe.
      if (!hadConnection || abandoned.aborted) throw error;
      try {
        return await this.probeOnce(node, connection);
      } catch (retryError) {
        this.drop(connection);
        throw retryError;
      }
    }
  }

  private async probeOnce(node: PostgresqlNodeConfig, connection: NodeConnection): Promise<PostgresqlNodeAnswer> {
    if (connection.client === undefined) {
      const attempt = connection.attempt;
      const client = await this.connect(node, this.config);
      // Connected after the deadline (the attempt was dropped meanwhile): close it, do not keep it.
      if (attempt !== connection.attempt) {
        client.close();
        throw new Error('connected after the probe deadline');
      }
      connection.client = client;
    }
    return probePostgresqlNode(connection.client);
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
    const connection = this.connections.get(node.member)!;
    if (outcome.kind !== 'answered') {
      const problem = `${outcome.kind}: ${outcome.error}`;
      if (problem === connection.lastProblem) return;
      connection.lastProblem = problem;
      this.context.logger.warn(`${this.source}: ${node.member} did not answer the probe`, { member: node.member, url: node.redactedUrl, problem });
      return;
    }
    if (connection.lastProblem !== undefined) this.context.logger.info(`${this.source}: ${node.member} answers again`, { member: node.member });
    connection.lastProblem = undefined;
    const { permissionProblem } = outcome.answer;
    if (permissionProblem !== undefined && !this.permissionWarned.has(node.member)) {
      this.permissionWarned.add(node.member);
      this.context.logger.warn(`${this.source}: ${node.member}: no permission fingerprint`, { member: node.member, reason: permissionProblem });
    }
  }

  private drop(connection: NodeConnection): void {
    connection.attempt += 1;
    connection.client?.close();
    connection.client = undefined;
  }
}
