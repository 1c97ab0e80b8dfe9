import type { Role } from '../../model/types';
import { ProbeLoop, redactSecret, type ProbeOutcome } from '../probe-loop';
import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { declarationsOf } from '../shared/node-config';
import type { RedisNodeConfig, RedisReceiverConfig } from './config';
import { createIoredisClient, type RedisClientFactory, type RedisNodeClient } from './redis-client';
import { observationsOfRound, type RedisNodeAnswer } from './redis-observations';
import { parseReplicationInfo } from './replication-info';

/** Connection errors that mean "nothing serves there": the node is down, not merely silent. */
const REFUSAL_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Probes every node of one group each interval (`INFO replication`, `ACL LIST`)
 * and reports observations plus `recovery_source_up{source="redis/<group>"}`:
 * up when every node answered or clearly refused the connection (a refused
 * node is an observation: unreachable); down when any node timed out, failed
 * otherwise (auth, protocol) or is waiting out a backoff after such a failure.
 */
export class RedisReceiver implements Receiver {
  readonly source: string;
  private readonly clients = new Map<string, RedisNodeClient>();
  private readonly lastRoles = new Map<string, Role>();
  /** The last failure per node, logged once per change so a dead node does not flood the log. */
  private readonly lastProblem = new Map<string, string>();
  private readonly lastFailureKind = new Map<string, 'refused' | 'other'>();
  private loop: ProbeLoop<RedisNodeConfig, RedisNodeAnswer> | undefined;
  private readonly aclDenied = new Set<string>();
  private previousLeader: string | undefined;

  constructor(
    private readonly group: string,
    private readonly config: RedisReceiverConfig,
    private readonly context: ReceiverContext,
    private readonly createClient: RedisClientFactory = createIoredisClient,
  ) {
    this.source = `redis/${group}`;
  }

  async start(sink: ObservationSink): Promise<void> {
    sink.declare(this.group, declarationsOf(this.config.nodes));
    this.loop = this.createLoop(sink);
    this.loop.start();
  }

  /** One probe round now, without the timer (benchmarks, tests). Reports to `sink` like a timed round. */
  async round(sink: ObservationSink): Promise<ProbeOutcome<RedisNodeAnswer>[]> {
    this.loop ??= this.createLoop(sink);
    return this.loop.round();
  }

  private createLoop(sink: ObservationSink): ProbeLoop<RedisNodeConfig, RedisNodeAnswer> {
    return new ProbeLoop<RedisNodeConfig, RedisNodeAnswer>({
      nodes: this.config.nodes,
      intervalMillis: this.config.intervalMillis ?? this.context.intervalMillis,
      timeoutMillis: this.config.timeoutMillis,
      maxBackoffMillis: this.config.maxBackoffMillis,
      now: this.context.now,
      probe: (node) => this.probe(node),
      isRefusal: (error) => REFUSAL_CODES.has(String((error as { code?: unknown } | null)?.code)),
      abandon: (node) => this.dropClient(node),
      onRound: (outcomes) => this.report(sink, outcomes),
    });
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
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
      const [infoText, aclLines] = await Promise.all([client.infoReplication(), this.aclLinesOf(node, client)]);
      const answer: RedisNodeAnswer = { replication: parseReplicationInfo(infoText) };
      if (aclLines !== undefined) answer.aclLines = aclLines;
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

  private report(sink: ObservationSink, outcomes: ProbeOutcome<RedisNodeAnswer>[]): void {
    try {
      const { observations, leader } = observationsOfRound({
        group: this.group,
        source: this.source,
        nodes: this.config.nodes,
        outcomes,
        lastRoles: this.lastRoles,
        previousLeader: this.previousLeader,
        tls: this.config.tls !== false,
      });
      if (leader !== undefined) this.previousLeader = leader;
      for (const observation of observations) {
        if (observation.reachable && observation.role !== undefined) this.lastRoles.set(observation.member, observation.role);
        sink.observe(observation);
      }
      let up = true;
      this.config.nodes.forEach((node, i) => {
        const outcome = outcomes[i]!;
        if (outcome.kind === 'answered') this.lastFailureKind.delete(node.member);
        else if (outcome.kind === 'refused') this.lastFailureKind.set(node.member, 'refused');
        else if (outcome.kind !== 'backing-off') this.lastFailureKind.set(node.member, 'other');
        if (outcome.kind !== 'answered' && this.lastFailureKind.get(node.member) !== 'refused') up = false;
        this.logChange(node, outcome);
      });
      sink.sourceUp(this.source, up);
    } catch (error) {
      // A bug here shows as the source down, not as silence.
      sink.sourceUp(this.source, false);
      this.context.logger.error('redis round failed', { source: this.source, error: this.redact(String(error)) });
    }
  }

  private logChange(node: RedisNodeConfig, outcome: ProbeOutcome<RedisNodeAnswer>): void {
    if (outcome.kind === 'backing-off') return;
    const problem =
      outcome.kind === 'answered' ? '' : outcome.kind === 'timeout' ? `no answer within ${this.config.timeoutMillis}ms` : `${outcome.kind}: ${outcome.error}`;
    if ((this.lastProblem.get(node.member) ?? '') === problem) return;
    this.lastProblem.set(node.member, problem);
    const fields = { source: this.source, member: node.member, address: node.address };
    if (problem === '') this.context.logger.info('redis node answers again', fields);
    else this.context.logger.warn('redis node probe failed; retrying with backoff', { ...fields, problem: this.redact(problem) });
  }

  private redact(text: string): string {
    return redactSecret(text, this.config.password?.reveal());
  }
}
