import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberVerdict } from '../../model/member-status';
import type { Observation } from '../../model/types';
import { Secret } from '../shared/secret';
import type { PostgresqlNodeConfig } from './config';
import { fakePostgresqlClient, readCapturedRows } from './fake-client';
import { observationsOfRound, type PostgresqlOutcome } from './observations';
import { probePostgresqlNode } from './queries';
import { baseBackupOf, RestoreMemory, type BaseBackupRow } from './restore-progress';

// testdata/capture-full-resync.ts: a standby restoring ~30 MB from the WAL archive only (no
// primary_conninfo), two rounds a second apart; then the archive exhausted; and a primary while
// pg_basebackup clones the standby at 3 MB/s. All read as the pg_monitor role.
const primaryRestoring = readCapturedRows('primary-standby-restoring');
const restoring = readCapturedRows('standby-restoring');
const restoringLater = readCapturedRows('standby-restoring-later');
const exhausted = readCapturedRows('standby-archive-exhausted');
const primaryCloning = readCapturedRows('primary-base-backup');

function node(member: string, port: number, host = '127.0.0.1'): PostgresqlNodeConfig {
  const url = `postgres://monitor@${host}:${port}/postgres`;
  return { member, url: new Secret(url), password: new Secret(''), redactedUrl: url, host, port, dependencies: {} };
}

const nodes = [node('primary', primaryRestoring.port), node('standby', restoring.port)];
const probe = (rows: ReturnType<typeof readCapturedRows>) => probePostgresqlNode(fakePostgresqlClient(rows));

async function roundOf(
  restores: RestoreMemory,
  primary: ReturnType<typeof readCapturedRows>,
  standby: ReturnType<typeof readCapturedRows> | 'refused',
  atMillis: number,
) {
  const outcomes = new Map<string, PostgresqlOutcome>([
    ['primary', { kind: 'answered', answer: await probe(primary), atMillis }],
    [
      'standby',
      standby === 'refused' ? { kind: 'refused', error: 'connect ECONNREFUSED', atMillis } : { kind: 'answered', answer: await probe(standby), atMillis },
    ],
  ]);
  const { observations } = observationsOfRound({ group: 'orders-db', source: 'postgresql/orders-db', nodes, outcomes, previousLeader: undefined, restores });
  return { primary: observations.find((o) => o.member === 'primary')!, standby: observations.find((o) => o.member === 'standby')! };
}

function verdictOf(primary: Observation, standby: Observation) {
  return memberVerdict(
    { member: 'standby', role: 'standby', latest: standby },
    {
      leader: { member: 'primary', observation: primary },
      tolerances: { freshnessMillis: 3000, lagToleranceSeconds: 5, lagToleranceBytes: 1 << 20 },
      nowMillis: standby.observedAtMillis,
    },
  );
}

const lsn = (rows: ReturnType<typeof readCapturedRows>, column: string) => {
  const [hi, lo] = String(rows.rows['POSITION_SQL']![0]![column]).split('/');
  return parseInt(hi!, 16) * 2 ** 32 + parseInt(lo!, 16);
};

