// The collector's unit test files run inside a few node processes instead of one each
// (`npm run test:unit`): a process of its own per file cost ~0.15 s of CPU to start node and
// tsx and more to load the same modules again (yaml, fast-check, protobufjs, the model), 74 s of
// CPU for the 74 files where one process needs 27 s. node:test runs the tests of a module it
// requires in the requiring process; each file's tests are wrapped in a suite named after the file,
// so the spec report and a failure still say which file. Node 20 has no per-file isolation in one
// process, so a file that changes process-wide state (process.env, fake timers) puts it back.
// `npm test` still runs every file in a process of its own (and with --import tsx).
const { readdirSync } = require('node:fs');
const { join, relative } = require('node:path');
const { describe } = require('node:test');

const collector = join(__dirname, '..');

/** Every unit test file under src/: *.test.ts not named *.integration.test.ts, sorted as `find | sort` would. */
function unitTestFiles(dir = join(collector, 'src'), found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) unitTestFiles(path, found);
    else if (entry.name.endsWith('.test.ts') && !entry.name.endsWith('.integration.test.ts')) found.push(path);
  }
  return found.sort();
}

/**
 * The fuzz suites, ~2/3 of the CPU, each in a process of its own (config-fuzz.cjs,
 * otlp-http-fuzz.cjs) beside three shares of every other file (other-suites-N.cjs), so both cores work
 * and the longest process is ~10 s of CPU, not the ~23 s of all of them.
 */
const OWN_PROCESS = ['src/config/config.fuzz.test.ts', 'src/receivers/otlp/otlp-http.fuzz.test.ts'];

/** Register the tests of the files `select` picks, one suite per file. */
function runInThisProcess(select) {
  for (const file of unitTestFiles().filter((path) => select(relative(collector, path)))) {
    describe(relative(collector, file), () => {
      require(file);
    });
  }
}

/** One of OWN_PROCESS alone (it must exist: a renamed file would otherwise run nowhere). */
function runAlone(file) {
  if (!OWN_PROCESS.includes(file) || !unitTestFiles().includes(join(collector, file))) throw new Error(`${file}: not a unit test file of OWN_PROCESS`);
  runInThisProcess((path) => path === file);
}

/**
 * Share `index` of `count` of every unit test file not in OWN_PROCESS (every count-th file in
 * sorted order). Several shares, not one: those files wait on real timers for ~18 s of a ~41 s
 * process (sockets, timeouts, debounces) with ~23 s of CPU, and shares overlap their waits.
 */
function runShareOfTheOthers(index, count) {
  const others = unitTestFiles()
    .map((path) => relative(collector, path))
    .filter((path) => !OWN_PROCESS.includes(path));
  const mine = new Set(others.filter((_, i) => i % count === index));
  runInThisProcess((path) => mine.has(path));
}

module.exports = { runAlone, runShareOfTheOthers };
