import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteEpisodeStore } from '@rebound/collector';
import { clearImmutable, immutableUnsupported, setImmutable } from '@rebound/collector/testing';
import { Child, sparePort, waitFor } from '../support/processes';

const repo = resolve(__dirname, '../..');
const cli = join(repo, 'collector/src/cli.ts');
const work = mkdtempSync(join(tmpdir(), 'rebound-store-startup-'));
const children: Child[] = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
  clearImmutable(work);
  rmSync(work, { recursive: true, force: true });
});
const noChattr = immutableUnsupported(work);

let cases = 0;
/** A config with one OTLP group and the store at `storePath`; returns its path and the metrics base URL. */
async function config(storePath: string) {
  const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
  const file = join(work, `rebound-${++cases}.yaml`);
  writeFileSync(
    file,
    [`listen: { metrics: 127.0.0.1:${metricsPort}, otlp: 127.0.0.1:${otlpPort} }`, `store: ${storePath}`, 'groups:', '  - name: payments', '    otlp: {}'].join(
      '\n',
    ),
  );
  return { file, base: `http://127.0.0.1:${metricsPort}` };
}

async function started(storePath: string) {
  const { file, base } = await config(storePath);
  const child = new Child('collector', process.execPath, ['--import', 'tsx', cli, '--config', file, '--quiet'], repo);
  children.push(child);
  await waitFor(`the collector to serve /healthz (output: ${child.tail()})`, 60_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
  const metrics = async () => (await fetch(`${base}/metrics`)).text();
  const storeUp = async () => Number(/^recovery_store_up (\d)$/m.exec(await metrics())?.[1]);
  const episodes = async () => ((await (await fetch(`${base}/api/v1/episodes`)).json()) as { episodes: { id: string }[] }).episodes;
  return { child, storeUp, episodes };
}

/** Run the collector to its exit; resolves with the status and stderr. */
async function exited(storePath: string): Promise<{ status: number | null; stderr: string }> {
  const { file } = await config(storePath);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--config', file, '--quiet'], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the collector did not exit within 60 s; stderr: ${stderr}`));
    }, 60_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stderr });
    });
  });
}

function storeWithOneEpisode(path: string): void {
  const store = new SqliteEpisodeStore(path);
  const start = Date.now() - 120_000;
  store.save(
    [],
    [
      {
        id: 'stored-before',
        group: 'payments',
        startMillis: start,
        endMillis: start + 60_000,
        durationSeconds: 50,
        worstPhase: 'degraded',
        phases: [
          { phase: 'degraded', atMillis: start },
          { phase: 'healthy', atMillis: start + 60_000 },
        ],
        membersAffected: ['pay-2'],
        peakLagSeconds: null,
        permissionDriftSeen: false,
        hiddenInstabilitySeen: false,
        convergedAtMillis: start + 50_000,
        rtoSeconds: 300,
      },
    ],
  );
  store.close();
}

describe('collector starting on a broken episode store', () => {
  it('moves a corrupt store aside, says where, and starts with a fresh one', { timeout: 120_000 }, async () => {
    const dir = join(work, 'corrupt');
    mkdirSync(dir);
    const path = join(dir, 'rebound.db');
    writeFileSync(path, 'this is not a database');
    const { child, storeUp, episodes } = await started(path);
    const line = child.output
      .join('')
      .split('\n')
      .find((l) => l.includes('not a sound SQLite database'));
    const aside = /moved it aside to (\S+) and started a fresh store/.exec(line ?? '')?.[1];
    assert.ok(line?.includes(`episode store ${path}: `) && aside?.startsWith(`${path}.corrupt-`), `a warning naming both paths: ${child.tail()}`);
    assert.match(aside!, /\.corrupt-\d{8}T\d{6}Z$/);
    assert.equal(readFileSync(aside!, 'utf8'), 'this is not a database');
    assert.ok(existsSync(path), 'a fresh store');
    assert.equal(await storeUp(), 1);
    assert.deepEqual(await episodes(), []);
    assert.ok(!child.output.join('').includes('    at '), 'no stack trace');
  });

  it(
    'serves a store in a read-only directory read-only, with recovery_store_up 0, and writes again once it can',
    { skip: noChattr ?? false, timeout: 120_000 },
    async () => {
      const dir = join(work, 'read-only');
      mkdirSync(dir);
      const path = join(dir, 'rebound.db');
      storeWithOneEpisode(path);
      setImmutable([dir], true);
      const { child, storeUp, episodes } = await started(path);
      assert.deepEqual(
        (await episodes()).map((e) => e.id),
        ['stored-before'],
        'its episodes are listed',
      );
      assert.equal(await storeUp(), 0);
      assert.match(
        child.tail(),
        new RegExp(
          `episode store ${path}: not writable \\(read-only: ${dir} is not writable, so SQLite cannot create ${path}-shm beside it\\); serving its stored episodes read-only, keeping new ones in memory`,
        ),
      );
      setImmutable([dir], false);
      // --quiet: the "writable again" info line is not printed; the metric says it.
      await waitFor('recovery_store_up 1 once the directory is writable', 60_000, async () => ((await storeUp()) === 1 ? true : undefined));
      assert.ok(existsSync(`${path}-shm`), 'the real file is open again');
    },
  );

  it('serves an immutable store file read-only', { skip: noChattr ?? false, timeout: 120_000 }, async () => {
    const dir = join(work, 'immutable-file');
    mkdirSync(dir);
    const path = join(dir, 'rebound.db');
    storeWithOneEpisode(path);
    setImmutable([path], true);
    const { child, storeUp, episodes } = await started(path);
    assert.deepEqual(
      (await episodes()).map((e) => e.id),
      ['stored-before'],
    );
    assert.equal(await storeUp(), 0);
    assert.match(child.tail(), new RegExp(`episode store ${path}: not writable \\(SqliteError: attempt to write a readonly database\\)`));
    await child.stop();
    setImmutable([path], false);
  });

  // The exact wording is the store's (store/open-episode-store.test.ts); the config loader may catch a directory first.
  for (const [name, path] of [
    ['whose parent is a file', () => join(work, 'a-file', 'rebound.db')],
    ['that is a directory', () => join(work, 'a-directory')],
  ] as const) {
    it(`exits 2 with one line naming a store path ${name}`, { timeout: 120_000 }, async () => {
      writeFileSync(join(work, 'a-file'), 'not a directory');
      mkdirSync(join(work, 'a-directory'), { recursive: true });
      const storePath = path();
      const { status, stderr } = await exited(storePath);
      assert.equal(status, 2, stderr);
      assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
      assert.match(stderr, /^rebound-collector: /);
      assert.ok(stderr.includes(storePath), `names the path: ${stderr}`);
    });
  }
});
