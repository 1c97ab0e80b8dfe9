import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { EpisodeView } from '@rebound/contract';
import { Child, sparePort, waitFor } from '../support/processes';
import { otlpJsonBody, type MemberReport } from '../support/otlp-json';

const repo = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'rebound-restart-'));
const children: Child[] = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop()));
  rmSync(work, { recursive: true, force: true });
});

type EpisodeJson = Pick<EpisodeView, 'id' | 'start' | 'end' | 'duration_seconds'>;

function startCollector(config: string): Child {
  const child = new Child('collector', process.execPath, ['--import', 'tsx', join(repo, 'collector/src/cli.ts'), '--config', config, '--quiet'], repo);
  children.push(child);
  return child;
}

/**
 * The process-level promise of DESIGN.md §2.3: an open episode survives
 * `kill -9` — the restarted collector continues it with its original start.
 */
describe('collector restart', () => {
  it('continues an open episode after SIGKILL with the same id and start time', async () => {
    const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
    const config = join(work, 'rebound.yaml');
    writeFileSync(
      config,
      [
        'interval: 200ms',
        `listen: { metrics: 127.0.0.1:${metricsPort}, otlp: 127.0.0.1:${otlpPort} }`,
        `store: ${join(work, 'rebound.db')}`,
        'groups:',
        '  - name: payments',
        '    rto: 5m',
        '    hold_down: 2s',
        '    freshness: 5s',
        '    otlp:',
        '      members: [{ member: pay-1, role: leader }, { member: pay-2, role: replica }]',
      ].join('\n'),
    );
    const base = `http://127.0.0.1:${metricsPort}`;
    const send = async (reports: MemberReport[]) => {
      const response = await fetch(`http://127.0.0.1:${otlpPort}/v1/metrics`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: otlpJsonBody(reports),
      });
      assert.equal(response.status, 200, await response.text());
    };
    const healthy: MemberReport[] = [
      { group: 'payments', member: 'pay-1', role: 'leader', up: true, position: 100 },
      { group: 'payments', member: 'pay-2', role: 'replica', up: true, position: 100 },
    ];
    const replicaDown: MemberReport[] = [healthy[0]!, { group: 'payments', member: 'pay-2', role: 'replica', up: false }];
    const episodes = async () => ((await (await fetch(`${base}/api/v1/episodes?group=payments`)).json()) as { episodes: EpisodeJson[] }).episodes;

    const first = startCollector(config);
    await waitFor('the collector to serve /healthz', 30_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    await send(healthy);
    await waitFor('payments healthy', 10_000, async () =>
      (await (await fetch(`${base}/metrics`)).text()).includes('recovery_group_phase{group="payments",phase="healthy"} 1') ? true : undefined,
    );
    await send(replicaDown);
    const [open] = await waitFor('an open episode', 10_000, async () => ((await episodes()).length === 1 ? episodes() : undefined));
    assert.equal(open!.end, null);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /recovery_member_status\{group="payments",member="pay-2",status="unreachable"\} 1/);

    // kill -9: no shutdown hook runs.
    await first.kill('SIGKILL');
    // An older copy of the store, taken while the episode was open (used at the end).
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(join(work, `rebound.db${suffix}`))) copyFileSync(join(work, `rebound.db${suffix}`), join(work, `older.db${suffix}`));
    }

    const second = startCollector(config);
    await waitFor('the restarted collector', 30_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
    await send(replicaDown);
    const afterRestart = await episodes();
    assert.equal(afterRestart.length, 1, 'no second episode');
    assert.equal(afterRestart[0]!.id, open!.id);
    assert.equal(afterRestart[0]!.start, open!.start);
    const elapsed = await waitFor('elapsed to count from the original start', 10_000, async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const match = /recovery_group_episode_elapsed_seconds\{group="payments"\} ([\d.]+)/.exec(text);
      return match ? Number(match[1]) : undefined;
    });
    assert.ok(elapsed >= (Date.now() - Date.parse(open!.start)) / 1000 - 2, `elapsed ${elapsed} counts from the original start`);

    // Recovery completes: the same episode closes with a duration from the original start.
    const closed = await waitFor('the episode to complete', 20_000, async () => {
      await send(healthy);
      const [episode] = await episodes();
      return episode?.end !== null ? episode : undefined;
    });
    assert.equal(closed!.id, open!.id);
    assert.ok(closed!.duration_seconds! > 0);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /recovery_episodes_total\{group="payments"\} 1/);
    assert.match(text, /recovery_episodes_within_rto_total\{group="payments"\} 1/);

    // Counters start at zero in every process (Prometheus' increase() handles the reset): the
    // stored history never re-enters them, whether the store is current or an older copy —
    // replaying it made an older copy look like a reset followed by new episodes.
    await second.stop();
    const countersAfterRestart = async (storeFile: string) => {
      const restartedConfig = join(work, `restart-${storeFile}.yaml`);
      writeFileSync(restartedConfig, readFileSync(config, 'utf8').replace(join(work, 'rebound.db'), join(work, storeFile)));
      const child = startCollector(restartedConfig);
      const metricsText = await waitFor(`a collector on ${storeFile}`, 30_000, async () => {
        const response = await fetch(`${base}/metrics`).catch(() => undefined);
        return response?.ok ? response.text() : undefined;
      });
      const listed = await episodes();
      await child.stop();
      return { metricsText, listed };
    };
    for (const storeFile of ['rebound.db', 'older.db', 'empty.db']) {
      const { metricsText, listed } = await countersAfterRestart(storeFile);
      assert.match(metricsText, /recovery_episodes_total\{group="payments"\} 0\n/, `${storeFile}: episodes counter starts at 0`);
      assert.match(metricsText, /recovery_episodes_within_rto_total\{group="payments"\} 0\n/, `${storeFile}: within-RTO counter starts at 0`);
      assert.match(metricsText, /recovery_duration_seconds_count\{group="payments"\} 0\n/, `${storeFile}: histogram starts at 0`);
      if (storeFile === 'rebound.db') assert.equal(listed[0]?.end !== null, true, 'the completed episode is still listed');
      if (storeFile === 'empty.db') assert.equal(listed.length, 0);
    }
  });
});
