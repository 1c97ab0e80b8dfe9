import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { METRICS } from '@rebound/contract';
import {
  assertCollectorStillReaches,
  assertHiddenInstabilityWhileServing,
  assertReasonNamesLink,
  assertLagNeverRestarts,
  assertNeverRecoveredWhileCut,
  assertOneEpisode,
  countEpisodes,
  detection,
  newEpisodes,
  noticeDeadline,
  noticeSlackMillis,
  type EpisodeCount,
  type Window,
} from './checks';
import { CollectorProcess } from './collector-process';
import { describeDetection, reportCut, type CutRecord } from './report';
import { namespacesUnavailable, PartitionLab, type Cut, type LabNode } from './network';
import { startRedisLab, type RedisLab } from './redis-lab';
import { member, seconds, Timeline, type Sample } from './timeline';

/**
 * Issue 17 against real processes: a Redis primary and two replicas, each in
 * its own network namespace, the collector in the root namespace, partitions
 * made with iptables DROP inside the namespaces while a writer on the primary
 * writes every 500 ms. The collector probes every 1s with a 3s hold-down and
 * 3s freshness, so the race of the issue (a false converged outlasting the
 * hold-down) would show; every assertion runs over samples of /api/v1/groups
 * taken every 250 ms.
 */
const GROUP = 'cache';
const FRESHNESS_SECONDS = 3;
const INTERVAL_SECONDS = 1;
/** The group's lag tolerance (the default). */
const LAG_TOLERANCE_SECONDS = 5;
/** How long a cut stays in force after the link-down moment: the lag tolerance (5s) plus the hold-down (3s) plus margin. */
const AFTER_LINK_DOWN_MILLIS = 12_000;

const unavailable = namespacesUnavailable();
// Without the capability the test says why and counts as skipped, never passes silently.
if (unavailable !== undefined) it('network partition (Redis): needs network namespaces', (t) => t.skip(unavailable));

