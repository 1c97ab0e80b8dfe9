import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EpisodeView } from '@rebound/contract';
import { clearImmutable, immutableUnsupported, setImmutable } from '@rebound/collector/testing';
import { otlpJsonBody, type MemberReport } from '../support/otlp-json';
import { Child, sparePort, waitFor } from '../support/processes';
import { TinyFilesystem } from '../support/tiny-filesystem';

const repo = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'rebound-store-outage-'));
const children: Child[] = [];
const filesystems: TinyFilesystem[] = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
  for (const fs of filesystems) fs.unmount();
  clearImmutable(work);
  rmSync(work, { recursive: true, force: true });
});

const noTmpfs = TinyFilesystem.unsupported(join(work, 'probe'));
const noChattr = immutableUnsupported(work);

type EpisodeJson = Pick<EpisodeView, 'id' | 'start' | 'end'>;

const healthy: MemberReport[] = [
  { group: 'payments', member: 'pay-1', role: 'leader', up: true, position: 100 },
  { group: 'payments', member: 'pay-2', role: 'replica', up: true, position: 100 },
];
const replicaDown: MemberReport[] = [healthy[0]!, { group: 'payments', member: 'pay-2', role: 'replica', up: false }];

/** A built-from-source collector with one OTLP group `payments` and its store at `storePath`. */
async function paymentsCollector(storePath: string) {
  const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
  const config = join(work, `rebound-${metricsPort}.yaml`);
  writeFileSync(
    config,
    [
      'interval: 200ms',
      `listen: { metrics: 127.0.0.1:${metricsPort}, otlp: 127.0.0.1:${otlpPort} }`,
      `store: ${storePath}`,
      'groups:',
      '  - name: payments',
      '    hold_down: 2s',
      '    freshness: 5s',
      '    otlp:',
      '      members: [{ member: pay-1, role: leader }, { member: pay-2, role: replica }]',
    ].join('\n'),
  );
  const base = `http://127.0.0.1:${metricsPort}`;
  const start = async () => {
    // Not --quiet: the phase lines on stdout are part of what must survive the outage.
    const child = new Child('collector', process.execPath, ['--import', 'tsx', join(repo, 'collector/src/cli.ts'), '--config', config], repo);
    children.push(child);
    await waitFor('the collector to serve /healthz', 60_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    return child;
  };
  const send = async (reports: MemberReport[]) => {
    const response = await fetch(`http://127.0.0.1:${otlpPort}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: otlpJsonBody(reports),
    });
    assert.equal(response.status, 200, await response.text());
  };
  const metrics = async () => (await fetch(`${base}/metrics`)).text();
  const storeUp = async () => Number(/^recovery_store_up (\d)$/m.exec(await metrics())?.[1]);
  const episodesTotal = async () => Number(/^recovery_episodes_total\{group="payments"\} (\d+)$/m.exec(await metrics())?.[1]);
  const episodes = async () => ((await (await fetch(`${base}/api/v1/episodes?group=payments`)).json()) as { episodes: EpisodeJson[] }).episodes;
  return { start, send, metrics, storeUp, episodesTotal, episodes };
}

const count = (child: Child, text: string) =>
  child.output
    .join('')
    .split('\n')
    .filter((line) => line.includes(text)).length;

/**
 * Break the store mid-episode, complete the recovery while it is broken, heal
 * it, and find the episode stored — by a restarted collector after kill -9,
 * which only knows what is on disk.
 */
async function recoveryThroughOutage(storePath: string, breakStore: () => void, healStore: () => void, error: RegExp) {
  const c = await paymentsCollector(storePath);
  const first = await c.start();
  await c.send(healthy);
  await waitFor('payments healthy', 20_000, async () =>
    (await c.metrics()).includes('recovery_group_phase{group="payments",phase="healthy"} 1') ? true : undefined,
  );
  assert.equal(await c.storeUp(), 1, 'recovery_store_up 1 before the outage');
  await c.send(replicaDown);
  const [open] = await waitFor('an open episode, stored', 20_000, async () => ((await c.episodes()).length === 1 ? c.episodes() : undefined));
  assert.equal(open!.end, null);

  breakStore();
  const outageLine = `episode store ${storePath}: not writable (`;
  const phaseLinesBefore = count(first, 'payments ');
  await waitFor('the outage to be noticed', 30_000, async () => {
    await c.send(healthy); // the phase change to stabilizing is the next write
    return count(first, outageLine) === 1 ? true : undefined;
  });
  assert.match(first.tail(400), new RegExp(`episode store ${storePath}: not writable \\(SqliteError: ${error.source}\\); keeping \\d+ episodes? in memory`));
  assert.equal(await c.storeUp(), 0, 'recovery_store_up 0 during the outage');

  const closed = await waitFor('the episode to complete during the outage', 30_000, async () => {
    await c.send(healthy);
    const [episode] = await c.episodes();
    return episode?.end !== null ? episode : undefined;
  });
  assert.equal(closed!.id, open!.id, 'listed from memory while the store is down');
  assert.equal(closed!.start, open!.start);
  assert.equal(await c.episodesTotal(), 1, 'recovery_episodes_total counted it during the outage');
  assert.ok(count(first, 'payments ') > phaseLinesBefore, `phase lines printed during the outage:\n${first.tail()}`);
  assert.equal(await c.storeUp(), 0);

  healStore();
  await waitFor('the store to be written again', 60_000, async () => {
    await c.send(healthy);
    return count(first, `episode store ${storePath}: writable again; wrote `) === 1 ? true : undefined;
  });
  assert.equal(await c.storeUp(), 1, 'recovery_store_up 1 after the outage');
  assert.equal(count(first, outageLine), 1, `one line per outage:\n${first.tail()}`);
  assert.equal(await c.episodesTotal(), 1, 'counted once: writing it later does not count it again');

  await first.kill('SIGKILL');
  const second = await c.start();
  const [stored] = await c.episodes();
  assert.equal(stored!.id, open!.id, 'the episode is on disk');
  assert.equal(stored!.start, open!.start, 'with its original start');
  assert.equal(stored!.end, closed!.end);
  assert.equal(await c.storeUp(), 1);
  await second.stop();
}

describe('collector with an episode store that breaks mid-episode', () => {
  it('keeps a recovery through a full filesystem (1 MiB tmpfs) and stores it once there is space', { skip: noTmpfs ?? false, timeout: 240_000 }, async () => {
    const tmpfs = new TinyFilesystem(join(work, 'tiny'));
    filesystems.push(tmpfs);
    tmpfs.mount();
    await recoveryThroughOutage(
      join(tmpfs.dir, 'rebound.db'),
      () => tmpfs.fill(),
      () => tmpfs.free(),
      /database or disk is full/,
    );
  });

  it(
    'keeps a recovery through an immutable database and WAL (chattr +i) and stores it once they are writable',
    { skip: noChattr ?? false, timeout: 240_000 },
    async () => {
      const dir = join(work, 'immutable');
      mkdirSync(dir);
      const path = join(dir, 'rebound.db');
      // Not the -shm: SQLite maps it, and a write to a mapped immutable file is SIGBUS, not an error.
      await recoveryThroughOutage(
        path,
        () => setImmutable([path, `${path}-wal`], true),
        () => setImmutable([path, `${path}-wal`], false),
        /disk I\/O error/,
      );
    },
  );
});
