import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ThrottlingProxyOptions {
  /** Where the proxy forwards to (e.g. a Redis primary). */
  target: { host: string; port: number };
  /** Rate of the target → client direction (the replication stream), bytes per second. */
  bytesPerSecond: number;
  /** Token-bucket size: the largest burst, in bytes (default a tenth of a second's worth). */
  burstBytes?: number;
}

/** A TCP connection through the proxy: both sockets and the bytes queued toward the client. */
interface Link {
  client: Socket;
  upstream: Socket;
  queue: Buffer[];
  queuedBytes: number;
}

const TICK_MILLIS = 10;
/** Stop reading from the target once this much waits for tokens: the target's own buffers then hold the rest. */
const HIGH_WATER_BYTES = 256 * 1024;

/**
 * A loopback TCP proxy that throttles the target → client direction with a
 * token bucket, so a replica behind it catches up at a steady, known rate.
 * `hold()` stops forwarding toward the client (the link stays up, the target
 * keeps writing into its buffer for the replica); `release()` lets it drain at
 * the rate. `disconnect()` / `reconnect()` cut the link instead. The client → target direction (commands, REPLCONF ACK) is never
 * throttled. Only for tests and benchmarks.
 */
export class ThrottlingProxy {
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private timer: NodeJS.Timeout | undefined;
  private tokens: number;
  private lastRefillMillis = performance.now();
  private held = false;
  private refusing = false;
  private readonly burstBytes: number;
  private nextLink = 0;

  constructor(private readonly options: ThrottlingProxyOptions) {
    if (!(options.bytesPerSecond > 0)) throw new Error(`bytesPerSecond must be positive, got ${options.bytesPerSecond}`);
    this.burstBytes = options.burstBytes ?? Math.max(16 * 1024, options.bytesPerSecond / 10);
    this.tokens = this.burstBytes;
  }

  /** Listen on a loopback port (0: the kernel picks one); resolves with it. */
  async start(port = 0): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.timer = setInterval(() => this.pump(), TICK_MILLIS);
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('proxy has no address');
    return address.port;
  }

  /** Stop forwarding toward clients; what the target sends waits (in the proxy, then in the target). */
  hold(): void {
    this.held = true;
  }

  /**
   * Cut every connection and refuse new ones until `reconnect()`: the client
   * sees its link go down (a Redis replica then retries every second and, its
   * offset still in the primary's backlog, resumes with a partial resync).
   */
  disconnect(): void {
    this.refusing = true;
    for (const link of this.links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.links.clear();
  }

  /** Accept connections again (after `disconnect()`). */
  reconnect(): void {
    this.refusing = false;
    this.release();
  }

  /** Forward again, at the rate. */
  release(): void {
    this.held = false;
    this.lastRefillMillis = performance.now();
    this.tokens = this.burstBytes;
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const link of this.links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.links.clear();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(this.options.target.port, this.options.target.host);
    const link: Link = { client, upstream, queue: [], queuedBytes: 0 };
    this.links.add(link);
    const drop = (): void => {
      this.links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      link.queue.push(chunk);
      link.queuedBytes += chunk.length;
      if (link.queuedBytes > HIGH_WATER_BYTES) upstream.pause();
    });
  }

  /** Refill the bucket and spend it on the queued bytes, oldest link data first. */
  private pump(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burstBytes, this.tokens + ((now - this.lastRefillMillis) / 1000) * this.options.bytesPerSecond);
    this.lastRefillMillis = now;
    if (this.held) return;
    // Each pump starts at the next link, so a busy replication stream cannot starve a probe's connection.
    const links = [...this.links];
    this.nextLink = links.length === 0 ? 0 : (this.nextLink + 1) % links.length;
    for (let k = 0; k < links.length; k++) {
      const link = links[(this.nextLink + k) % links.length]!;
      while (link.queue.length > 0 && this.tokens >= 1) {
        const head = link.queue[0]!;
        const take = Math.min(head.length, Math.floor(this.tokens));
        link.client.write(take === head.length ? head : head.subarray(0, take));
        if (take === head.length) link.queue.shift();
        else link.queue[0] = head.subarray(take);
        link.queuedBytes -= take;
        this.tokens -= take;
      }
      if (link.queuedBytes <= HIGH_WATER_BYTES / 2 && link.upstream.isPaused()) link.upstream.resume();
    }
  }
}
