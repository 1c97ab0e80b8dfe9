import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const collector = resolve(__dirname, '../../collector');
const cli = join(collector, 'dist/cli.js');

function newestSourceMillis(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMillis(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `collector/dist/cli.js`, the file `rebound-collector` runs, rebuilt
 * (`npm run build`) when a source file is newer, so a test of the built
 * process tests the code beside it.
 */
export function builtCollectorCli(): string {
  let builtMillis = 0;
  try {
    builtMillis = statSync(cli).mtimeMs;
  } catch {
    // not built yet
  }
  if (builtMillis < newestSourceMillis(join(collector, 'src'))) {
    execFileSync(process.execPath, [join(collector, '../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: collector,
      stdio: 'inherit',
      timeout: 300_000,
    });
  }
  return cli;
}
