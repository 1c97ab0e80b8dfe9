/**
 * Shared scheduling for probing receivers (redis, postgresql): every interval,
 * probe every node concurrently, each under its own timeout, then hand the whole
 * round to the receiver (it needs the leader's answer of the same round to
 * compute lag). A node that timed out or failed is retried with exponential
 * backoff and jitter, so a hung or misconfigured node is not hammered and never
 * delays the others by more than the per-node timeout. A node that refuses the
 * connection is asked again every round (a cheap, clear answer: it is down).
 */

/** How one node's probe ended in a round. */
export type ProbeOutcome<Answer> =
  | { kind: 'answered'; answer: Answer; atMillis: number }
  /** The node answered that it is not there (connection refused, host unreachable): it is down. */
  | { kind: 'refused'; error: string; atMillis: number }
  /** No answer within the timeout: we cannot tell, so the round holds no observation of it. */
  | { kind: 'timeout'; atMillis: number }
  /** Any other failure (auth, protocol, permission): we cannot tell either. */
  | { kind: 'failed'; error: string; atMillis: number }
  /** Not probed this round: still backing off after failures. */
  | { kind: 'backing-off'; retryAtMillis: number };

export interface ProbeLoopOptions<Node, Answer> {
  nodes: readonly Node[];
  intervalMillis: number;
  /** Per-node timeout of one probe. */
  timeoutMillis: number;
  /** Longest wait between retries of a failing node. */
  maxBackoffMillis: number;
  /** Probe one node. Must reject (not hang forever) when it can; the loop's timeout covers hangs. */
  probe(node: Node): Promise<Answer>;
  /** Sort a failure into refused (the node is down) or failed (we cannot tell). */
  isRefusal(error: unknown): boolean;
  /** Called after a timeout, so the receiver drops the connection that hangs. */
  abandon(node: Node): void;
  /** Called once per round with every node's outcome, in the order of `nodes`. Must not throw. */
  onRound(outcomes: ProbeOutcome<Answer>[]): void;
  now?: () => number;
  /** 0..1, for the jitter; tests pass a fixed one. */
  random?: () => number;
}

/** Delay before the next attempt after `failures` consecutive failures: exponential, capped, with jitter in [50 %, 100 %]. */
export function backoffMillis(failures: number, baseMillis: number, maxMillis: number, random: number): number {
  const exponential = Math.min(maxMillis, baseMillis * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.5 + 0.5 * random));
}

interface NodeSchedule {
  failures: number;
  retryAtMillis: number;
  /** A probe still outstanding after its timeout: never start a second one beside it. */
  inFlight: boolean;
}

export class ProbeLoop<Node, Answer> {
  private readonly schedules: NodeSchedule[];
  private readonly now: () => number;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private currentRound: Promise<void> | undefined;

  constructor(private readonly options: ProbeLoopOptions<Node, Answer>) {
    this.schedules = options.nodes.map(() => ({ failures: 0, retryAtMillis: 0, inFlight: false }));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Start probing; the first round runs at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stop scheduling and wait for the round in progress (bounded by the timeout). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.currentRound;
  }

  /** Run one round now and return its outcomes (also handed to onRound). */
  async round(): Promise<ProbeOutcome<Answer>[]> {
    const outcomes = await Promise.all(this.options.nodes.map((node, i) => this.probeNode(node, this.schedules[i]!)));
    this.options.onRound(outcomes);
    return outcomes;
  }

  private schedule(delayMillis: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const startedMillis = this.now();
      this.currentRound = this.round().then(
        () => undefined,
        () => undefined,
      );
      void this.currentRound.then(() => this.schedule(Math.max(0, startedMillis + this.options.intervalMillis - this.now())));
    }, delayMillis);
  }

  private async probeNode(node: Node, schedule: NodeSchedule): Promise<ProbeOutcome<Answer>> {
    const startMillis = this.now();
    if (schedule.inFlight || startMillis < schedule.retryAtMillis) {
      return { kind: 'backing-off', retryAtMillis: schedule.retryAtMillis };
    }
    schedule.inFlight = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.timeoutMillis);
    });
    const attempt = this.options.probe(node).then(
      (answer) => ({ ok: true as const, answer }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // The attempt may outlive its timeout (a hung socket); it frees the slot only when it really ends.
    void attempt.then(() => {
      schedule.inFlight = false;
    });
    const result = await Promise.race([attempt, timedOut]);
    clearTimeout(timer);
    const atMillis = this.now();
    if (result === 'timeout') {
      this.options.abandon(node);
      this.failed(schedule, atMillis);
      return { kind: 'timeout', atMillis };
    }
    if (result.ok) {
      schedule.failures = 0;
      schedule.retryAtMillis = 0;
      return { kind: 'answered', answer: result.answer, atMillis };
    }
    const error = result.error instanceof Error ? result.error.message : String(result.error);
    if (this.options.isRefusal(result.error)) {
      // A refusal is a clear, cheap answer: ask again next round, so the member stays
      // `unreachable` instead of turning `unknown` while we back off.
      schedule.failures = 0;
      schedule.retryAtMillis = 0;
      return { kind: 'refused', error, atMillis };
    }
    this.failed(schedule, atMillis);
    return { kind: 'failed', error, atMillis };
  }

  private failed(schedule: NodeSchedule, atMillis: number): void {
    schedule.failures += 1;
    // The first failure retries on the next round; later ones wait exponentially longer.
    const delay = schedule.failures === 1 ? 0 : backoffMillis(schedule.failures - 1, this.options.intervalMillis, this.options.maxBackoffMillis, this.random());
    schedule.retryAtMillis = atMillis + delay;
  }
}
/** Mask a secret wherever it appears in a text bound for logs or errors (a driver may echo it back). */
export function redactSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length === 0) return text;
  return text.split(secret).join('***');
}
