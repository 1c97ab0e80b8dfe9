/**
 * Nothing outside the contract spells a metric name: a `recovery_…` name in a string, template or
 * regular-expression literal of the repository's code, or anywhere in its data files, must be in
 * one of the places below, each with its reason. Comments and Markdown may name metrics (they are
 * docs); family wildcards such as `recovery_member_*` are not names. A new file that needs a
 * name imports it from @rebound/contract instead; a rename then reaches every part at once.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { literalsOf } from './literals';

const ROOT = join(__dirname, '../..');

/** A whole metric or recording-rule name; `recovery_member_*` (a family wildcard) is not one. */
const NAME = /recovery_[a-z_]+(?![a-z_*])/g;

/** Where a `recovery_…` literal may be, and why. Paths are exact or end in `/` (a folder). */
const ALLOWED: ReadonlyArray<{ paths: readonly string[]; reason: string }> = [
  { paths: ['contract/'], reason: 'the contract itself: the definitions and their tests' },
  {
    paths: ['dashboards/grafana/', 'dashboards/prometheus/recovery-alerts.yml', 'dashboards/prometheus/recovery-slo.yml'],
    reason: 'generated from the contract by `npm run generate -w @rebound/dashboards` (generate.test.ts keeps them current)',
  },
  {
    paths: ['dashboards/prometheus/tests/'],
    reason: "promtool test cases: synthetic input series in Prometheus' own YAML syntax, which cannot import",
  },
  {
    paths: ['grafana-plugin/provisioning/dashboards/recovery-panel.json'],
    reason: "the plugin's development dashboard (Grafana JSON); plugin.test.ts checks its queries against the contract",
  },
  {
    paths: ['collector/src/engine/testdata/'],
    reason: 'golden files of the engine scenarios: the counters by the names they are exported under',
  },
  {
    paths: [
      'collector/src/exporters/prometheus/prometheus-exporter.test.ts',
      'collector/src/exporters/prometheus/exposition-equivalence.test.ts',
      'collector/src/exporters/prometheus/finding-series.test.ts',
      'collector/src/exporters/otlp/otlp-exporter.test.ts',
      'collector/src/exporters/permission-difference-series.test.ts',
      'collector/src/api/http-server.test.ts',
      'collector/src/collector.test.ts',
      'collector/src/api/maintenance-api.test.ts',
      'collector/src/receivers/otlp/member-expiry.test.ts',
      'collector/src/receivers/prometheus/permissions-not-observed.test.ts',
      'collector/src/receivers/prometheus/postgres-exporter.integration.test.ts',
      'collector/src/receivers/prometheus/redis-exporter.integration.test.ts',
      'collector/src/receivers/redis/redis.integration.test.ts',
      'test/collector/ha-pair.integration.test.ts',
      'test/collector/restart.integration.test.ts',
      'test/collector/secrets-never-leak.integration.test.ts',
      'test/collector/shutdown.integration.test.ts',
      'test/collector/store-outage.integration.test.ts',
      'test/collector/store-startup.integration.test.ts',
    ],
    reason:
      'tests that assert on the exposition text of /metrics (exact lines, regular expressions over it): spelled out so that ' +
      'renaming a metric in the contract, a contract change that needs a migration note, fails them',
  },
  {
    paths: [
      'grafana-plugin/src/__fixtures__/grafana-frames.ts',
      'grafana-plugin/src/model/panel-model.test.ts',
      'grafana-plugin/src/model/series.test.ts',
      'grafana-plugin/tests/preview/scrape-history.test.mjs',
    ],
    reason: 'inputs in the wire format the panel receives (frames captured from Grafana, exposition text for the preview)',
  },
  {
    paths: [
      'grafana-plugin/src/components/RecoveryPanel.test.tsx',
      'grafana-plugin/src/components/RecoveryPanel.query-hints.test.tsx',
      'grafana-plugin/src/model/query-hints.test.ts',
      'grafana-plugin/tests/browser/preview.integration.test.mjs',
    ],
    reason: 'assert the words the panel shows a user ("No recovery_group_phase series: …")',
  },
  {
    paths: ['dashboards/src/dashboards/dashboards.test.ts'],
    reason: 'parses the generated PromQL for metric and record names (patterns, not names) and checks them against the contract',
  },
];

const CODE = /\.(ts|tsx|js|mjs|cjs)$/;
/** Docs and binaries: Markdown may name metrics; images cannot. */
const NOT_SCANNED = /\.(md|png|svg|jpg|ico|zip)$/;

function allowed(path: string): boolean {
  return ALLOWED.some(({ paths }) => paths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p)));
}

function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch (error) {
    throw new Error(`this test lists the repository's files with git (run it in a clone): ${(error as Error).message}`);
  }
}

/** `path: recovery_x, recovery_y` for every file with a name in a literal (code) or anywhere (data). */
function namesOutsideContract(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const path of files) {
    if (NOT_SCANNED.test(path) || allowed(path)) continue;
    let text: string;
    try {
      text = readFileSync(join(ROOT, path), 'utf8');
    } catch {
      continue; // deleted in the work tree, not yet in the index
    }
    const literals = CODE.test(path) ? literalsOf(text) : [text];
    const names = new Set(literals.flatMap((literal) => literal.match(NAME) ?? []));
    if (names.size > 0) found.push(`${path}: ${[...names].join(', ')}`);
  }
  return found;
}

describe('metric names live in @rebound/contract', () => {
  const files = trackedFiles();

  it('no code or data file outside the allowed places spells a recovery_… name', () => {
    assert.deepEqual(namesOutsideContract(files), [], 'import the name from @rebound/contract (or add the file above, with its reason)');
  });

  it('every allowed place still exists and still needs its exception', () => {
    for (const { paths } of ALLOWED) {
      for (const p of paths) {
        const matching = files.filter((f) => (p.endsWith('/') ? f.startsWith(p) : f === p));
        assert.ok(matching.length > 0, `${p} is allowed but no longer exists: remove it from the list`);
        const spells = matching.some((f) => {
          const text = readFileSync(join(ROOT, f), 'utf8');
          return (CODE.test(f) ? literalsOf(text) : [text]).some((literal) => literal.match(NAME) !== null);
        });
        assert.ok(spells, `${p} no longer spells a recovery_… name: remove it from the list`);
      }
    }
  });
});

describe('literalsOf', () => {
  it('finds names in strings, templates and regular expressions, not in comments', () => {
    const source = [
      "// 'recovery_in_line_comment'",
      '/** `recovery_in_doc_comment` */',
      'const a = \'recovery_single\' + "recovery_double";',
      'const b = `x ${f(`recovery_nested`)} recovery_template`;',
      'const c = x / 2 / y; const d = /recovery_regex\\{/.test(s);',
      "const e = 'family recovery_member_* is no name';",
    ].join('\n');
    const names = literalsOf(source).flatMap((l) => l.match(NAME) ?? []);
    assert.deepEqual(names, ['recovery_single', 'recovery_double', 'recovery_nested', 'recovery_template', 'recovery_regex']);
  });
});
