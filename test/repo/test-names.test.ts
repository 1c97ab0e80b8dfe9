/**
 * `npm run test:unit` runs every test file not named `*.integration.test.*` and must start no
 * server: this keeps the split honest. A unit test file that calls a harness starting Redis,
 * PostgreSQL, MariaDB, an exporter, Prometheus, Chromium or a collector process fails here,
 * naming the file and what it starts; rename it `*.integration.test.ts` (`git mv`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const repoRoot = join(__dirname, '..', '..');
const WORKSPACES = ['collector', 'dashboards', 'grafana-plugin', 'test', 'contract'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'dist-check', 'artifacts', 'coverage', '.tmp', 'test-results']);

/** The harnesses that start processes (collector/src/testing, collector/bench, test/support, test/partition, grafana-plugin/tests/browser), and the programs themselves. */
const STARTS_A_PROCESS =
  /\b(startRedis\w*|startPostgres\w*|startMariadb\w*|startExporter|start\w*(?:Collector|Process|Prometheus|Servers|Lab)|measureEtaAccuracy|launchBrowser|startPreview|openPreview|builtCollectorCli)\b|\bnew (CollectorProcess|ServerProcess|PartitionLab)\b|['"](redis-server|mariadbd|initdb|pg_ctl|chromium|docker-compose|iptables)['"]|['"](collector\/src\/)?cli\.ts['"]|collector\/dist\/cli\.js/;

function testFiles(dir: string, found: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found; // a workspace this checkout does not have
  }
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) testFiles(join(dir, entry.name), found);
    } else if (/\.test\.(ts|tsx|mjs|js)$/.test(entry.name)) {
      found.push(join(dir, entry.name));
    }
  }
  return found;
}

describe('test file names', () => {
  const files = WORKSPACES.flatMap((w) => testFiles(join(repoRoot, w))).filter((f) => f !== __filename);

  it('finds the test files of every workspace', () => {
    for (const w of ['collector', 'dashboards', 'grafana-plugin', 'test']) {
      assert.ok(
        files.some((f) => relative(repoRoot, f).startsWith(`${w}/`)),
        `no test files found under ${w}/`,
      );
    }
  });

  it('a test that starts a server or a collector process is named *.integration.test.*', () => {
    const wrong = files
      .filter((f) => !/\.integration\.test\.[a-z]+$/.test(f))
      .map((f) => ({ file: relative(repoRoot, f), starts: STARTS_A_PROCESS.exec(readFileSync(f, 'utf8'))?.[0] }))
      .filter((x) => x.starts !== undefined)
      .map((x) => `${x.file} (${x.starts})`);
    assert.deepEqual(wrong, [], `run by npm run test:unit, yet they start a process: rename them *.integration.test.*`);
  });
});