describe('a PostgreSQL standby restoring from the WAL archive', () => {
  it('reads what the startup process does and that a restore_command is set (never the command)', async () => {
    const answer = await probe(restoring);
    assert.deepEqual(answer.recovery, { startupWaitEvent: 'RestoreCommand', startupVisible: true, restoreCommandSet: true });
    assert.equal(answer.walReceiver, undefined, 'no WAL receiver runs');
    assert.equal(JSON.stringify(answer).includes('cp '), false);
  });

  it('the first round alone claims nothing: a restore needs the replay LSN to move', async () => {
    const { standby } = await roundOf(new RestoreMemory(), primaryRestoring, restoring, 1_000);
    assert.equal(standby.fullResync, undefined);
    assert.deepEqual(standby.replicationLink, { up: false });
  });

  it('once it moved: the bytes replayed since, of the WAL up to the primary\'s current LSN, and its reason says "restoring from the WAL archive"', async () => {
    const restores = new RestoreMemory();
    await roundOf(restores, primaryRestoring, restoring, 1_000);
    const { primary, standby } = await roundOf(restores, primaryRestoring, restoringLater, 2_000);
    const start = lsn(restoring, 'replay_lsn');
    assert.deepEqual(standby.fullResync, {
      transferredBytes: lsn(restoringLater, 'replay_lsn') - start,
      totalBytes: lsn(primaryRestoring, 'current_lsn') - start,
      method: 'archive-restore',
    });
    const verdict = verdictOf(primary, standby);
    assert.equal(verdict.status, 'lagging');
    assert.equal(verdict.reason, 'restoring from the WAL archive: 2.1 MB of 24.1 MB replayed (8 %)');
    assert.equal(verdict.lagBytes, lsn(primaryRestoring, 'current_lsn') - lsn(restoringLater, 'replay_lsn'), 'what is left is what it lacks');
    assert.equal(verdict.lagSeconds, null);
  });

  it('the archive exhausted (RecoveryRetrieveRetryInterval): the restore is over, the link is down, still lagging, never converged', async () => {
    const restores = new RestoreMemory();
    await roundOf(restores, primaryRestoring, restoring, 1_000);
    await roundOf(restores, primaryRestoring, restoringLater, 2_000);
    const { primary, standby } = await roundOf(restores, primaryRestoring, exhausted, 3_000);
    assert.equal(standby.fullResync, undefined);
    const verdict = verdictOf(primary, standby);
    assert.equal(verdict.status, 'lagging');
    assert.match(verdict.reason ?? '', /^replication link down/);
  });

  it('without pg_read_all_stats the startup process is hidden: no claim, the link reading stands', () => {
    const restores = new RestoreMemory();
    const hidden = { startupWaitEvent: null, startupVisible: false, restoreCommandSet: true };
    assert.equal(restores.progressOf('s', { replayLsnBytes: 100, walReceiverRuns: false, recovery: hidden }, 1000), undefined);
    assert.equal(restores.progressOf('s', { replayLsnBytes: 200, walReceiverRuns: false, recovery: hidden }, 1000), undefined);
  });

  it('between two segments the restore goes on; without restore_command it is WAL replayed without streaming; no primary: no total', () => {
    const restores = new RestoreMemory();
    const working = { startupWaitEvent: null, startupVisible: true };
    restores.progressOf('s', { replayLsnBytes: 100, walReceiverRuns: false, recovery: working }, 1000);
    restores.progressOf('s', { replayLsnBytes: 300, walReceiverRuns: false, recovery: working }, 1000);
    assert.deepEqual(restores.progressOf('s', { replayLsnBytes: 300, walReceiverRuns: false, recovery: working }, undefined), {
      transferredBytes: 200,
      method: 'wal-replay',
    });
    assert.equal(restores.progressOf('s', { replayLsnBytes: 400, walReceiverRuns: true, recovery: working }, 1000), undefined, 'streaming again');
  });
});

