import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertCollectorStillReaches,
  assertHiddenInstabilityWhileServing,
  assertReasonNamesLink,
  assertLagNeverRestarts,
  assertNeverRecoveredWhileCut,
  assertOneEpisode,
  countEpisodes,
  detection,
  noticeDeadline,
  noticeSlackMillis,
  type Window,
} from './checks';
import { CollectorProcess } from './collector-process';
import { namespacesUnavailable, PartitionLab } from './network';
import { startPostgresLab, type PostgresLab } from './postgres-lab';
import { reportCut, type CutRecord } from './report';
import { Timeline } from './timeline';

/**
 * Issue 17 for PostgreSQL: a primary and a streaming standby, each in its own
 * network namespace, the collector in the root namespace; the standby is cut
 * from the primary only (iptables DROP in the standby's namespace) while a
 * writer on the primary inserts every 500 ms. The standby must not be converged
 * from the first sign of the cut — its WAL receiver gone, or the lag tolerance
 * passed without a reply — until the cut heals. Same collector timing as the
 * Redis test: 1s interval, 3s hold-down, 3s freshness, samples every 250 ms.
 */
const GROUP = 'orders-db';
const INTERVAL_SECONDS = 1;
const LAG_TOLERANCE_SECONDS = 5;
/** How long a cut stays in force after the standby's WAL receiver stops: lag tolerance + hold-down + margin. */
const AFTER_LINK_DOWN_MILLIS = 12_000;

const unavailable = namespacesUnavailable();
// Without the capability the test says why and counts as skipped, never passes silently.
if (unavailable !== undefined) it('network partition (PostgreSQL): needs network namespaces', (t) => t.skip(unavailable));

describe('network partition: PostgreSQL primary and streaming standby in network namespaces', { skip: unavailable !== undefined, timeout: 240_000 }, () => {
  let lab: PartitionLab | undefined;
  let pg: PostgresLab;
  let collector: CollectorProcess | undefined;
  let timeline: Timeline | undefined;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'rebound-partition-pg-'));
    chmodSync(work, 0o755);
    lab = await PartitionLab.create(['primary', 'standby']);
    pg = await startPostgresLab(lab, { primary: 'primary', standby: 'standby', dir: work, replicationTimeoutSeconds: 5 });
    await pg.waitForStreaming(60_000);
    collector = await CollectorProcess.start(work, [
      `  - name: ${GROUP}`,
      '    hold_down: 3s',
      '    freshness: 3s',
      '    postgresql:',
      '      timeout: 1s',
      '      nodes:',
      `        - { member: primary, url: '${pg.url(pg.primary)}', role: leader }`,
      `        - { member: standby, url: '${pg.url(pg.standby)}' }`,
    ]);
    await collector.waitHealthy(GROUP, 60_000);
    timeline = new Timeline(collector, GROUP, async () => ({ standby: await pg.walReceiverStatus() }));
  });

  after(async () => {
    await timeline?.stop();
    await collector?.stop();
    await lab?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const pause = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

  /** Cut the standby from the primary, hold the cut until 12s after its WAL receiver stopped, heal, wait for healthy. */
  async function cutStandby(label: string, linkDownTimeoutMillis: number): Promise<CutRecord> {
    const t = timeline!;
    const before = await countEpisodes(collector!, GROUP);
    const cut = await lab!.cut(pg.standby, pg.primary);
    const cutMillis = t.mark(`${cut.description} (${label})`);
    try {
      const down = await t.waitForSample(cutMillis, (s) => s.links['standby'] !== 'streaming', linkDownTimeoutMillis);
      assert.ok(down, `the standby's WAL receiver kept streaming ${linkDownTimeoutMillis / 1000}s into the cut\n${t.describe(cutMillis, cutMillis)}`);
      t.mark(`standby WAL receiver: ${down.links['standby']}`);
      await pause(Math.max(0, down.atMillis + AFTER_LINK_DOWN_MILLIS - Date.now()));
      await cut.heal();
      const healMillis = t.mark(`healed ${cut.description}`);
      await pg.waitForStreaming(60_000);
      await collector!.waitHealthy(GROUP, 60_000);
      const healthyAtMillis = t.mark('healthy again');
      const record = { cutMillis, linkDownMillis: down.atMillis, healMillis, healthyAtMillis, before, after: await countEpisodes(collector!, GROUP) };
      reportCut('postgresql', `standby ⇹ primary, ${label}`, t, record, 'standby');
      return record;
    } finally {
      await cut.heal();
    }
  }

  let short: Promise<CutRecord> | undefined;

  function assertStandbyCut(r: CutRecord, what: string): void {
    const w: Window = { timeline: timeline!, originMillis: r.cutMillis, fromMillis: r.cutMillis, untilMillis: r.healMillis };
    const detected = detection(w, 'standby', what, noticeDeadline({ ...r, lagToleranceSeconds: LAG_TOLERANCE_SECONDS, intervalSeconds: INTERVAL_SECONDS }));
    const fromDetection = { ...w, fromMillis: detected.atMillis };
    assertCollectorStillReaches(w, 'standby', what);
    assertNeverRecoveredWhileCut(fromDetection, 'standby', what);
    assertLagNeverRestarts(w, 'standby', what);
    assertHiddenInstabilityWhileServing(fromDetection, what);
    assertOneEpisode(r.before, r.after, r.healMillis, what);
  }

  it('standby cut from the primary (wal_sender/receiver_timeout 5s): not converged from the first sign until the cut heals, the group never stabilizing or healthy, one episode', async () => {
    assertStandbyCut(await (short ??= cutStandby('replication timeouts 5s', 30_000)), 'standby cut (timeouts 5s)');
  });

  it('standby cut from the primary (timeouts 5s): once its WAL receiver is gone, the reason names the replication link', async () => {
    const r = await (short ??= cutStandby('replication timeouts 5s', 30_000));
    const from = r.linkDownMillis + noticeSlackMillis(INTERVAL_SECONDS);
    assertReasonNamesLink(
      { timeline: timeline!, originMillis: r.cutMillis, fromMillis: from, untilMillis: r.healMillis },
      'standby',
      'standby cut (timeouts 5s)',
    );
  });

  it('standby cut from the primary with the default timeouts (60s): not converged from the lag tolerance on, one episode', async () => {
    // With the defaults the WAL receiver notices only at +60s: until then the
    // link looks up, and only the missing replies can tell (about 75s in all).
    await pg.setReplicationTimeouts(60);
    try {
      assertStandbyCut(await cutStandby('default timeouts 60s', 90_000), 'standby cut (default timeouts)');
    } finally {
      await pg.setReplicationTimeouts(5);
    }
  });
});
