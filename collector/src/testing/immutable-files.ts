import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `chattr +i` makes a file or directory unwritable even for root (who ignores
 * permission bits, so chmod cannot break a store in tests run as root). Needs
 * root and a filesystem with the attribute (ext4, xfs, btrfs; not tmpfs).
 */
export function setImmutable(paths: readonly string[], immutable: boolean): void {
  if (paths.length > 0) execFileSync('chattr', [immutable ? '+i' : '-i', ...paths], { stdio: 'pipe' });
}

/** Why `chattr +i` cannot be used in `dir`, or null when it can (for a visible skip). */
export function immutableUnsupported(dir: string): string | null {
  const probe = join(dir, '.chattr-probe');
  try {
    writeFileSync(probe, '');
    setImmutable([probe], true);
    setImmutable([probe], false);
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `chattr +i does not work in ${dir}: ${stderr || (error as Error).message}`;
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Undo `chattr +i` on everything under `dir` (cleanup, also after a failed test); never throws. */
export function clearImmutable(dir: string): void {
  try {
    execFileSync('chattr', ['-R', '-i', dir], { stdio: 'pipe' });
  } catch {
    // Nothing was made immutable, or chattr is missing: nothing to undo.
  }
}
