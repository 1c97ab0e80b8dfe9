import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { declarationsOf } from '../shared/node-config';
import { KeptConnectionProbe } from '../shared/kept-connection-probe';
import { PermissionCadence } from '../shared/permission-cadence';
import type { ProbeOutcome } from '../shared/probe-loop';
import { RoundMemory } from '../shared/round-memory';
import { connectWithMysql2, type MysqlConnector, type MysqlProbeClient } from './client';
import type { MysqlNodeConfig, MysqlReceiverConfig } from './config';
import { observationsOfRound, type LeaderHistory, type MysqlOutcome } from './observations';
import { probeMysqlNode, type MysqlNodeAnswer, type MysqlPermissionFacts } from './queries';

/**
 * Probes every node of one group each interval and reports observations plus
 * `recovery_source_up{source="mysql/<group>"}`, on the shared probe loop
 * (`../shared/probe-loop.ts`: timeouts, backoff, a hung node never delays
 * another group). Works with MariaDB and MySQL; the flavor is read at connect.
 */
export class MysqlReceiver implements Receiver {
  readonly source: string;
  private readonly probes: KeptConnectionProbe<MysqlNodeConfig, MysqlProbeClient, MysqlNodeAnswer>;
  /** Each node's previous `Questions` sample, for the load per second. */
  private readonly lastQuestions = new Map<string, { value: number; atMillis: number }>();
  private readonly memory = new RoundMemory();
  /** The leader's position per round, oldest first, for the replicas' seconds behind (observations.ts). */
  private history: { leader: string; entries: { atMillis: number; position: number }[] } | undefined;

  constructor(
    private readonly group: string,
    private readonly config: MysqlReceiverConfig,
    context: ReceiverContext,
    private readonly connect: MysqlConnector = connectWithMysql2,
  ) {
    this.source = `mysql/${group}`;
    const permissions = new PermissionCadence<MysqlPermissionFacts>(config.permissionsIntervalMillis, () => context.now());
    this.probes = new KeptConnectionProbe({
      source: this.source,
      config,
      context,
      connect: (node) => this.connect(node, this.config),
      query: (client) => probeMysqlNode(client, permissions),
      secretsOf: (node) => [node.password.reveal()],
      observeRound: (sink, outcomes) => this.observeRound(sink, outcomes),
    });
  }

  async start(sink: ObservationSink): Promise<void> {
    sink.declare(this.group, declarationsOf(this.config.nodes));
    this.probes.start(sink);
  }

  /** One probe round now, without the timer (benchmarks, tests). Reports to `sink` like a timed round. */
  async round(sink: ObservationSink): Promise<MysqlOutcome[]> {
    return this.probes.round(sink);
  }

  async stop(): Promise<void> {
    await this.probes.stop();
  }

  private observeRound(sink: ObservationSink, outcomes: readonly MysqlOutcome[]): void {
    const { group, source, config, memory } = this;
    const byMember = new Map(config.nodes.map((node, i) => [node.member, outcomes[i]!]));
    const loadPerSecond = new Map<string, number>();
    config.nodes.forEach((node, i) => {
      const load = this.loadOf(node.member, outcomes[i]!);
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
    this.remember(
      round.leader,
      round.observations.find((o) => o.member === round.leader),
    );
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
  private loadOf(member: string, outcome: MysqlOutcome): number | undefined {
    if (outcome.kind !== 'answered' || outcome.answer.questions === undefined) return undefined;
    const previous = this.lastQuestions.get(member);
    const current = { value: outcome.answer.questions, atMillis: outcome.atMillis };
    this.lastQuestions.set(member, current);
    if (previous === undefined || current.value < previous.value || current.atMillis <= previous.atMillis) return undefined;
    return ((current.value - previous.value) * 1000) / (current.atMillis - previous.atMillis);
  }

  /** Logs a node's problem once per change: a failed probe, or an answer without what a grant gives. */
  private logChange(node: MysqlNodeConfig, outcome: ProbeOutcome<MysqlNodeAnswer>): void {
    if (outcome.kind !== 'answered') return this.probes.noteOutcome(node, outcome);
    const { replicationStatusDenied, permissionProblem } = outcome.answer;
    if (replicationStatusDenied !== undefined) {
      const reason = `${replicationStatusDenied}: the member stays unknown, never leader; grant the monitoring account SLAVE MONITOR (MariaDB >= 10.5) or REPLICATION CLIENT (MySQL), see docs/monitoring-roles.md`;
      this.probes.noteOutcome(node, outcome, { problem: 'replication status refused', reason });
    } else if (permissionProblem !== undefined) {
      this.probes.noteOutcome(node, outcome, { problem: 'no permission fingerprint', reason: permissionProblem });
    } else {
      this.probes.noteOutcome(node, outcome);
    }
  }
}
