import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { isRefusal } from '../shared/errors';
import { declarationsOf } from '../shared/node-config';
import { ProbeLoop, probeScheduleOf, type ProbeOutcome } from '../shared/probe-loop';
import { RoundMemory } from '../shared/round-memory';
import { connectWithMysql2, type MysqlConnector, type MysqlProbeClient } from './client';
import type { MysqlNodeConfig, MysqlReceiverConfig } from './config';
import { observationsOfRound, type LeaderHistory, type MysqlOutcome } from './observations';
import { probeMysqlNode, type MysqlNodeAnswer } from './queries';

interface NodeConnection {
  client: MysqlProbeClient | undefined;
  /** Bumped when a connection is dropped, so a connect that finishes late is closed, not kept. */
  attempt: number;
  /** Last problem logged, so a dead node logs once per change rather than every round. */
  lastProblem: string | undefined;
  /** The previous `Questions` sample, for the load per second. */
  lastQuestions: { value: number; atMillis: number } | undefined;
}

/** MySQL's client errors for a server that went away mid-connection: the node is down, as a refusal says. */
/**
 * Probes every node of one group each interval and reports observations plus
 * `recovery_source_up{source="mysql/<group>"}`, on the shared probe loop
 * (`../shared/probe-loop.ts`: timeouts, backoff, a hung node never delays
 * another group). Works with MariaDB and MySQL; the flavor is read at connect.
 */
export class MysqlReceiver implements Receiver {
  readonly source: string;
  private readonly connections = new Map<string, NodeConnection>();
  private readonly loop: ProbeLoop<MysqlNodeConfig, MysqlNodeAnswer>;
  private readonly memory = new RoundMemory();
  /** The leader's position per round, oldest first, for the replicas' seconds behind (observations.ts). */
  private history: { leader: string; entries: { atMillis: number; position: number }[] } | undefined;

  constructor(
    private readonly group: string,
    private readonly config: MysqlReceiverConfig,
    private readonly context: ReceiverContext,
    private readonly connect: MysqlConnector = connectWithMysql2,
  ) {
    this.source = `mysql/${group}`;
    for (const node of config.nodes) this.connections.set(node.member, { client: undefined, attempt: 0, lastProblem: undefined, lastQuestions: undefined });
    this.loop = new ProbeLoop<MysqlNodeConfig, MysqlNodeAnswer>({
      ...probeScheduleOf(config, context),
      source: this.source,
      describe: (node) => `${node.member} (${node.redactedUrl})`,
      probe: (node, abandoned) => this.probe(node, abandoned),
      isRefusal,
      secretsOf: (node) => [node.password.reveal()],
      observeRound: (sink, outcomes) => this.observeRound(sink, outcomes),
    });
  }

  async start(sink: ObservationSink): Promise<void> {
    sink.declare(this.group, declarationsOf(this.config.nodes));
    this.loop.start(sink);
  }

  /** One probe round now, without the timer (benchmarks, tests). Reports to `sink` like a timed round. */
  async round(sink: ObservationSink): Promise<MysqlOutcome[]> {
    return this.loop.round(sink);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    for (const connection of this.connections.values()) this.drop(connection);
  }

  /** One node's probe, under the loop's deadline: on the kept connection, else a new one. */
  private async probe(node: MysqlNodeConfig, abandoned: AbortSignal): Promise<MysqlNodeAnswer> {
    const connection = this.connections.get(node.member)!;
    abandoned.addEventListener('abort', () => this.drop(connection));
    const hadConnection = connection.client !== undefined;
    try {
      return await this.probeOnce(node, connection);
    } catch (error) {
      this.drop(connection);
      // A kept connection the server closed (restart): once more on a fresh one, within the same deadline.
      if (!hadConnection || abandoned.aborted) throw error;
      try {
        return await this.probeOnce(node, connection);
      } catch (retryError) {
        this.drop(connection);
        throw retryError;
      }
    }
  }

  private async probeOnce(node: MysqlNodeConfig, connection: NodeConnection): Promise<MysqlNodeAnswer> {
    if (connection.client === undefined) {
      const attempt = connection.attempt;
      const client = await this.connect(node, this.config);
      if (attempt !== connection.attempt) {
        client.close();
        throw new Error('connected after the probe deadline');
      }
      connection.client = client;
    }
    return probeMysqlNode(connection.client);
  }

