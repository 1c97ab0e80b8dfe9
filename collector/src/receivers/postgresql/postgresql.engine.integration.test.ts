/**
 * End to end through the real engine: a real PostgreSQL primary and standby,
 * probed by the receiver, derived by RecoveryEngine. The group must walk
 * healthy → degraded → recovering → stabilizing → healthy with one episode,
 * show permission drift naming the standby, and a promoted standby beside a
 * running primary as split brain.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GROUP_DEFAULTS, type GroupConfig } from '../../config/group-config';
import { RecoveryEngine } from '../../engine/engine';
import { createMemoryLogger } from '../../logger';
import type { GroupState } from '../../model/group-state';
import type { Phase } from '../../model/types';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from '../../testing/postgres-primary-standby';
import { waitFor } from '../../testing/processes';
import { parsePostgresqlConfig } from './config';
import { PostgresqlReceiver } from './postgresql-receiver';

const GROUP: GroupConfig = {
  ...GROUP_DEFAULTS,
  name: 'orders-db',
  rtoMillis: 60_000,
  holdDownMillis: 1_500,
  freshnessMillis: 3_000,
  progressWindowMillis: 5_000,
  stabilizationWindowMillis: 10_000,
  lagToleranceBytes: 64 * 1024,
  receivers: [],
};

let pair: PostgresPrimaryStandby;
let engine: RecoveryEngine;
let receiver: PostgresqlReceiver;
const states: GroupState[] = [];

/** One probe round and one engine tick, as the collector does each interval. */
async function step(): Promise<GroupState> {
  await receiver.round(engine);
  const state = engine.tick().find((s) => s.name === GROUP.name)!;
  states.push(state);
  await new Promise((resolve) => setTimeout(resolve, 100));
  return state;
}

const stepUntil = (what: string, done: (s: GroupState) => boolean, timeoutMillis = 30_000): Promise<GroupState> =>
  waitFor(
    what,
    timeoutMillis,
    async () => {
      const state = await step();
      return done(state) ? state : undefined;
    },
    0,
  );

/** Phases in order, consecutive repeats collapsed. */
function phaseSequence(from: number): Phase[] {
  const phases: Phase[] = [];
  for (const state of states.slice(from)) if (phases.at(-1) !== state.phase) phases.push(state.phase);
  return phases;
}

