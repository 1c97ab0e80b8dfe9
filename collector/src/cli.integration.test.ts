import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sparePort } from './testing/processes';

const collectorDir = join(__dirname, '..');
const testdata = join(__dirname, 'config/testdata');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real command line (`rebound-collector`, through tsx), given at most 60 s: a hang fails the test. */
function runCollector(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'cli.ts'), ...args],
      { cwd: collectorDir, timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
  });
}

/** The promise for every user mistake: exit 2 and exactly one line on stderr, naming it, never a stack trace. */
function assertOneLineExit2(run: Run, says: RegExp): void {
  assert.equal(run.code, 2, `exit 2, got ${run.code}; stderr: ${run.stderr}`);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, /^rebound-collector: /);
  assert.match(lines[0]!, says);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

describe('rebound-collector: config mistakes end as one line and exit 2 (issue 9)', { concurrency: 3 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'rebound-cli-'));
  const blockers: Server[] = [];
  let busyPort = 0;
  before(async () => {
    execFileSync('mkfifo', [join(work, 'fifo.yaml')]);
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    busyPort = (blocker.address() as { port: number }).port;
  });
  after(async () => {
    await Promise.all(blockers.map((b) => new Promise((resolve) => b.close(resolve))));
    rmSync(work, { recursive: true, force: true });
  });

  /** A config in the temp dir, its store there too. */
  const config = (name: string, text: string): string => {
    const file = join(work, name);
    writeFileSync(file, `store: ${join(work, name + '.db')}\n${text}`);
    return file;
  };

  const fileCases: [file: string, says: RegExp][] = [
    ['alias-undefined.yaml', /groups\[0\]\.name: invalid YAML: alias \*payments has no anchor/],
    ['alias-billion-laughs.yaml', /invalid YAML: more than 100 YAML aliases/],
    ['alias-too-many.yaml', /invalid YAML: more than 100 YAML aliases/],
    ['duration-too-long.yaml', /interval: expected a duration of at most 24d 20h 31m 23s/],
    ['probe-timeout-too-long.yaml', /groups\[0\]\.redis\.timeout: expected a duration of at most 24d 20h 31m 23s/],
    ['empty.yaml', /groups: no groups configured/],
    ['multiline-value.yaml', /listen\.metrics: expected host:port .*\\n.*\\u001b/],
    ['store-directory.yaml', /store: \/tmp is a directory/],
    ['otlp-tls-missing-cert.yaml', /otlp\.tls\.cert_file: cannot read \/etc\/rebound\/no-such-otlp-cert\.pem \(ENOENT\)/],
  ];
  for (const [file, says] of fileCases) {
    it(`--config testdata/${file}`, async () => assertOneLineExit2(await runCollector(['--config', join(testdata, file), '--quiet']), says));
  }

  it('--config on a FIFO or /dev/zero: refused at once, nothing read', async () => {
    assertOneLineExit2(await runCollector(['--config', join(work, 'fifo.yaml')]), /cannot read the config file \(a FIFO, not a regular file\)/);
    assertOneLineExit2(await runCollector(['--config', '/dev/zero']), /cannot read the config file \(a device, not a regular file\)/);
  });

  it('listen.metrics on an address no interface has (EADDRNOTAVAIL; nothing is sent)', async () => {
    const file = config('metrics-unbindable.yaml', 'listen: { metrics: 192.0.2.1:9464 }\ngroups: [{ name: payments, demo: {} }]\n');
    assertOneLineExit2(
      await runCollector(['--config', file, '--quiet']),
      /cannot listen for \/metrics and the API on 192\.0\.2\.1:9464 \(EADDRNOTAVAIL: .*\); change listen\.metrics/,
    );
  });

  it('listen.otlp in use: one line, and no "its members will show unknown" for a server that never ran', async () => {
    const file = config(
      'otlp-in-use.yaml',
      `listen: { metrics: 127.0.0.1:${await sparePort()}, otlp: 127.0.0.1:${busyPort} }\ngroups: [{ name: payments, otlp: {} }]\n`,
    );
    const run = await runCollector(['--config', file, '--quiet']);
    assertOneLineExit2(
      run,
      new RegExp(`cannot listen for OTLP on 127\\.0\\.0\\.1:${busyPort} \\(EADDRINUSE: the address is already in use\\); change listen\\.otlp`),
    );
    assert.doesNotMatch(run.stderr + run.stdout, /will show unknown/);
  });

  it('listen.otlp on an address no interface has (EADDRNOTAVAIL)', async () => {
    const file = config(
      'otlp-unbindable.yaml',
      `listen: { metrics: 127.0.0.1:${await sparePort()}, otlp: 192.0.2.1:4318 }\ngroups: [{ name: payments, otlp: {} }]\n`,
    );
    assertOneLineExit2(await runCollector(['--config', file, '--quiet']), /cannot listen for OTLP on 192\.0\.2\.1:4318 \(EADDRNOTAVAIL/);
  });
});

describe('rebound-collector --check', { concurrency: 2 }, () => {
  it('validates a good file and exits 0 with a one-line summary, binding nothing (its listen address is unbindable)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'rebound-check-'));
    try {
      const file = join(work, 'rebound.yaml');
      writeFileSync(
        file,
        `listen: { metrics: 192.0.2.1:9464 }\nstore: ${join(work, 'never-created.db')}\n${readFileSync(join(testdata, 'demo.yaml'), 'utf8')}`,
      );
      const run = await runCollector(['--check', '--config', file]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `config OK: 2 groups, 6 declared members (${file})\n`);
      assert.equal(run.stderr, '');
      assert.equal(existsSync(join(work, 'never-created.db')), false, 'the store is not opened');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('exits 2 with the mistake for a bad file', async () => {
    const run = await runCollector(['--check', '--config', join(testdata, 'typo-group-key.yaml')]);
    assertOneLineExit2(run, /groups\[0\]\.rtoo: unknown key \(did you mean "rto"\?\)/);
    assert.equal(run.stdout, '');
  });

  it('needs --config', async () => {
    const run = await runCollector(['--check']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^rebound-collector: --check needs --config FILE/);
  });
});