describe('network partition: Redis primary and two replicas in network namespaces', { skip: unavailable !== undefined, timeout: 240_000 }, () => {
  let lab: PartitionLab | undefined;
  let redis: RedisLab;
  let collector: CollectorProcess | undefined;
  let timeline: Timeline | undefined;
  let work: string;
  let primary: LabNode, replicaA: LabNode, replicaB: LabNode;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'rebound-partition-redis-'));
    chmodSync(work, 0o755);
    lab = await PartitionLab.create(['primary', 'replica-a', 'replica-b']);
    [primary, replicaA, replicaB] = lab.nodes as [LabNode, LabNode, LabNode];
    redis = await startRedisLab(lab, { primary: 'primary', replicas: ['replica-a', 'replica-b'], dir: work, replTimeoutSeconds: 3 });
    await redis.waitForSync(30_000);
    collector = await CollectorProcess.start(work, [
      `  - name: ${GROUP}`,
      '    hold_down: 3s',
      `    freshness: ${FRESHNESS_SECONDS}s`,
      '    redis:',
      '      timeout: 1s',
      '      max_backoff: 2s',
      '      nodes:',
      ...lab.nodes.map((n) => `        - { member: ${n.name}, address: '${n.address}:6379'${n === primary ? ', role: leader' : ''} }`),
    ]);
    await collector.waitHealthy(GROUP, 60_000);
    timeline = new Timeline(collector, GROUP, async () => {
      const [a, b] = await Promise.all([redis.linkStatus(replicaA), redis.linkStatus(replicaB)]);
      return { 'replica-a': a, 'replica-b': b };
    });
  });

  after(async () => {
    await timeline?.stop();
    await collector?.stop();
    await lab?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Sleep while the timeline keeps sampling. */
  const pause = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));
  const linkDown = (name: string) => (s: Sample) => s.links[name] === 'down';

  async function waitForLink(from: number, name: string, timeoutMillis: number): Promise<Sample> {
    const found = await timeline!.waitForSample(from, linkDown(name), timeoutMillis);
    assert.ok(found, `${name}'s master_link_status never turned down within ${timeoutMillis / 1000}s of the cut\n${timeline!.describe(from, from)}`);
    return found;
  }

  /** Heal, wait for healthy with every member converged, and count the episodes again. */
  async function healAndCount(heals: (() => Promise<number>)[]): Promise<{ lastHealMillis: number; healthyAtMillis: number; after: EpisodeCount }> {
    let lastHealMillis = 0;
    for (const heal of heals) lastHealMillis = await heal();
    await redis.waitForSync(60_000);
    await collector!.waitHealthy(GROUP, 60_000);
    const healthyAtMillis = timeline!.mark('healthy again');
    return { lastHealMillis, healthyAtMillis, after: await countEpisodes(collector!, GROUP) };
  }

  // (1) + (2) + (3): replica-a cut from the primary (repl-timeout 3s); while it is
  // cut, the collector is cut from replica-b; replica-b heals first, then replica-a.
  let overlapping: Promise<CutRecord & { collectorCutMillis: number; collectorHealMillis: number }> | undefined;
  const runOverlapping = () =>
    (overlapping ??= (async () => {
      const t = timeline!;
      const before = await countEpisodes(collector!, GROUP);
      const cutA = await lab!.cut(replicaA, primary);
      const cutMillis = t.mark(cutA.description);
      let cutB: Cut | undefined;
      try {
        const linkDownMillis = (await waitForLink(cutMillis, 'replica-a', 30_000)).atMillis;
        t.mark('replica-a master_link_status down');
        cutB = await lab!.cut(replicaB, 'collector');
        const collectorCutMillis = t.mark(cutB.description);
        await pause(Math.max(0, linkDownMillis + AFTER_LINK_DOWN_MILLIS - Date.now()));
        let collectorHealMillis = 0;
        const healed = await healAndCount([
          async () => {
            await cutB!.heal();
            return (collectorHealMillis = t.mark(`healed ${cutB!.description}`));
          },
          async () => {
            await pause(2_000);
            await cutA.heal();
            return t.mark(`healed ${cutA.description}`);
          },
        ]);
        const record = { cutMillis, linkDownMillis, healMillis: healed.lastHealMillis, collectorCutMillis, collectorHealMillis, before, ...healed };
        reportCut('redis', 'replica-a ⇹ primary, repl-timeout 3s, overlapping collector ⇹ replica-b', t, record, 'replica-a');
        const unknown = t.first(collectorCutMillis, (s) => member(s, 'replica-b').status === 'unknown', collectorHealMillis);
        console.log(
          `# partition redis collector ⇹ replica-b: cut → replica-b unknown ${unknown ? seconds(unknown.atMillis - collectorCutMillis) : 'never'} (freshness ${FRESHNESS_SECONDS}s)`,
        );
        return record;
      } finally {
        await cutB?.heal();
        await cutA.heal();
      }
    })());

  it('replica-a cut from the primary (repl-timeout 3s): not converged from the first sign (link down or lag tolerance) until the cut heals, the group never stabilizing or healthy, across the link-down moment', async () => {
    const r = await runOverlapping();
    const w: Window = { timeline: timeline!, originMillis: r.cutMillis, fromMillis: r.cutMillis, untilMillis: r.healMillis };
    assert.ok(r.linkDownMillis < r.healMillis - 5_000, 'the cut outlasted the link-down moment');
    assertCollectorStillReaches(w, 'replica-a', 'replica-a cut from the primary');
    const detected = detection(w, 'replica-a', 'replica-a cut from the primary', deadline(r));
    assertNeverRecoveredWhileCut({ ...w, fromMillis: detected.atMillis }, 'replica-a', 'replica-a cut from the primary');
  });

  it('replica-a cut from the primary (repl-timeout 3s): its lag keeps growing and hidden instability stays 1 while the primary serves', async () => {
    const r = await runOverlapping();
    const w: Window = { timeline: timeline!, originMillis: r.cutMillis, fromMillis: r.cutMillis, untilMillis: r.healMillis };
    // From the cut, not from the detection: the lag restarting at the link-down moment is what hid the cut.
    assertLagNeverRestarts(w, 'replica-a', 'replica-a cut from the primary');
    const detected = detection(w, 'replica-a', 'replica-a cut from the primary');
    assertHiddenInstabilityWhileServing({ ...w, fromMillis: detected.atMillis }, 'replica-a cut from the primary');
  });

  it('replica-a cut from the primary (repl-timeout 3s): once its link is down, the reason names the replication link', async () => {
    const r = await runOverlapping();
    const from = r.linkDownMillis + noticeSlackMillis(INTERVAL_SECONDS);
    assertReasonNamesLink(
      { timeline: timeline!, originMillis: r.cutMillis, fromMillis: from, untilMillis: r.healMillis },
      'replica-a',
      'replica-a cut from the primary',
    );
  });

  it('the collector cut from replica-b: replica-b unknown within the freshness window, and never converged until the cut heals', async () => {
    const r = await runOverlapping();
    const t = timeline!;
    const w: Window = { timeline: t, originMillis: r.collectorCutMillis, fromMillis: r.collectorCutMillis, untilMillis: r.collectorHealMillis };
    const unknown = t.first(r.collectorCutMillis, (s) => member(s, 'replica-b').status === 'unknown', r.collectorHealMillis);
    assert.ok(
      unknown,
      `replica-b never unknown while the collector was cut from it\n${t.describe(r.collectorCutMillis, r.collectorCutMillis - 2_000, r.collectorHealMillis)}`,
    );
    // The last observation is at most one interval old at the cut; the tick that notices
    // comes at most one interval after the window ends; 2s more for a loaded machine.
    const boundMillis = (FRESHNESS_SECONDS + 2 * INTERVAL_SECONDS + 2) * 1000;
    assert.ok(
      unknown.atMillis - r.collectorCutMillis <= boundMillis,
      `replica-b unknown only ${seconds(unknown.atMillis - r.collectorCutMillis)} after the cut (freshness ${FRESHNESS_SECONDS}s)`,
    );
    for (const s of t.between(unknown.atMillis, r.collectorHealMillis)) {
      assert.notEqual(
        member(s, 'replica-b').status,
        'converged',
        `replica-b converged at ${seconds(s.atMillis - r.collectorCutMillis)} while the collector could not reach it\n${t.describe(w.originMillis, w.fromMillis, w.untilMillis)}`,
      );
    }
  });

  it(`healing the overlapping partitions: one episode, closed after the last heal, ${METRICS.episodes.name} +1`, async () => {
    const r = await runOverlapping();
    assertOneEpisode(r.before, r.after, r.healMillis, 'overlapping partitions');
  });

  it('replica-a cut from the primary with the default repl-timeout (60s): never converged, one episode', async () => {
    // The hole of issue 17 opens at the link-down moment, +62s with the default
    // timeout: the cut is held until 12s after it (about 75s in all).
    const t = timeline!;
    await redis.setReplTimeout(60);
    const before = await countEpisodes(collector!, GROUP);
    const cut = await lab!.cut(replicaA, primary);
    const cutMillis = t.mark(`${cut.description} (repl-timeout 60s)`);
    let record: CutRecord;
    try {
      const linkDownMillis = (await waitForLink(cutMillis, 'replica-a', 90_000)).atMillis;
      t.mark('replica-a master_link_status down');
      await pause(Math.max(0, linkDownMillis + AFTER_LINK_DOWN_MILLIS - Date.now()));
      const healed = await healAndCount([
        async () => {
          await cut.heal();
          return t.mark(`healed ${cut.description}`);
        },
      ]);
      record = { cutMillis, linkDownMillis, healMillis: healed.lastHealMillis, before, ...healed };
      reportCut('redis', 'replica-a ⇹ primary, repl-timeout 60s (default)', t, record, 'replica-a');
    } finally {
      await cut.heal();
      await redis.setReplTimeout(3);
    }
    const w: Window = { timeline: t, originMillis: cutMillis, fromMillis: cutMillis, untilMillis: record.healMillis };
    const detected = detection(w, 'replica-a', 'replica-a cut (repl-timeout 60s)', deadline(record));
    assertNeverRecoveredWhileCut({ ...w, fromMillis: detected.atMillis }, 'replica-a', 'replica-a cut (repl-timeout 60s)');
    assertLagNeverRestarts(w, 'replica-a', 'replica-a cut (repl-timeout 60s)');
    assertHiddenInstabilityWhileServing({ ...w, fromMillis: detected.atMillis }, 'replica-a cut (repl-timeout 60s)');
    assertOneEpisode(record.before, record.after, record.healMillis, 'replica-a cut (repl-timeout 60s)');
  });

  let isolation: Promise<CutRecord> | undefined;
  const runIsolation = () =>
    (isolation ??= (async () => {
      const t = timeline!;
      const before = await countEpisodes(collector!, GROUP);
      const cut = await lab!.isolate(primary);
      const cutMillis = t.mark(cut.description);
      try {
        const bothDown = await t.waitForSample(cutMillis, (s) => s.links['replica-a'] === 'down' && s.links['replica-b'] === 'down', 30_000);
        assert.ok(bothDown, `the replicas' links never turned down with the primary isolated\n${t.describe(cutMillis, cutMillis)}`);
        t.mark('both replicas: master_link_status down');
        await pause(Math.max(0, bothDown.atMillis + AFTER_LINK_DOWN_MILLIS - Date.now()));
        const healed = await healAndCount([
          async () => {
            await cut.heal();
            return t.mark(`healed ${cut.description}`);
          },
        ]);
        const record = { cutMillis, linkDownMillis: bothDown.atMillis, healMillis: healed.lastHealMillis, before, ...healed };
        const phaseChange = t.first(cutMillis, (s) => s.group.phase !== 'healthy', record.healMillis);
        const episodes = newEpisodes(before, healed.after).length;
        console.log(
          `# partition redis primary isolated: cut → group ${phaseChange ? `${phaseChange.group.phase} ${seconds(phaseChange.atMillis - cutMillis)}` : 'never left healthy'}; ` +
            `cut → replicas' link down ${seconds(bothDown.atMillis - cutMillis)}; ` +
            ['replica-a', 'replica-b'].map((name) => `${name} first non-converged ${describeDetection(t, name, cutMillis, record.healMillis)}`).join('; ') +
            `; episodes ${episodes}, ${METRICS.episodes.name} +${healed.after.total - before.total}`,
        );
        return record;
      } finally {
        await cut.heal();
      }
    })());

  it('primary isolated from everyone: the group unknown or degraded, never healthy, until the isolation heals', async () => {
    const r = await runIsolation();
    const t = timeline!;
    const left = t.first(r.cutMillis, (s) => s.group.phase !== 'healthy', r.healMillis);
    assert.ok(left, `the group stayed healthy with its primary isolated\n${t.describe(r.cutMillis, r.cutMillis - 2_000, r.healMillis)}`);
    for (const s of t.between(left.atMillis, r.healMillis)) {
      assert.ok(
        ['unknown', 'degraded'].includes(s.group.phase),
        `group ${s.group.phase} at ${seconds(s.atMillis - r.cutMillis)} with the primary isolated\n${t.describe(r.cutMillis, r.cutMillis - 2_000, r.healMillis)}`,
      );
    }
    assertOneEpisode(r.before, r.after, r.healMillis, 'primary isolated');
  });

  it('primary isolated: no reason says "behind the leader" while there is no leader', async () => {
    const r = await runIsolation();
    const t = timeline!;
    for (const s of t.between(r.cutMillis, r.healMillis)) {
      const leaderless = s.group.leader === null || member(s, 'primary').status !== 'converged';
      const lying = leaderless ? s.group.members.find((m) => m.reason?.includes('behind the leader')) : undefined;
      if (lying)
        assert.fail(
          `${lying.member}: "${lying.reason}" at ${seconds(s.atMillis - r.cutMillis)} with no leader to be behind\n${t.describe(r.cutMillis, r.cutMillis - 2_000, r.healMillis)}`,
        );
    }
  });

  it('primary isolated: a replica whose link is down is not converged from then until the isolation heals, and its reason names the link', async () => {
    const r = await runIsolation();
    const t = timeline!;
    for (const name of ['replica-a', 'replica-b']) {
      const down = t.first(r.cutMillis, linkDown(name), r.healMillis)!;
      // From its link-down moment: before it the replica still has a link, and no leader to compare with.
      const w: Window = { timeline: t, originMillis: r.cutMillis, fromMillis: down.atMillis, untilMillis: r.healMillis };
      const detected = detection(w, name, `${name} with the primary isolated`, deadline({ cutMillis: r.cutMillis, linkDownMillis: down.atMillis }));
      assertNeverRecoveredWhileCut({ ...w, fromMillis: detected.atMillis }, name, `${name} with the primary isolated`);
      assertReasonNamesLink({ ...w, fromMillis: down.atMillis + noticeSlackMillis(INTERVAL_SECONDS) }, name, `${name} with the primary isolated`);
    }
  });

  const deadline = (r: { cutMillis: number; linkDownMillis: number }) =>
    noticeDeadline({ ...r, lagToleranceSeconds: LAG_TOLERANCE_SECONDS, intervalSeconds: INTERVAL_SECONDS });
});