describe('PostgreSQL primary + standby through the recovery engine', { timeout: 180_000 }, () => {
  before(async () => {
    pair = await startPostgresPrimaryStandby();
    await pair.query(pair.primary, 'CREATE TABLE orders (id bigserial PRIMARY KEY, payload text NOT NULL)');
    await pair.waitForCatchUp();
    engine = new RecoveryEngine({ groups: [GROUP] });
    const config = parsePostgresqlConfig(
      {
        nodes: [
          { member: 'pg-1', url: pair.primary.url() },
          { member: 'pg-2', url: pair.standby.url() },
        ],
      },
      'groups[0].postgresql',
    );
    receiver = new PostgresqlReceiver(GROUP.name, config, { intervalMillis: 200, logger: createMemoryLogger(), now: Date.now });
    await receiver.start(engine);
    await receiver.stop(); // start() declared the members; the test drives the rounds
  });

  after(async () => {
    await receiver?.stop();
    await pair?.close();
  });

  it('starts healthy with the primary as leader', async () => {
    const state = await stepUntil('healthy', (s) => s.phase === 'healthy');
    assert.equal(state.leader, 'pg-1');
    assert.equal(engine.sourceStates().get('postgresql/orders-db'), true);
  });

  it('stop the standby, write, restart: healthy → degraded → recovering → stabilizing → healthy, one episode', async () => {
    const from = states.length;
    await pair.stopStandby();
    const degraded = await stepUntil('degraded', (s) => s.phase === 'degraded');
    assert.equal(degraded.members.find((m) => m.member === 'pg-2')!.status, 'unreachable');
    assert.ok(degraded.episodeId !== null);
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('x', 200) FROM generate_series(1, 20000)");
    await step();

    await pair.startStandby();
    // Replay held while the primary writes on: the standby is back but behind by far more than the tolerance.
    await pair.query(pair.standby, 'SELECT pg_wal_replay_pause()');
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('y', 200) FROM generate_series(1, 20000)");
    const recovering = await stepUntil(
      'recovering with the standby lagging',
      (s) => s.phase === 'recovering' && s.members.find((m) => m.member === 'pg-2')!.status === 'lagging',
    );
    assert.ok(recovering.maxLagBytes! > GROUP.lagToleranceBytes);

    await pair.query(pair.standby, 'SELECT pg_wal_replay_resume()');
    await stepUntil('stabilizing', (s) => s.phase === 'stabilizing');
    const healthy = await stepUntil('healthy after the hold-down', (s) => s.phase === 'healthy');
    assert.equal(healthy.members.find((m) => m.member === 'pg-2')!.lagBytes, 0);

    assert.deepEqual(phaseSequence(from - 1), ['healthy', 'degraded', 'recovering', 'stabilizing', 'healthy']);
    const during = states.slice(from);
    const degradedProgress = Math.min(...during.filter((s) => s.phase === 'degraded').map((s) => s.progress));
    const laterProgress = Math.max(...during.filter((s) => s.phase === 'stabilizing').map((s) => s.progress));
    assert.ok(laterProgress > degradedProgress, `progress rose from ${degradedProgress} to ${laterProgress}`);

    const episodes = engine.episodes({ group: GROUP.name });
    assert.equal(episodes.length, 1);
    const [episode] = episodes;
    assert.notEqual(episode!.endMillis, null);
    const testSeconds = (Date.now() - degraded.derivedAtMillis) / 1000 + 5;
    assert.ok(episode!.durationSeconds! > 0 && episode!.durationSeconds! < testSeconds, `duration ${episode!.durationSeconds} s`);
    assert.deepEqual(episode!.membersAffected, ['pg-2']);
    assert.ok(episode!.peakLagSeconds === null || episode!.peakLagSeconds >= 0);
  });

  it('a pg_hba rule on the primary only: permission drift naming the standby, phase unchanged', async () => {
    await pair.addHbaRule(pair.primary, 'host all all 10.20.30.0/24 trust');
    const state = await stepUntil('permission drift', (s) => s.driftedMembers.length > 0);
    assert.deepEqual(state.driftedMembers, ['pg-2']);
    assert.equal(state.members.find((m) => m.member === 'pg-2')!.permissionDrift, true);
    assert.ok(state.permissionConsistency! < 1);
    assert.equal(state.phase, 'healthy', 'drift is a hazard beside the phase, not a phase');
  });

  it('a hung standby (SIGSTOP) goes unknown after the freshness window and the source reports down', async () => {
    pair.pauseStandby();
    try {
      const state = await stepUntil('the hung standby to go unknown', (s) => s.members.find((m) => m.member === 'pg-2')!.status === 'unknown');
      assert.equal(engine.sourceStates().get('postgresql/orders-db'), false);
      assert.match(state.members.find((m) => m.member === 'pg-2')!.reason ?? '', /no observation/);
      assert.notEqual(state.phase, 'healthy', 'absence of data is never health');
    } finally {
      pair.resumeStandby();
    }
    await stepUntil('the standby to converge again', (s) => s.members.find((m) => m.member === 'pg-2')!.status === 'converged');
    assert.equal(engine.sourceStates().get('postgresql/orders-db'), true);
  });

  it('the standby promoted while the primary still runs: split brain, the standby diverged', async () => {
    await pair.query(pair.standby, 'SELECT pg_promote(true, 30)');
    const state = await stepUntil('the promoted standby to show as diverged', (s) => s.members.find((m) => m.member === 'pg-2')!.status === 'diverged');
    assert.equal(state.leader, 'pg-1', 'the running primary stays the reference');
    assert.match(state.members.find((m) => m.member === 'pg-2')!.reason ?? '', /split brain/);
    assert.notEqual(state.phase, 'healthy');
  });
});
