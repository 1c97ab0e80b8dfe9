/**
 * The production build (tsconfig.build.json → dist/, what the Docker image runs) holds no test
 * code: it is built from its entry points, so it holds what they import and nothing else. This
 * walks the same imports tsc follows and fails on a test file, a harness, a fixture or anything
 * importing a test library, naming the chain that pulled it in.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';

const collectorDir = join(__dirname, '..');
const TEST_CODE = /(\.test\.ts|\/testing\/.*|\/testdata\/.*|\/fake-[^/]*|-test-helpers\.ts|\/engine-driver\.ts|\/try-it\.ts)$/;
const TEST_LIBRARY = /from '(node:test|node:assert(\/strict)?|fast-check|parse-prometheus-text-format)'/;

function buildRoots(): { roots: string[]; options: ts.CompilerOptions } {
  const file = join(collectorDir, 'tsconfig.build.json');
  const read = ts.readConfigFile(file, ts.sys.readFile);
  assert.equal(read.error, undefined, 'tsconfig.build.json parses');
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, collectorDir, undefined, file);
  return { roots: parsed.fileNames, options: parsed.options };
}

/** Every file of ours the build compiles, each with the file that first imported it. */
function compiled(): Map<string, string | null> {
  const { roots, options } = buildRoots();
  const reached = new Map<string, string | null>(roots.map((r) => [r, null]));
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const imported of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      const resolved = ts.resolveModuleName(imported.fileName, file, options, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport || !resolved.resolvedFileName.startsWith(collectorDir)) continue;
      const target = resolved.resolvedFileName;
      if (target.endsWith('.d.ts') && !existsSync(target.replace(/\.d\.ts$/, '.ts'))) continue; // a declaration file, emits nothing
      if (!reached.has(target)) {
        reached.set(target, file);
        queue.push(target);
      }
    }
  }
  return reached;
}

function chain(reached: Map<string, string | null>, file: string): string {
  const links: string[] = [];
  for (let at: string | null | undefined = file; at; at = reached.get(at)) links.unshift(relative(collectorDir, at));
  return links.join(' → ');
}

describe('the production build', () => {
  const reached = compiled();

  it('is built from src/index.ts (the package entry) and src/cli.ts (rebound-collector)', () => {
    const roots = [...reached].filter(([, by]) => by === null).map(([file]) => relative(collectorDir, file));
    assert.deepEqual(roots.sort(), ['src/cli.ts', 'src/index.ts']);
    assert.ok(reached.size > 50, `only ${reached.size} files reached: the walk lost the imports`);
  });

  it('compiles no test code and nothing that imports a test library', () => {
    const wrong = [...reached.keys()]
      .filter((file) => TEST_CODE.test(file) || TEST_LIBRARY.test(readFileSync(file, 'utf8')))
      .map((file) => chain(reached, file));
    assert.deepEqual(wrong, [], 'test code in dist/ (and the Docker image)');
  });

  it('compiles every file the package exports and the bin runs', () => {
    const pkg = JSON.parse(readFileSync(join(collectorDir, 'package.json'), 'utf8')) as {
      main: string;
      bin: Record<string, string>;
      exports: Record<string, Record<string, string> | string>;
    };
    const sourceOf = (built: string) => join(collectorDir, built.replace(/^(\.\/)?dist\//, 'src/').replace(/\.(js|d\.ts)$/, '.ts'));
    const built = [
      pkg.main,
      ...Object.values(pkg.bin),
      ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [] : [e.default, e.types].filter((x): x is string => x !== undefined))),
    ];
    for (const file of built) assert.ok(reached.has(sourceOf(file)), `${file} is exported but its source is not built`);
  });
});
