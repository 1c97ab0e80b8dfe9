import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { sparePort } from './processes';

/**
 * A TCP relay on a spare loopback port in front of one server, whose traffic
 * can be cut and healed: a replication link through it can be partitioned on
 * loopback, without network namespaces. Cut, nothing passes either way and the
 * connections stay open (like an iptables DROP: each end only notices by its
 * own timeout); new connections are accepted and held silent. Healed, what was
 * held flows again.
 */
export class CuttableLink {
  private readonly connections = new Set<Relay>();
  private isCut = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<CuttableLink> {
    const port = await sparePort();
    const server = createServer();
    const link = new CuttableLink(server, port);
    server.on('connection', (client) => link.relay(client, createConnection({ host: targetHost, port: targetPort })));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return link;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get cut(): boolean {
    return this.isCut;
  }

  /** Stop every byte, both ways, on open and new connections. */
  sever(): void {
    this.isCut = true;
  }

  /** Let bytes pass again, the held ones first. */
  heal(): void {
    this.isCut = false;
    for (const relay of this.connections) relay.flush();
  }

  async close(): Promise<void> {
    for (const relay of this.connections) relay.destroy();
    this.connections.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, upstream: Socket): void {
    const relay = new Relay(client, upstream, () => this.isCut);
    this.connections.add(relay);
    relay.onEnd = () => this.connections.delete(relay);
  }
}

/** One relayed connection: bytes arriving while the link is cut are held, not passed. */
class Relay {
  onEnd: () => void = () => {};
  private readonly held: [Socket, Buffer][] = [];
  private closedWhileCut = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly isCut: () => boolean,
  ) {
    client.on('data', (chunk: Buffer) => this.pass(upstream, chunk));
    upstream.on('data', (chunk: Buffer) => this.pass(client, chunk));
    for (const socket of [client, upstream]) socket.on('close', () => this.ended()).on('error', () => this.ended());
  }

  flush(): void {
    for (const [to, chunk] of this.held.splice(0)) if (!to.destroyed) to.write(chunk);
    if (this.closedWhileCut) this.destroy();
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.onEnd();
  }

  /** One end closed. While cut, the other end must not hear of it (a dropped FIN): it finds out by its own timeout, or at heal. */
  private ended(): void {
    if (this.isCut()) this.closedWhileCut = true;
    else this.destroy();
  }

  private pass(to: Socket, chunk: Buffer): void {
    if (this.isCut()) this.held.push([to, chunk]);
    else if (!to.destroyed) to.write(chunk);
  }
}
