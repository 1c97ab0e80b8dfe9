import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free loopback port (asked of the kernel, then released for the child to take). */
export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A child process whose output is kept (for failure messages) and which is stopped by its pid. */
export class Child {
  readonly output: string[] = [];
  private readonly process: ChildProcess;
  private exited = false;

  constructor(readonly name: string, command: string, args: string[], cwd: string) {
    this.process = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.process.on('exit', () => (this.exited = true));
  }

  get running(): boolean {
    return !this.exited;
  }

  tail(lines = 30): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }

  /** Send a signal and wait for the exit, e.g. SIGKILL to simulate a crash (no shutdown hook runs). */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Poll `check` until it returns a value, or fail after `timeoutMillis` saying what was awaited. */
export async function waitFor<T>(what: string, timeoutMillis: number, check: () => Promise<T | undefined>, intervalMillis = 500): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMillis));
  }
  throw new Error(`timed out after ${timeoutMillis / 1000}s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}
