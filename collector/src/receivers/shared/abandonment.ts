/**
 * What a probe is told when the loop gives up on it (its timeout passed): AbortSignal's `aborted` and
 * `addEventListener('abort', …)`, without an EventTarget. One is made per node per round; an
 * AbortController cost more than parsing the node's answer (collector/bench/probes.bench.ts).
 */
export interface Abandonment {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
}

/** The loop's side of an Abandonment: `abandon()` runs the listeners once, as AbortController.abort() does. */
export class ProbeAbandonment implements Abandonment {
  aborted = false;
  private listeners: (() => void)[] | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.listeners ??= []).push(listener);
  }

  abandon(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const listener of this.listeners ?? []) {
      try {
        listener();
      } catch (error) {
        // As an EventTarget reports a throwing listener: uncaught, not swallowed, and the others still run.
        process.nextTick(() => {
          throw error;
        });
      }
    }
    this.listeners = undefined;
  }
}