  private observeRound(sink: ObservationSink, outcomes: readonly MysqlOutcome[]): void {
    const { group, source, config, memory } = this;
    const byMember = new Map(config.nodes.map((node, i) => [node.member, outcomes[i]!]));
    const loadPerSecond = new Map<string, number>();
    config.nodes.forEach((node, i) => {
      const load = this.loadOf(this.connections.get(node.member)!, outcomes[i]!);
      if (load !== undefined) loadPerSecond.set(node.member, load);
    });
    const round = observationsOfRound({
      group,
      source,
      nodes: config.nodes,
      outcomes: byMember,
      previousLeader: memory.previousLeader,
      lastRoles: memory.lastRoles,
      loadPerSecond,
      ...(this.history ? { leaderHistory: this.history as LeaderHistory } : {}),
    });
    memory.deliver(sink, round);
    this.remember(round.leader, round.observations.find((o) => o.member === round.leader));
    config.nodes.forEach((node, i) => this.logChange(node, outcomes[i]!));
  }

  /**
   * Append the leader's position; a new leader (or a position that went back:
   * another kind of position, a reset) starts the history again. An hour of
   * rounds at most: a replica further behind is far beyond any tolerance anyway.
   */
  private remember(leader: string | undefined, observation: { position?: number; observedAtMillis: number } | undefined): void {
    if (leader === undefined || observation?.position === undefined) return;
    const entry = { atMillis: observation.observedAtMillis, position: observation.position };
    const last = this.history?.entries.at(-1);
    if (this.history === undefined || this.history.leader !== leader || (last !== undefined && entry.position < last.position)) {
      this.history = { leader, entries: [entry] };
      return;
    }
    // Only changes matter: the first round at a position is when the leader got there.
    if (last !== undefined && last.position === entry.position) return;
    this.history.entries.push(entry);
    const cutoff = entry.atMillis - 3_600_000;
    while (this.history.entries.length > 1 && this.history.entries[0]!.atMillis < cutoff) this.history.entries.shift();
  }

  /** `Questions` per second since the previous answer; none after a restart (the counter went back). */
  private loadOf(connection: NodeConnection, outcome: MysqlOutcome): number | undefined {
    if (outcome.kind !== 'answered' || outcome.answer.questions === undefined) return undefined;
    const previous = connection.lastQuestions;
    const current = { value: outcome.answer.questions, atMillis: outcome.atMillis };
    connection.lastQuestions = current;
    if (previous === undefined || current.value < previous.value || current.atMillis <= previous.atMillis) return undefined;
    return ((current.value - previous.value) * 1000) / (current.atMillis - previous.atMillis);
  }

  /** Logs a node's problem once per change (errors come with the password masked by the loop). */
  private logChange(node: MysqlNodeConfig, outcome: ProbeOutcome<MysqlNodeAnswer>): void {
    if (outcome.kind === 'backing-off') return;
    const connection = this.connections.get(node.member)!;
    let problem: string | undefined;
    let reason: string | undefined;
    if (outcome.kind !== 'answered') {
      problem = `${outcome.kind}: ${outcome.error}`;
    } else if (outcome.answer.replicationStatusDenied !== undefined) {
      problem = 'replication status refused';
      reason = `${outcome.answer.replicationStatusDenied}: the member stays unknown, never leader; grant the monitoring account SLAVE MONITOR (MariaDB >= 10.5) or REPLICATION CLIENT (MySQL), see docs/monitoring-roles.md`;
    } else if (outcome.answer.permissionProblem !== undefined) {
      problem = 'no permission fingerprint';
      reason = outcome.answer.permissionProblem;
    }
    if (problem === connection.lastProblem) return;
    const previous = connection.lastProblem;
    connection.lastProblem = problem;
    if (outcome.kind !== 'answered') {
      this.context.logger.warn(`${this.source}: ${node.member} did not answer the probe`, { member: node.member, url: node.redactedUrl, problem: problem! });
    } else if (problem !== undefined) {
      this.context.logger.warn(`${this.source}: ${node.member}: ${problem}`, { member: node.member, reason: reason! });
    } else if (previous !== undefined) {
      this.context.logger.info(`${this.source}: ${node.member} answers again`, { member: node.member });
    }
  }

  private drop(connection: NodeConnection): void {
    connection.attempt += 1;
    connection.client?.close();
    connection.client = undefined;
  }
}
