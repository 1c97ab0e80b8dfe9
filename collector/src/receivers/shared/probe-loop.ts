import type { Logger } from '../../logger';
import type { ObservationSink, ReceiverContext } from '../receiver';
import { RetryBackoff } from './backoff';
import { ProbeAbandonment, type Abandonment } from './abandonment';
import { safeMessage } from './errors';
import { ProbeTimeoutError, withTimeout } from './timeout';

/**
 * The probe schedule of the probing receivers (redis, postgresql, mysql). Every
 * interval (measured from each round's start) it probes every node
 * concurrently, each under its own timeout, and hands the round to the
 * receiver (lag needs the leader's answer of the same round), then reports
 * `recovery_source_up`. Each receiver owns one loop, so a slow group never
 * delays another.
 *
 * A hung node never ages its group-mates: a timed round waits for its
 * slowest node at most `roundPatienceMillis` (a quarter interval, at most the
 * timeout), then delivers what answered; a node answering later is delivered
 * as it arrives (while its round is the newest), and the next round starts on
 * time without waiting for a probe still hanging. So the healthy nodes are
 * observed every interval, and nodes are only ever compared within one round.
 *
 * Retries, the same for every receiver (why: see each case):
 * - answered: probed again next round; its backoff is reset.
 * - refused (nothing listens, no route, the server is starting or stopping):
 *   probed again every round, never backed off. A refusal is cheap and is itself
 *   an observation (`unreachable`); backing off would let the member turn
 *   `unknown` and would delay seeing it come back, which is what we measure.
 * - timed out or failed otherwise (auth, TLS, protocol): the n-th failure in a
 *   row waits interval × 2ⁿ⁻¹, capped by the max backoff, drawn from 50–100 %
 *   (jitter), counted from the start of the failed round, and is made at the
 *   first round within half an interval of it. So a blip is retried the next
 *   round, and a hung or misconfigured node is not hammered.
 * - a probe still outstanding after its timeout: the node is not probed again
 *   until it ends (no pile of connections to a hung node); `abandoned` fires so
 *   the receiver drops the connection, which makes it end.
 */

/** How one node's probe ended in a round. Every `error` has the node's secrets masked. */
export type ProbeOutcome<Answer> =
  | { kind: 'answered'; answer: Answer; atMillis: number }
  /** The node answered that it is not there (connection refused, host unreachable): it is down. */
  | { kind: 'refused'; error: string; atMillis: number }
  /** No answer within the timeout: we cannot tell, so the round holds no observation of it. */
  | { kind: 'timeout'; error: string; atMillis: number }
  /** Any other failure (auth, protocol, permission): we cannot tell either. */
  | { kind: 'failed'; error: string; atMillis: number }
  /** Not probed this round: backing off after failures, or its last probe still hangs. */
  | { kind: 'backing-off'; retryAtMillis: number };

export interface ProbeLoopOptions<Node, Answer> {
  /** The receiver's source, `redis/<group>`: the `recovery_source_up{source}` label and the log prefix. */
  source: string;
  nodes: readonly Node[];
  intervalMillis: number;
  /** Per-node timeout of one probe (connect and queries, retries included). */
  timeoutMillis: number;
  /** Longest wait between retries of a failing node; never below one interval. */
  maxBackoffMillis: number;
  /** The node as named in a timeout, without secrets: `pg-2 (postgres://monitor:***@10.0.0.2:5432/postgres)`. */
  describe(node: Node): string;
  /** Probe one node. `abandoned` fires when its timeout passed: drop the connection so the probe ends. */
  probe(node: Node, abandoned: Abandonment): Promise<Answer>;
  /** Sort a failure into refused (the node is down) or failed (we cannot tell). */
  isRefusal(error: unknown): boolean;
  /** Secrets a driver may echo back in this node's errors (passwords, URLs): masked in every outcome. */
  secretsOf(node: Node): readonly (string | undefined)[];
  /** Turn one round's outcomes (in the order of `nodes`) into observations on `sink`. */
  observeRound(sink: ObservationSink, outcomes: readonly ProbeOutcome<Answer>[]): void;
  logger: Logger;
  now?: () => number;
  /** 0..1, for the jitter; tests pass a fixed one. */
  random?: () => number;
}

