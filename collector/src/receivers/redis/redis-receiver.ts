import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { declarationsOf } from '../shared/node-config';
import { ProbeLoop, probeScheduleOf, type ProbeOutcome } from '../shared/probe-loop';
import { isRefusal } from '../shared/errors';
import { PermissionCadence } from '../shared/permission-cadence';
import { ProblemLog } from '../shared/problem-log';
import { RoundMemory } from '../shared/round-memory';
import { redactSecret } from '../shared/secret';
import type { RedisNodeConfig, RedisReceiverConfig } from './config';
import { createIoredisClient, type RedisClientFactory, type RedisNodeClient } from './redis-client';
import { observationsOfRound, type RedisNodeAnswer } from './redis-observations';
import { parseReplicationInfo } from './replication-info';
import { aclChangeSignalOf, splitInfoSections } from './acl-change-signal';

/**
 * Probes every node of one group each interval (`INFO replication`; `ACL LIST` pipelined with it on
 * a new connection and every `permissions_interval`, carried in between: Redis has no counter that
 * moves when ACLs change, so that interval bounds how late an ACL change is seen) and reports observations plus `recovery_source_up{source="redis/<group>"}`:
 * up when every node answered or clearly refused the connection (a refused
 * node is an observation: unreachable); down when any node timed out, failed
 * otherwise (auth, protocol) or is waiting out a backoff after such a failure.
 * Scheduling, timeouts and retries: `../shared/probe-loop.ts`.
 */
export class RedisReceiver implements Receiver {
  readonly source: string;
  private readonly clients = new Map<string, RedisNodeClient>();
  /** The last failure per node, logged once per change so a dead node does not flood the log. */
  private readonly problems: ProblemLog;
  private readonly loop: ProbeLoop<RedisNodeConfig, RedisNodeAnswer>;
  private readonly aclDenied = new Set<string>();
  private readonly memory = new RoundMemory();
  /** Replicas a master has listed: one missing from its master's list later was dropped by it. */
  private readonly listedByMaster = new Set<string>();
  private readonly fullResyncs = new Map<string, number>();
  /** ACL LIST lines per connection, read again every `permissions_interval` (undefined: not permitted). */
  private readonly acl: PermissionCadence<string[] | undefined>;

  constructor(
    private readonly group: string,
    private readonly config: RedisReceiverConfig,
    private readonly context: ReceiverContext,
    private readonly createClient: RedisClientFactory = createIoredisClient,
  ) {
    this.source = `redis/${group}`;
    this.acl = new PermissionCadence(config.permissionsIntervalMillis, () => context.now());
    const addresses = new Map(config.nodes.map((node) => [node.member, node.address]));
    this.problems = new ProblemLog(({ key: member, problem, previous }) => {
      const fields = { source: this.source, member, address: addresses.get(member) };
      if (problem !== undefined) this.context.logger.warn('redis node probe failed; will retry', { ...fields, problem });
      else if (previous !== undefined) this.context.logger.info('redis node answers again', fields);
    });
    this.loop = new ProbeLoop<RedisNodeConfig, RedisNodeAnswer>({
      ...probeScheduleOf(config, context),
      source: this.source,
      describe: (node) => `${node.member} (${node.address})`,
      probe: (node, abandoned) => {
        abandoned.addEventListener('abort', () => this.dropClient(node));
        return this.probe(node);
      },
      isRefusal,
      secretsOf: () => [config.password?.reveal()],
      observeRound: (sink, outcomes) => this.observeRound(sink, outcomes),
    });
  }

  async start(sink: ObservationSink): Promise<void> {
    sink.declare(this.group, declarationsOf(this.config.nodes));
    this.loop.start(sink);
  }

  /** One probe round now, without the timer (benchmarks, tests). Reports to `sink` like a timed round. */
  async round(sink: ObservationSink): Promise<ProbeOutcome<RedisNodeAnswer>[]> {
    return this.loop.round(sink);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private async probe(node: RedisNodeConfig): Promise<RedisNodeAnswer> {
    let client = this.clients.get(node.member);
    if (client === undefined) {
      client = this.createClient(node, this.config);
      this.clients.set(node.member, client);
    }
    try {
      // INFO first: it (re)connects, so a reconnect this round already counts as another connection.
      const info = client.infoReplication();
      const connection = client.connectionNumber?.() ?? 0;
      // Due anyway (new connection, permissions_interval): ACL LIST pipelined with INFO, one round trip.
      const early = this.acl.dueAnyway(client) ? this.aclLinesOf(node, client) : undefined;
      early?.catch(() => undefined); // if INFO fails first, this one's failure is not left unhandled
      const sections = splitInfoSections(await info);
      // A changed signal (an ACL-changing command ran): ACL LIST now, after INFO.
      const signal = `${connection} ${aclChangeSignalOf(sections.commandStats)}`;
      const acl = await this.acl.current(client, signal, () => early ?? this.aclLinesOf(node, client));
      const answer: RedisNodeAnswer = { replication: parseReplicationInfo(sections.replication) };
      if (acl.facts !== undefined) answer.aclLines = acl.facts;
      if (acl.facts !== undefined && acl.carried) answer.aclReadAtMillis = acl.readAtMillis;
      const remoteAddress = client.remoteAddress?.();
      if (remoteAddress !== undefined) answer.remoteAddress = remoteAddress;
      return answer;
    } catch (error) {
      this.dropClient(node);
      throw error;
    }
  }

  /** ACL LIST refused (NOPERM) is not the node failing: it just leaves the fingerprint unknown. */
  private async aclLinesOf(node: RedisNodeConfig, client: RedisNodeClient): Promise<string[] | undefined> {
    try {
      return await client.aclList();
    } catch (error) {
      const message = String((error as Error)?.message ?? error);
      if (!/NOPERM|unknown command/i.test(message)) throw error;
      if (!this.aclDenied.has(node.member)) {
        this.aclDenied.add(node.member);
        this.context.logger.warn('ACL LIST not permitted: no permission fingerprint for this node; grant +acl|list to the monitoring user', {
          source: this.source,
          member: node.member,
          error: this.redact(message),
        });
      }
      return undefined;
    }
  }

  private dropClient(node: RedisNodeConfig): void {
    this.clients.get(node.member)?.close();
    this.clients.delete(node.member);
  }

  /** The round's observations; the loop then reports `recovery_source_up` (and the source down if this throws). */
  private observeRound(sink: ObservationSink, outcomes: readonly ProbeOutcome<RedisNodeAnswer>[]): void {
    const { group, source, config, memory } = this;
    const tls = config.tls !== false;
    const listedByMaster = this.listedByMaster;
    memory.deliver(
      sink,
      observationsOfRound({
        group,
        source,
        nodes: config.nodes,
        outcomes,
        lastRoles: memory.lastRoles,
        previousLeader: memory.previousLeader,
        tls,
        listedByMaster,
        fullResyncs: this.fullResyncs,
      }),
    );
    config.nodes.forEach((node, i) => this.logChange(node, outcomes[i]!));
  }

  private logChange(node: RedisNodeConfig, outcome: ProbeOutcome<RedisNodeAnswer>): void {
    if (outcome.kind === 'backing-off') return;
    // Outcome errors come with the password already masked by the probe loop.
    const problem =
      outcome.kind === 'answered'
        ? undefined
        : outcome.kind === 'timeout'
          ? `no answer within ${this.config.timeoutMillis}ms`
          : `${outcome.kind}: ${outcome.error}`;
    this.problems.note(node.member, problem);
  }

  private redact(text: string): string {
    return redactSecret(text, this.config.password?.reveal());
  }
}
