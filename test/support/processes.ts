import { spawn, type ChildProcess } from 'node:child_process';

// One implementation of the port and polling helpers for every test, the collector's.
export { sparePort, waitFor } from '@rebound/collector/testing';

/** A child process whose output is kept (for failure messages) and which is stopped by its pid. */
export class Child {
  readonly output: string[] = [];
  private readonly process: ChildProcess;
  private exited = false;
  /** The exit code once exited (null when killed by a signal). */
  exitCode: number | null = null;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    cwd: string,
  ) {
    this.process = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.process.on('exit', (code) => {
      this.exited = true;
      this.exitCode = code;
    });
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

  /** Send a signal without waiting for an exit, e.g. SIGHUP to make Prometheus reload its config. */
  signal(signal: NodeJS.Signals): void {
    if (!this.exited) this.process.kill(signal);
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