/** The settings every probing receiver takes from its config and context: its own interval, else the collector's. */
export function probeScheduleOf<Node>(
  config: { nodes: readonly Node[]; intervalMillis?: number; timeoutMillis: number; maxBackoffMillis: number },
  context: ReceiverContext,
): Pick<ProbeLoopOptions<Node, unknown>, 'nodes' | 'intervalMillis' | 'timeoutMillis' | 'maxBackoffMillis' | 'logger' | 'now'> {
  const { nodes, timeoutMillis, maxBackoffMillis } = config;
  return { nodes, intervalMillis: config.intervalMillis ?? context.intervalMillis, timeoutMillis, maxBackoffMillis, logger: context.logger, now: context.now };
}

interface NodeSchedule {
  backoff: RetryBackoff;
  /** A probe still outstanding (even after its timeout): never start a second one beside it. */
  inFlight: boolean;
  /** A probe whose outcome is not in yet (its timeout has not passed): a round started meanwhile waits for it. */
  awaiting: boolean;
}

/** One timed round: each node's outcome, which are still to come, and whether it was delivered once. */
interface TimedRound<Answer> {
  outcomes: ProbeOutcome<Answer>[];
  pending: boolean[];
  delivered: boolean;
}

/** How long a timed round waits for its slowest node before delivering what answered. */
export function roundPatienceMillis(intervalMillis: number, timeoutMillis: number): number {
  return Math.min(timeoutMillis, intervalMillis / 4);
}

export class ProbeLoop<Node, Answer> {
  private readonly schedules: NodeSchedule[];
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Probes of timed rounds still running (stragglers included): stop() waits for them. */
  private readonly inProgress = new Set<Promise<unknown>>();
  /** The newest timed round: a probe ending late fills its node's slot here if that slot still waits for it. */
  private current: TimedRound<Answer> | undefined;
  /** The kind of each node's last ended probe: whether a node still pending counts toward the source being up. */
  private readonly lastEnded: (ProbeOutcome<Answer>['kind'] | undefined)[];

  constructor(private readonly options: ProbeLoopOptions<Node, Answer>) {
    const backoff = { initialMillis: options.intervalMillis, maxMillis: Math.max(options.intervalMillis, options.maxBackoffMillis) };
    this.schedules = options.nodes.map(() => ({ backoff: new RetryBackoff({ ...backoff, random: options.random }), inFlight: false, awaiting: false }));
    this.lastEnded = options.nodes.map(() => undefined);
    this.now = options.now ?? Date.now;
  }

  /** Probe every interval, reporting to `sink`; the first round runs at once. */
  start(sink: ObservationSink): void {
    if (this.running) return;
    this.running = true;
    this.schedule(sink, 0);
  }

  /** Stop scheduling and wait for the probes in progress (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inProgress]);
  }

  /**
   * Run one round now, waiting for every node (a hung one: its timeout), and
   * report it to `sink`: its observations, then whether the source answered
   * (every node answered or refused). A bug while observing reports the
   * source down, never silence. Benchmarks and tests drive rounds with this.
   */
  async round(sink: ObservationSink): Promise<ProbeOutcome<Answer>[]> {
    const roundStartMillis = this.now();
    const outcomes = await Promise.all(this.options.nodes.map((node, i) => this.probeNode(node, this.schedules[i]!, roundStartMillis)));
    outcomes.forEach((outcome, i) => (this.lastEnded[i] = outcome.kind));
    this.deliver(sink, { outcomes, pending: outcomes.map(() => false), delivered: true });
    return outcomes;
  }

  /**
   * The round's observations, then `recovery_source_up`: up when every node
   * answered or refused — a node still pending counts as its last probe did
   * (so a slow node does not flap the source; before its first probe ended,
   * nothing is said), and is not observed yet.
   */
  private deliver(sink: ObservationSink, round: TimedRound<Answer>): void {
    const kinds = round.outcomes.map((outcome, i) => (round.pending[i] ? this.lastEnded[i] : outcome.kind));
    try {
      this.options.observeRound(sink, round.outcomes);
      // A node not heard from since start: say nothing yet (its timeout bounds the wait), rather than flap down.
      if (kinds.includes(undefined)) return;
      sink.sourceUp(
        this.options.source,
        kinds.every((kind) => kind === 'answered' || kind === 'refused'),
      );
    } catch (error) {
      sink.sourceUp(this.options.source, false);
      this.roundFailed(error);
    }
  }

