/**
 * Config loading against the number of keys: a mapping of N keys, N doubling. A
 * linear loader takes about 2× per doubling; the `yaml` package's own duplicate-key
 * check (`uniqueKeys: true`, what the loader used before) takes about 4×. Both run
 * here, in the same process, so the ratios compare like with like.
 */
import { parseDocument } from 'yaml';
import { parseConfigText } from '../src/config/load';

const SIZES = [7_500, 15_000, 30_000, 60_000];
/** The old check is quadratic: stop it where one run passes this many ms. */
const OLD_CHECK_BUDGET_MILLIS = 5_000;

function configWith(keys: number): string {
  const dependencies = Array.from({ length: keys }, (_, i) => `k${i.toString(36)}: a`).join(', ');
  return `groups:\n  - name: payments\n    otlp: { members: [{ member: pay-1, dependencies: { ${dependencies} } }] }\n`;
}

function millis(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

let previous: { loader: number; old?: number } | undefined;
let oldOverBudget = false;
for (const keys of SIZES) {
  const text = configWith(keys);
  const loader = Math.min(...[0, 1, 2].map(() => millis(() => parseConfigText(text, 'bench.yaml'))));
  const old = oldOverBudget ? undefined : millis(() => parseDocument(text, { uniqueKeys: true }));
  if (old !== undefined && old > OLD_CHECK_BUDGET_MILLIS) oldOverBudget = true;
  const ratio = (now: number | undefined, before: number | undefined) => (now !== undefined && before !== undefined ? ` (×${(now / before).toFixed(1)})` : '');
  console.log(
    `${String(keys).padStart(6)} keys, ${(text.length / 1024).toFixed(0).padStart(4)} KiB: loader ${loader.toFixed(0).padStart(6)} ms${ratio(loader, previous?.loader)}` +
      `   yaml uniqueKeys:true alone ${old === undefined ? '(skipped: over budget)' : `${old.toFixed(0)} ms${ratio(old, previous?.old)}`}`,
  );
  previous = { loader, ...(old !== undefined ? { old } : {}) };
}
