/** A node's problem as the change logger sees it: undefined when it has none. */
export interface ProblemChange {
  /** Whose problem: a node's member name (the probes), the Prometheus URL. */
  key: string;
  problem: string | undefined;
  /** The problem logged before this one (undefined: none, or never logged). */
  previous: string | undefined;
}

/**
 * The receivers' change logger: each node's problem is logged once per change (a dead node
 * logs once, not every round; its recovery once too), by `log`, which says it in the
 * receiver's words. A node first seen healthy logs nothing.
 */
export class ProblemLog {
  private readonly last = new Map<string, string>();

  constructor(private readonly log: (change: ProblemChange) => void) {}

  /** `key`'s problem this round (undefined: none); logged when it differs from the last one. */
  note(key: string, problem: string | undefined): void {
    const previous = this.last.get(key);
    if (previous === problem) return;
    if (problem === undefined) this.last.delete(key);
    else this.last.set(key, problem);
    this.log({ key, problem, previous });
  }
}