  private schedule(sink: ObservationSink, delayMillis: number): void {
    this.timer = setTimeout(() => void this.timedRound(sink), delayMillis);
    // The collector's servers keep the process alive; a probe timer alone must not.
    this.timer.unref?.();
  }

  /** One round on the timer: delivered once every node ended or the patience ran out; late nodes follow as they end. */
  private async timedRound(sink: ObservationSink): Promise<void> {
    if (!this.running) return;
    const startedMillis = Date.now();
    const roundStartMillis = this.now();
    const nodes = this.options.nodes;
    // Until a node's probe ends it has nothing to say this round.
    const round: TimedRound<Answer> = {
      outcomes: nodes.map(() => ({ kind: 'backing-off', retryAtMillis: roundStartMillis })),
      pending: nodes.map(() => true),
      delivered: false,
    };
    this.current = round;
    const probes = nodes.map(async (node, i) => {
      // A probe of an earlier round still within its timeout: its end fills this round's slot (see ended()).
      const awaited = this.schedules[i]!.awaiting;
      const outcome = await this.probeNode(node, this.schedules[i]!, roundStartMillis);
      if (!awaited) this.ended(sink, round, i, outcome);
    });
    const all = Promise.all(probes).catch((error: unknown) => this.roundFailed(error));
    this.inProgress.add(all);
    void all.finally(() => this.inProgress.delete(all));
    let patience: NodeJS.Timeout | undefined;
    await Promise.race([
      all,
      new Promise((resolve) => (patience = setTimeout(resolve, roundPatienceMillis(this.options.intervalMillis, this.options.timeoutMillis)))),
    ]);
    clearTimeout(patience);
    round.delivered = true;
    this.deliver(sink, round);
    if (this.running) this.schedule(sink, Math.max(0, this.options.intervalMillis - (Date.now() - startedMillis)));
  }

  /** A node's probe of `round` ended: it goes into that round, or into a newer one that waits for it. */
  private ended(sink: ObservationSink, round: TimedRound<Answer>, i: number, outcome: ProbeOutcome<Answer>): void {
    this.lastEnded[i] = outcome.kind;
    // An older round's probe ending late: the newest round started while it ran, and waits for it.
    const target = round === this.current ? round : this.current;
    if (target === undefined || !target.pending[i]) return;
    target.outcomes[i] = outcome;
    target.pending[i] = false;
    // Delivered already (patience ran out): deliver again as it arrives, while its round is the newest.
    if (target.delivered && target === this.current) this.deliver(sink, target);
  }

  private roundFailed(error: unknown): void {
    const secrets = this.options.nodes.flatMap((node) => this.options.secretsOf(node));
    this.options.logger.error(`${this.options.source}: probe round failed`, { error: safeMessage(error, secrets) });
  }

  private async probeNode(node: Node, schedule: NodeSchedule, roundStartMillis: number): Promise<ProbeOutcome<Answer>> {
    // Rounds come every interval: a retry due within half of one is made now, not a whole round later.
    if (schedule.inFlight || !schedule.backoff.mayAttempt(roundStartMillis + this.options.intervalMillis / 2)) {
      return { kind: 'backing-off', retryAtMillis: schedule.backoff.nextAttemptMillis };
    }
    schedule.inFlight = true;
    schedule.awaiting = true;
    const abandon = new ProbeAbandonment();
    // A probe that throws at once must fail this attempt, not leave the node in flight forever.
    const attempt = new Promise<Answer>((resolve) => resolve(this.options.probe(node, abandon)));
    // The attempt may outlive its timeout (a hung socket); it frees the node only when it really ends.
    const free = (): void => void (schedule.inFlight = false);
    attempt.then(free, free);
    try {
      const answer = await withTimeout(attempt, this.options.timeoutMillis, this.options.describe(node)).finally(() => (schedule.awaiting = false));
      schedule.backoff.succeeded();
      return { kind: 'answered', answer, atMillis: this.now() };
    } catch (cause) {
      const atMillis = this.now();
      const error = safeMessage(cause, this.options.secretsOf(node));
      if (cause instanceof ProbeTimeoutError) {
        abandon.abandon();
        schedule.backoff.failed(roundStartMillis);
        return { kind: 'timeout', error, atMillis };
      }
      if (this.options.isRefusal(cause)) {
        schedule.backoff.succeeded();
        return { kind: 'refused', error, atMillis };
      }
      schedule.backoff.failed(roundStartMillis);
      return { kind: 'failed', error, atMillis };
    }
  }
}
