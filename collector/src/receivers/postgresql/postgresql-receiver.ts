import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { declarationsOf } from '../shared/node-config';
import { KeptConnectionProbe } from '../shared/kept-connection-probe';
import { PermissionCadence } from '../shared/permission-cadence';
import type { ProbeOutcome } from '../shared/probe-loop';
import { RoundMemory } from '../shared/round-memory';
import { connectWithPg, type PostgresqlConnector, type PostgresqlProbeClient } from './client';
import type { PostgresqlNodeConfig, PostgresqlReceiverConfig } from './config';
import { observationsOfRound, type PostgresqlOutcome } from './observations';
import { probePostgresqlNode, type PostgresqlNodeAnswer, type PostgresqlPermissionFacts } from './queries';
import { RestoreMemory } from './restore-progress';

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
  private readonly probes: KeptConnectionProbe<PostgresqlNodeConfig, PostgresqlProbeClient, PostgresqlNodeAnswer>;
  private readonly memory = new RoundMemory();
  /** Standbys restoring without streaming: where each restore began (restore-progress.ts). */
  private readonly restores = new RestoreMemory();
  private permissionWarned = new Set<string>();

  constructor(
    private readonly group: string,
    private readonly config: PostgresqlReceiverConfig,
    private readonly context: ReceiverContext,
    private readonly connect: PostgresqlConnector = connectWithPg,
  ) {
    this.source = `postgresql/${group}`;
    const permissions = new PermissionCadence<PostgresqlPermissionFacts>(config.permissionsIntervalMillis, () => context.now());
    this.probes = new KeptConnectionProbe({
      source: this.source,
      config,
      context,
      connect: (node) => this.connect(node, this.config),
      query: (client) => probePostgresqlNode(client, permissions),
      secretsOf: (node) => [node.url.reveal(), node.password.reveal(), encodeURIComponent(node.password.reveal())],
      observeRound: (sink, outcomes) => this.observeRound(sink, outcomes),
    });
  }

  async start(sink: ObservationSink): Promise<void> {
    sink.declare(this.group, declarationsOf(this.config.nodes));
    this.probes.start(sink);
  }

  /** One probe round now, without the timer (benchmarks, tests). Reports to `sink` like a timed round. */
  async round(sink: ObservationSink): Promise<PostgresqlOutcome[]> {
    return this.probes.round(sink);
  }

  async stop(): Promise<void> {
    await this.probes.stop();
  }

  /** The round's observations; the loop then reports `recovery_source_up` (and the source down if this throws). */
  private observeRound(sink: ObservationSink, outcomes: readonly PostgresqlOutcome[]): void {
    const { group, source, config, memory } = this;
    const byMember = new Map(config.nodes.map((node, i) => [node.member, outcomes[i]!]));
    memory.deliver(
      sink,
      observationsOfRound({
        group,
        source,
        nodes: config.nodes,
        outcomes: byMember,
        previousLeader: memory.previousLeader,
        lastRoles: memory.lastRoles,
        restores: this.restores,
      }),
    );
    config.nodes.forEach((node, i) => this.logChange(node, outcomes[i]!));
  }

  /** Logs a node's problem once per change (errors come with the passwords masked by the loop). */
  private logChange(node: PostgresqlNodeConfig, outcome: ProbeOutcome<PostgresqlNodeAnswer>): void {
    this.probes.noteOutcome(node, outcome);
    if (outcome.kind !== 'answered') return;
    const { permissionProblem } = outcome.answer;
    if (permissionProblem !== undefined && !this.permissionWarned.has(node.member)) {
      this.permissionWarned.add(node.member);
      this.context.logger.warn(`${this.source}: ${node.member}: no permission fingerprint`, { member: node.member, reason: permissionProblem });
    }
  }
}
