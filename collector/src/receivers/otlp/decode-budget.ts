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

  constructor(private readonly limits: Pick<OtlpServerConfig, 'maxPointsPerRequest' | 'maxItemsPerRequest'>) {}

  /** A data point of any kind (number, histogram, exponential histogram, summary). */
  point(): void {
    if (++this.points > this.limits.maxPointsPerRequest) {
      throw new RequestTooBigError('too_many_points', `request has more than ${this.limits.maxPointsPerRequest} data points (otlp.max_points_per_request); send smaller batches`);
    }
  }

  /** A resource, scope, metric, data point, attribute or attribute value (in JSON: any object or array). */
  item(): void {
    if (++this.items > this.limits.maxItemsPerRequest) throw this.tooManyItems();
  }

  /** `count` items at once (the JSON pre-scan). */
  addItems(count: number): void {
    this.items += count;
    if (this.items > this.limits.maxItemsPerRequest) throw this.tooManyItems();
  }

  /** Items counted so far. */
  get itemCount(): number {
    return this.items;
  }

  private tooManyItems(): RequestTooBigError {
    return new RequestTooBigError(
      'too_many_items',
      `request decodes into more than ${this.limits.maxItemsPerRequest} items: resources, scopes, metrics, points, attributes (otlp.max_items_per_request); send smaller batches`,
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
  /** The previous chunk ended on a backslash inside a string: the next byte is escaped. */
  private escaped = false;

  constructor(private readonly budget: DecodeBudget) {}

  feed(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let count = 0;
    let i = 0;
    if (this.escaped) {
      this.escaped = false;
      i = 1;
    }
    for (; i < bytes.length; i++) {
      if (this.inString) {
        const end = endOfString(bytes, i);
        if (end < 0) {
          // The string goes on in the next chunk; remember a trailing unescaped backslash.
          this.escaped = trailingBackslashes(bytes, bytes.length, i) % 2 === 1;
          break;
        }
        this.inString = false;
        i = end;
        continue;
      }
      const byte = bytes[i]!;
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        // Checked in blocks, so the common case stays one comparison per byte.
        if (++count === 4096) {
          this.budget.addItems(count);
          count = 0;
        }
      }
    }
    this.budget.addItems(count);
  }
}

/** Count a whole JSON body at once (see JsonContainerCounter). */
export function countJsonContainers(body: Uint8Array, budget: DecodeBudget): void {
  new JsonContainerCounter(budget).feed(body);
}

/** Index of the quote closing a string whose content starts at `from`, or -1 if not in these bytes (native search: most of an OTLP body is strings). */
function endOfString(bytes: Buffer, from: number): number {
  let at = from - 1;
  for (;;) {
    at = bytes.indexOf(QUOTE, at + 1);
    if (at < 0) return -1;
    if (trailingBackslashes(bytes, at, from) % 2 === 0) return at;
  }
}

/** Backslashes right before `end`, not looking before `from` (an odd number escapes what follows). */
function trailingBackslashes(bytes: Buffer, end: number, from: number): number {
  let n = 0;
  while (end - 1 - n >= from && bytes[end - 1 - n] === BACKSLASH) n++;
  return n;
}
