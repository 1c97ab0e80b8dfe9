import { getHeapStatistics } from 'node:v8';
import { MEMORY_RECOVER_RATIO } from './config';

/**
 * Bytes the limiter watches: the V8 heap in use plus memory held by Buffers
 * (request bodies): process.memoryUsage()'s heapUsed + external, read from V8
 * directly, which skips the RSS lookup.
 */
export function heapAndBuffersBytes(): number {
  const { used_heap_size: heapUsed, external_memory: external } = getHeapStatistics();
  return heapUsed + external;
}

/** Memory is read at most this often: process.memoryUsage() is cheap but not free at thousands of requests a second. */
export const MEMORY_SAMPLE_EVERY_MILLIS = 50;

export interface MemoryLimiterOptions {
  /** `otlp.memory_limit`: refuse at or above this many bytes. */
  limitBytes: number;
  /** Current bytes; heapAndBuffersBytes unless a test passes a fake. */
  readBytes?: () => number;
  /** A monotonic clock in milliseconds; performance.now unless a test passes a fake. */
  now?: () => number;
}

/**
 * In the spirit of the OpenTelemetry Collector's memory_limiter: at or above
 * the limit, OTLP work is refused (503 + Retry-After, so senders back off and
 * retry instead of the collector growing until the kernel kills it and every
 * group's state with it); below MEMORY_RECOVER_RATIO of the limit it is taken
 * again. The gap keeps it from flapping at the line. Heap plus Buffers, not
 * RSS: it falls as soon as garbage is collected, where RSS lags and could keep
 * the receiver refusing long after memory is free.
 */
export class MemoryLimiter {
  private limited = false;
  private sampledAt = -Infinity;
  private lastBytes = 0;
  private readonly readBytes: () => number;
  private readonly now: () => number;

  constructor(private readonly options: MemoryLimiterOptions) {
    this.readBytes = options.readBytes ?? heapAndBuffersBytes;
    this.now = options.now ?? (() => performance.now());
  }

  /** True while requests are to be refused; re-reads memory when the last reading is older than MEMORY_SAMPLE_EVERY_MILLIS. */
  refusing(): boolean {
    const now = this.now();
    if (now - this.sampledAt >= MEMORY_SAMPLE_EVERY_MILLIS) {
      this.sampledAt = now;
      this.lastBytes = this.readBytes();
      const { limitBytes } = this.options;
      if (this.limited) this.limited = this.lastBytes >= limitBytes * MEMORY_RECOVER_RATIO;
      else this.limited = this.lastBytes >= limitBytes;
    }
    return this.limited;
  }

  /** The last reading, for the refusal message and the log. */
  get bytes(): number {
    return this.lastBytes;
  }
}
