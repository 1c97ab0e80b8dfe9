import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free loopback port (asked of the kernel, then released for the server to take). */
export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no spare port'))));
    });
  });
}

/**
 * Poll `check` until it returns a value (not `undefined`, `null` or `false`: a predicate
 * works as well as a finder), or fail after `timeoutMillis` saying what was awaited.
 * The one waitFor of the repository (the test workspace re-exports it).
 */
export async function waitFor<T>(
  what: string,
  timeoutMillis: number,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  intervalMillis = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMillis));
  }
  throw new Error(`timed out after ${timeoutMillis / 1000}s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/**
 * A server process started by a test: output kept for failure messages, stopped
 * by its own pid (never by name), pausable with SIGSTOP to play a hung node.
 */
export class ServerProcess {
  private readonly output: string[] = [];
  private readonly child: ChildProcess;
  private exited = false;
  private paused = false;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    cwd: string,
    /** `withChildren`: pause()/resume() also reach the server's child processes (PostgreSQL backends). */
    private readonly options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv; stopSignal?: NodeJS.Signals; withChildren?: boolean } = {},
  ) {
    const ids = options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {};
    this.child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, ...ids });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('exit', () => (this.exited = true));
    this.child.on('error', (error) => {
      this.output.push(`spawn failed: ${error.message}`);
      this.exited = true;
    });
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Last lines of the server's output, to explain a failed start. */
  tail(lines = 20): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }

  /** SIGSTOP: the kernel still accepts connections, the server never answers (a hung node). */
  pause(): void {
    if (this.exited || this.paused) return;
    this.signalAll('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (this.exited || !this.paused) return;
    this.signalAll('SIGCONT');
    this.paused = false;
  }

  /** The server and, with `withChildren`, its direct children (PostgreSQL backends each run in their own session). */
  private signalAll(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (!this.options.withChildren || pid === undefined) {
      this.child.kill(signal);
      return;
    }
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    // Stop the parent first so it forks no new child meanwhile; continue it last.
    const order = signal === 'SIGCONT' ? [...children, pid] : [pid, ...children];
    for (const target of order) {
      try {
        process.kill(target, signal);
      } catch {
        // The child exited meanwhile.
      }
    }
  }

  /** The stop signal (SIGTERM unless set; SIGINT is PostgreSQL's fast shutdown), SIGKILL after `graceMillis`. */
  async stop(graceMillis = 5_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.resume();
    this.child.kill(this.options.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMillis);
    await exited;
    clearTimeout(timer);
  }
}
