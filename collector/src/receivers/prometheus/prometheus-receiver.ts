import type { MemberDeclaration } from '../../model/types';
import type { ObservationSink, Receiver, ReceiverContext } from '../receiver';
import { safeMessage } from '../shared/errors';
import { ProblemLog } from '../shared/problem-log';
import { RoundMemory } from '../shared/round-memory';
import { HttpPrometheusClient, type PrometheusApiClient, type PromSample } from './client';
import type { ExporterKind, PrometheusReceiverConfig } from './config';
import type { ExporterObservations, ExporterRound } from './member-samples';
import { mysqldExporterObservations, postgresExporterObservations, redisExporterObservations } from './observations';
import { roundQueries, type RoundQueries } from './queries';

const OBSERVE: Readonly<Record<ExporterKind, (round: ExporterRound) => ExporterObservations>> = {
  redis_exporter: redisExporterObservations,
  postgres_exporter: postgresExporterObservations,
  mysqld_exporter: mysqldExporterObservations,
};

/**
 * Reads one group's exporters through the user's Prometheus: each interval two
 * instant queries (`up{selector}[age]` and the exporter's metrics in one regex
 * selector, both over the last `max_sample_age` so a series Prometheus stopped
 * scraping is not read as current), sent together under one deadline, turned into observations by the
 * exporter's pure function (`observations.ts`). `recovery_source_up{source="prometheus/<group>"}`
 * is 1 when both answered; when Prometheus fails there are no observations, so the
 * members turn `unknown` after the freshness window — never healthy on old data.
 * Members seen once stay known: one that leaves the answers is reported unknown, not dropped.
 */
export class PrometheusReceiver implements Receiver {
  readonly source: string;
  private readonly queries: RoundQueries;
  private readonly memory = new RoundMemory();
  private readonly known = new Map<string, MemberDeclaration>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private currentRound: Promise<unknown> | undefined;
  /** One key, the URL: this source's problem is Prometheus's, not a node's. */
  private readonly problems = new ProblemLog(({ problem, previous }) => {
    if (problem !== undefined) this.context.logger.warn('Prometheus query failed; will retry', { source: this.source, url: this.config.url, problem });
    else if (previous !== undefined) this.context.logger.info('Prometheus answers again', { source: this.source, url: this.config.url });
  });

  constructor(
    private readonly group: string,
    private readonly config: PrometheusReceiverConfig,
    private readonly context: ReceiverContext,
    private readonly client: PrometheusApiClient = new HttpPrometheusClient(config),
  ) {
    this.source = `prometheus/${group}`;
    const intervalMillis = config.intervalMillis ?? context.intervalMillis;
    this.queries = roundQueries(config.exporter, config.matchers, (config.maxSampleAgeMillis ?? 3 * intervalMillis) / 1000);
    for (const declaration of config.declared) this.known.set(declaration.member, declaration);
  }

  async start(sink: ObservationSink): Promise<void> {
    sink.declare(this.group, this.config.declared);
    if (this.running) return;
    this.running = true;
    this.schedule(sink, 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.currentRound;
  }

  /** The PromQL this receiver sends each round (README, bench). */
  get roundQueries(): RoundQueries {
    return this.queries;
  }

  /** One round now, without the timer (tests, bench): observations to `sink`, then `recovery_source_up`. */
  async round(sink: ObservationSink): Promise<boolean> {
    let answers: { up: PromSample[]; metrics: PromSample[] };
    try {
      answers = await this.query();
    } catch (error) {
      sink.sourceUp(this.source, false);
      this.logProblem(`no answer from Prometheus: ${this.redact(error)}`);
      return false;
    }
    try {
      const round: ExporterRound = {
        group: this.group,
        source: this.source,
        atMillis: this.context.now(),
        memberLabel: this.config.memberLabel,
        dependenciesFromLabels: this.config.dependenciesFromLabels,
        knownMembers: [...this.known.values()],
        up: answers.up,
        metrics: answers.metrics,
        lastRoles: this.memory.lastRoles,
        previousLeader: this.memory.previousLeader,
        standbys: this.config.standbys,
      };
      const result = OBSERVE[this.config.exporter](round);
      for (const observation of result.observations) {
        if (!this.known.has(observation.member)) this.known.set(observation.member, { member: observation.member });
      }
      this.memory.deliver(sink, result);
      sink.sourceUp(this.source, true);
      this.logProblem('');
      return true;
    } catch (error) {
      sink.sourceUp(this.source, false);
      this.logProblem(`round failed: ${this.redact(error)}`);
      return false;
    }
  }

  /** Both queries at once, one deadline for the pair: a hung Prometheus costs a round at most the timeout. */
  private async query(): Promise<{ up: PromSample[]; metrics: PromSample[] }> {
    const deadline = AbortSignal.timeout(this.config.timeoutMillis);
    const timedOut = new Promise<never>((_, reject) =>
      deadline.addEventListener('abort', () => reject(new Error(`Prometheus at ${this.config.url} did not answer within ${this.config.timeoutMillis} ms`)), {
        once: true,
      }),
    );
    timedOut.catch(() => undefined);
    const [up, metrics] = await Promise.race([
      Promise.all([this.client.instantQuery(this.queries.up, deadline), this.client.instantQuery(this.queries.metrics, deadline)]),
      timedOut,
    ]);
    return { up, metrics };
  }

  private schedule(sink: ObservationSink, delayMillis: number): void {
    this.timer = setTimeout(() => void this.timedRound(sink), delayMillis);
    this.timer.unref?.();
  }

  private async timedRound(sink: ObservationSink): Promise<void> {
    if (!this.running) return;
    const startedMillis = Date.now();
    this.currentRound = this.round(sink);
    await this.currentRound;
    this.currentRound = undefined;
    const intervalMillis = this.config.intervalMillis ?? this.context.intervalMillis;
    if (this.running) this.schedule(sink, Math.max(0, intervalMillis - (Date.now() - startedMillis)));
  }

  /** Log a failure once per change, so a dead Prometheus does not flood the log. */
  private logProblem(problem: string): void {
    this.problems.note(this.config.url, problem === '' ? undefined : problem);
  }

  private redact(error: unknown): string {
    return safeMessage(error, [this.config.bearerToken?.reveal(), this.config.basicAuth?.password.reveal()]);
  }
}
