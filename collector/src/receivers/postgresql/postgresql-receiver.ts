import type { Role } from '../../model/types';
import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { ReconnectBackoff } from '../shared/backoff';
import { classifyProbeError, safeMessage } from '../shared/errors';
import { declarationsOf } from '../shared/node-config';
import { ProbeLoop } from '../shared/probe-loop';
import { withTimeout } from '../shared/timeout';
import { connectWithPg, type PostgresqlConnector, type PostgresqlProbeClient } from './client';
import type { PostgresqlNodeConfig, PostgresqlReceiverConfig } from './config';
import { observationsOfRound, type PostgresqlOutcome } from './observations';
import { probePostgresqlNode, type PostgresqlNodeAnswer } from './queries';

interface NodeConnection {
  client: PostgresqlProbeClient | undefined;
  backoff: ReconnectBackoff;
  /** What the last attempt ended in, so a skipped round counts like it for `sourceUp`. */
  lastKind: PostgresqlOutcome['kind'];
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
 */
export class PostgresqlReceiver implements Receiver {
  readonly source: string;
  private readonly connections = new Map<string, NodeConnection>();
  private readonly intervalMillis: number;
  private loop: ProbeLoop | undefined;
  private previousLeader: string | undefined;
  private readonly lastRoles = new Map<string, Role>();
  private permissionWarned = new Set<string>();

  constructor(
    private readonly group: string,
    private readonly config: PostgresqlReceiverConfig,
    private readonly context: ReceiverContext,
    private readonly connect: PostgresqlConnector = connectWithPg,
  ) {
    this.source = `postgresql/${group}`;
    this.intervalMillis = config.intervalMillis ?? context.intervalMillis;
    for (const node of config.nodes) {
      this.connections.set(node.member, {
        client: undefined,
        backoff: new ReconnectBackoff({ initialMillis: this.intervalMillis, maxMillis: Math.max(this.intervalMillis, config.maxBackoffMillis) }),
        lastKind: 'skipped',
        attempt: 0,
        lastProblem: undefined,
      });
    }
  }

  async start(sink: ObservationSink): Promise<void> {
    sink.declare(this.group, declarationsOf(this.config.nodes));
    this.loop = new ProbeLoop(this.source, this.intervalMillis, () => this.round(sink), this.context.logger);
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    for (const connection of this.connections.values()) {
      connection.client?.close();
      connection.client = undefined;
    }
  }

  /** One round: every node at once, each under its own deadline; then the observations of all of them. */
  async round(sink: ObservationSink): Promise<void> {
    const outcomes = new Map<string, PostgresqlOutcome>();
    await Promise.all(this.config.nodes.map(async (node) => outcomes.set(node.member, await this.probeNode(node))));
    const { observations, leader } = observationsOfRound({
      group: this.group,
      source: this.source,
      nodes: this.config.nodes,
      outcomes,
      previousLeader: this.previousLeader,
      lastRoles: this.lastRoles,
    });
    if (leader !== undefined) this.previousLeader = leader;
    for (const observation of observations) {
      if (observation.reachable && observation.role !== undefined) this.lastRoles.set(observation.member, observation.role);
      sink.observe(observation);
    }
    const up = [...this.connections.values()].every((c) => c.lastKind === 'answered' || c.lastKind === 'refused');
    sink.sourceUp(this.source, up);
  }

  private async probeNode(node: PostgresqlNodeConfig): Promise<PostgresqlOutcome> {
    const connection = this.connections.get(node.member)!;
    // Rounds come every interval; allow half of one so a due retry is not pushed a whole round later.
    if (!connection.backoff.mayAttempt(this.context.now() + this.intervalMillis / 2)) return { kind: 'skipped' };
    const hadConnection = connection.client !== undefined;
    try {
      const answer = await withTimeout(this.probeOnce(node, connection), this.config.timeoutMillis, `${node.member} (${node.redactedUrl})`);
      return this.answered(node, connection, answer);
    } catch (error) {
      this.drop(connection);
      const kind = classifyProbeError(error);
      // A kept connection the server closed (restart, admin shutdown): try once more on a fresh one.
      if (hadConnection && kind !== 'timeout') {
        try {
          const answer = await withTimeout(this.probeOnce(node, connection), this.config.timeoutMillis, `${node.member} (${node.redactedUrl})`);
          return this.answered(node, connection, answer);
        } catch (retryError) {
          this.drop(connection);
          return this.failed(node, connection, retryError);
        }
      }
      return this.failed(node, connection, error);
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

  private answered(node: PostgresqlNodeConfig, connection: NodeConnection, answer: PostgresqlNodeAnswer): PostgresqlOutcome {
    connection.backoff.succeeded();
    connection.lastKind = 'answered';
    if (connection.lastProblem !== undefined) this.context.logger.info(`${this.source}: ${node.member} answers again`, { member: node.member });
    connection.lastProblem = undefined;
    if (answer.permissionProblem !== undefined && !this.permissionWarned.has(node.member)) {
      this.permissionWarned.add(node.member);
      this.context.logger.warn(`${this.source}: ${node.member}: no permission fingerprint`, { member: node.member, reason: answer.permissionProblem });
    }
    return { kind: 'answered', answer, atMillis: this.context.now() };
  }

  private failed(node: PostgresqlNodeConfig, connection: NodeConnection, error: unknown): PostgresqlOutcome {
    const kind = classifyProbeError(error);
    const nowMillis = this.context.now();
    // A refused node is retried within two intervals, so it stays `unreachable` rather than going `unknown`.
    connection.backoff.failed(nowMillis, kind === 'refused' ? 2 * this.intervalMillis : undefined);
    connection.lastKind = kind;
    const problem = `${kind}: ${safeMessage(error, [node.url.reveal(), passwordOf(node)])}`;
    if (problem !== connection.lastProblem) {
      connection.lastProblem = problem;
      this.context.logger.warn(`${this.source}: ${node.member} did not answer the probe`, { member: node.member, url: node.redactedUrl, problem });
    }
    return kind === 'refused' ? { kind, atMillis: nowMillis } : { kind };
  }

  private drop(connection: NodeConnection): void {
    connection.attempt += 1;
    connection.client?.close();
    connection.client = undefined;
  }
}

function passwordOf(node: PostgresqlNodeConfig): string {
  try {
    return decodeURIComponent(new URL(node.url.reveal()).password);
  } catch {
    return '';
  }
}
