import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A 1 MiB tmpfs to fill up: the "disk full" an episode store meets in
 * production, without filling the machine's disk. Needs root (mount).
 */
export class TinyFilesystem {
  private mounted = false;

  constructor(readonly dir: string) {}

  /** Why a tmpfs cannot be mounted here, or null when it can (for a visible skip). */
  static unsupported(probeDir: string): string | null {
    const probe = new TinyFilesystem(probeDir);
    try {
      probe.mount();
      return null;
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      return `a tmpfs cannot be mounted here (mount -t tmpfs needs root and a mount namespace that allows it): ${stderr || (error as Error).message}`;
    } finally {
      probe.unmount();
    }
  }

  mount(): void {
    mkdirSync(this.dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', this.dir], { stdio: 'pipe' });
    this.mounted = true;
  }

  /** Write zeros until ENOSPC. */
  fill(): void {
    const fd = openSync(join(this.dir, 'filler'), 'w');
    const chunk = Buffer.alloc(4096);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    } finally {
      closeSync(fd);
    }
  }

  free(): void {
    rmSync(join(this.dir, 'filler'), { force: true });
  }

  /** Never throws: cleanup also after a failed test. */
  unmount(): void {
    if (!this.mounted) return;
    try {
      execFileSync('umount', [this.dir], { stdio: 'pipe' });
      this.mounted = false;
    } catch {
      // Busy (a collector still running): retried by the next unmount().
    }
  }
}
