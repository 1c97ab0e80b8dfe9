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
 * Count the objects and arrays a JSON text would parse into, without parsing
 * it, stopping as soon as the budget is passed: JSON.parse cannot be stopped
 * halfway, so `{"resourceMetrics":[{},{},…]}` is refused before it builds 1.4 M
 * objects. Brackets inside strings do not count. Invalid JSON is left for
 * JSON.parse to describe.
 */
export function countJsonContainers(body: Uint8Array, budget: DecodeBudget): void {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === QUOTE) {
      i = endOfString(bytes, i);
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      // Checked in blocks, so the common case stays one comparison per byte.
      if (++count === 4096) {
        budget.addItems(count);
        count = 0;
      }
    }
  }
  budget.addItems(count);
}

/** Index of the quote closing the string opened at `start` (native search: most of an OTLP body is strings). */
function endOfString(bytes: Buffer, start: number): number {
  let at = start;
  for (;;) {
    at = bytes.indexOf(QUOTE, at + 1);
    if (at < 0) return bytes.length;
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
