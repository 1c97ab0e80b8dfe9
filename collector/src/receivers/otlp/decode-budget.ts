import type { OtlpServerConfig } from './config';

/** Which per-request limit a request passed: each is a 413 and a reason of its own. */
export type RequestLimitReason = 'too_many_points' | 'too_many_items';

/** A request that decodes into more than the per-request limits allow: answered 413, nothing of it ingested. */
export class RequestTooBigError extends Error {
  constructor(
    readonly reason: RequestLimitReason,
    message: string,
  ) {
    super(message);
    this.name = 'RequestTooBigError';
  }
}

/**
 * What one request may decode into, counted while it is decoded: a 4 MiB body
 * of empty messages would otherwise become millions of objects (~100 MB, half a
 * second of a blocked event loop) before anything looked at it. Decoding stops
 * at the first item over a limit, so the work is bounded by the limits, not by
 * what the body could expand to.
 */
export class DecodeBudget {
  private points = 0;
  private items = 0;
  /** The limits, copied: read per decoded message, and a field of this object is one load away, the config's two. */
  private readonly maxPoints: number;
  private readonly maxItems: number;

  constructor(limits: Pick<OtlpServerConfig, 'maxPointsPerRequest' | 'maxItemsPerRequest'>) {
    this.maxPoints = limits.maxPointsPerRequest;
    this.maxItems = limits.maxItemsPerRequest;
  }

  /** A data point of any kind (number, histogram, exponential histogram, summary). */
  point(): void {
    if (++this.points > this.maxPoints) {
      throw new RequestTooBigError(
        'too_many_points',
        `request has more than ${this.maxPoints} data points (otlp.max_points_per_request); send smaller batches`,
      );
    }
  }

  /** A resource, scope, metric, data point, attribute or attribute value (in JSON: any object or array). */
  item(): void {
    if (++this.items > this.maxItems) throw this.tooManyItems();
  }

  /** `count` items at once (the JSON pre-scan). */
  addItems(count: number): void {
    this.items += count;
    if (this.items > this.maxItems) throw this.tooManyItems();
  }

  /** Items counted so far. */
  get itemCount(): number {
    return this.items;
  }

  private tooManyItems(): RequestTooBigError {
    return new RequestTooBigError(
      'too_many_items',
      `request decodes into more than ${this.maxItems} items: resources, scopes, metrics, points, attributes (otlp.max_items_per_request); send smaller batches`,
    );
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Counts the objects and arrays a JSON text would parse into, without parsing
 * it, chunk by chunk as the body arrives, and throws at the first one over the
 * budget: JSON.parse cannot be stopped halfway, so `{"resourceMetrics":[{},{},…]}`
 * is refused before it builds 1.4 M objects, and before the rest of the body
 * is even buffered. Brackets inside strings do not count. Invalid JSON is left
 * for JSON.parse to describe.
 */
export class JsonContainerCounter {
  private inString = false;
  /** The last byte was a backslash inside a string: the next one is escaped (also across chunks). */
  private escaped = false;

  constructor(private readonly budget: DecodeBudget) {}

  feed(chunk: Uint8Array): void {
    // One pass, one byte at a time: OTLP JSON is mostly short strings ("key", "value", …), where
    // a native search per string costs more than it saves.
    let inString = this.inString;
    let escaped = this.escaped;
    let count = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        // Checked in blocks, so the common case stays a few comparisons per byte.
        if (++count === 4096) {
          this.budget.addItems(count);
          count = 0;
        }
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    this.budget.addItems(count);
  }
}

/** Count a whole JSON body at once (see JsonContainerCounter). */
export function countJsonContainers(body: Uint8Array, budget: DecodeBudget): void {
  new JsonContainerCounter(budget).feed(body);
}