describe('a PostgreSQL standby cloned again with pg_basebackup', () => {
  const clone = { ...node('standby', restoring.port) };

  it("its server refuses connections while the primary streams its copy: full resync (base backup) with the primary's byte counts", async () => {
    const { primary, standby } = await roundOf(new RestoreMemory(), primaryCloning, 'refused', 1_000);
    assert.equal(standby.reachable, false);
    assert.deepEqual(standby.fullResync, { transferredBytes: 5_102_080, totalBytes: 44_204_032, method: 'base-backup', stage: 'streaming database files' });
    const verdict = verdictOf(primary, standby);
    assert.equal(verdict.status, 'lagging', 'on its way back, not just unreachable');
    assert.equal(verdict.reason, 'full resync (base backup): 5.1 MB of 44.2 MB received (11 %)');
    assert.equal(verdict.lagBytes, 44_204_032 - 5_102_080);
  });

  it('the old primary rebuilt as a standby after a failover: it keeps its last role, and is in full resync, not an unreachable leader', async () => {
    const outcomes = new Map<string, PostgresqlOutcome>([
      ['primary', { kind: 'answered', answer: await probe(primaryCloning), atMillis: 1_000 }],
      ['standby', { kind: 'refused', error: 'connect ECONNREFUSED', atMillis: 1_000 }],
    ]);
    const { observations, leader } = observationsOfRound({
      group: 'orders-db',
      source: 'postgresql/orders-db',
      nodes,
      outcomes,
      previousLeader: 'standby',
      lastRoles: new Map([['standby', 'leader' as const]]),
    });
    assert.equal(leader, 'primary');
    const old = observations.find((o) => o.member === 'standby')!;
    assert.equal(old.role, 'leader');
    const verdict = memberVerdict(
      { member: 'standby', role: 'leader', latest: old },
      {
        leader: { member: 'primary', observation: observations.find((o) => o.member === 'primary')! },
        tolerances: { freshnessMillis: 3000, lagToleranceSeconds: 5, lagToleranceBytes: 1 << 20 },
        nowMillis: 1_000,
      },
    );
    assert.equal(verdict.status, 'lagging');
    assert.match(verdict.reason ?? '', /^full resync \(base backup\)/);
  });

  it('matched by application_name; by host only when no other member shares it, never a backup named for another member', () => {
    const row = (application_name: string | null, client_addr: string | null): BaseBackupRow => ({
      application_name,
      client_addr,
      phase: 'streaming database files',
      backup_total: 100,
      backup_streamed: 10,
    });
    assert.notEqual(baseBackupOf(clone, nodes, [row('standby', '10.9.9.9')]), undefined);
    // Both members on 127.0.0.1: a plain pg_basebackup from there may be anyone's nightly backup.
    assert.equal(baseBackupOf(clone, nodes, [row('pg_basebackup', '127.0.0.1')]), undefined);
    const apart = [node('primary', 5432, '10.0.0.1'), node('standby', 5432, '10.0.0.2'), node('replica-3', 5432, '10.0.0.3')];
    assert.notEqual(baseBackupOf(apart[1]!, apart, [row('pg_basebackup', '10.0.0.2')]), undefined);
    assert.equal(baseBackupOf(apart[1]!, apart, [row('replica-3', '10.0.0.2')]), undefined);
    assert.equal(baseBackupOf(apart[1]!, apart, [row('pg_basebackup', '10.0.0.2'), row('pg_basebackup', '10.0.0.2')]), undefined, 'two: which one?');
  });

  it('before the copy: the step pg_basebackup is in; with --no-estimate-size: the bytes without a share', () => {
    const waiting = { transferredBytes: 0, method: 'base-backup' as const, stage: 'waiting for checkpoint to finish' };
    const verdict = (fullResync: Observation['fullResync']) =>
      memberVerdict(
        { member: 'standby', role: 'standby', latest: { group: 'g', member: 'standby', source: 's', observedAtMillis: 0, reachable: false, fullResync } },
        { leader: null, tolerances: { freshnessMillis: 3000, lagToleranceSeconds: 5, lagToleranceBytes: 1 }, nowMillis: 0 },
      );
    assert.equal(verdict(waiting).reason, 'full resync (base backup): waiting for checkpoint to finish');
    assert.equal(
      verdict({ ...waiting, transferredBytes: 3_000_000, stage: 'streaming database files' }).reason,
      'full resync (base backup): 3.0 MB received (size not estimated)',
    );
    assert.equal(
      verdict({ ...waiting, transferredBytes: 3_000_000, totalBytes: 3_000_000, stage: 'transferring wal files' }).reason,
      'full resync (base backup): 3.0 MB of 3.0 MB received (100 %), transferring wal files',
    );
  });
});
