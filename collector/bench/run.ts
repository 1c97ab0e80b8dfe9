/**
 * `npm run bench`: runs every `*.bench.ts` beside this file, one process each
 * (so one benchmark's heap does not skew another's memory figures), and lets
 * them print their own numbers. `npm run bench -- NAME` runs the ones whose file
 * name contains NAME; `npm run bench -- --scale` runs the exposition benchmark's
 * sweep over fleet sizes instead (1k → 50k groups).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const scale = process.argv.includes('--scale');
const only = scale ? 'exposition' : process.argv.slice(2).find((arg) => !arg.startsWith('--'));
const files = readdirSync(__dirname)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => !only || name.includes(only))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, file), ...(scale ? ['--scale'] : [])], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
if (failed > 0) {
  console.error(`${failed} benchmark(s) failed`);
  process.exit(1);
}
