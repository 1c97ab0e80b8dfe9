/**
 * Decoding and mapping a request is synchronous CPU work. When many bodies
 * finish arriving in the same event-loop turn (16 clients at once), decoding
 * them back to back would keep /metrics, the API and the probes waiting for all
 * of them. Requests therefore take turns: one decode per event-loop turn
 * (setImmediate), so whatever else is ready is served in between.
 */
export class DecodeTurns {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves when it is this request's turn; decode synchronously right after. */
  next(): Promise<void> {
    const turn = this.tail.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.tail = turn;
    return turn;
  }
}
