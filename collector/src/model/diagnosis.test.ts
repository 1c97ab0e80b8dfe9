import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose, FAILOVER_OVERLOAD_RATIO, FINDING_CAUSES, type DiagnosisInput } from './diagnosis';
import type { MemberState } from './group-state';
import type { Observation } from './types';

const member = (name: string, status: MemberState['status'], reason: string | null = null, extra: Partial<MemberState> = {}): MemberState => ({
  member: name,
  role: 'replica',
  status,
  reason,
  lagSeconds: null,
  lagBytes: null,
  permissionDrift: false,
  observationAgeSeconds: 1,
  permissionsAgeSeconds: null,
  dependencies: {},
  ...extra,
});
const observation = (name: string, fields: Partial<Observation> = {}): Observation => ({
  group: 'g',
  member: name,
  source: 'redis/sessions',
  observedAtMillis: 0,
  reachable: true,
  ...fields,
});

function input(overrides: Partial<DiagnosisInput>): DiagnosisInput {
  return {
    phase: 'degraded',
    members: [],
    observations: [],
    leader: 'a',
    hasLeaderConcept: true,
    leaderServing: true,
    sharedDomains: [],
    failoverLoadRatio: null,
    etaSeconds: null,
    permissionDifferences: new Map(),
    permissionReference: 'a',
    sourceUp: () => true,
    ...overrides,
  };
}

describe('diagnose', () => {
  it('says whose data is missing and that its source is down', () => {
    const findings = diagnose(
      input({
        phase: 'unknown',
        members: [member('sessions-2', 'unknown', 'no observation for 47s', { observationAgeSeconds: 47 })],
        observations: [observation('sessions-2')],
        sourceUp: (s) => (s === 'redis/sessions' ? false : true),
      }),
    );
    assert.deepEqual(
      findings.map((f) => [f.cause, f.summary]),
      [['no_fresh_data', 'no data from sessions-2 for 47 s (source redis/sessions down)']],
    );
    assert.deepEqual(findings[0]!.members, ['sessions-2']);
  });

  it('orders findings most urgent first, one per cause, naming every member', () => {
    const findings = diagnose(
      input({
        leader: null,
        members: [
          member('a', 'unreachable', 'connection refused', { role: 'leader' }),
          member('b', 'lagging', 'behind the leader by 3.0s'),
          member('c', 'unreachable', 'timeout'),
        ],
        observations: [observation('a'), observation('b'), observation('c')],
      }),
    );
    assert.deepEqual(
      findings.map((f) => f.cause),
      ['no_leader', 'member_unreachable', 'replica_lagging'],
    );
    assert.deepEqual(findings[1]!.members, ['a', 'c']);
    assert.match(findings[1]!.summary, /^a \(leader\) unreachable: connection refused; c unreachable: timeout$/);
    const ranks = findings.map((f) => FINDING_CAUSES.indexOf(f.cause));
    assert.deepEqual(
      ranks,
      [...ranks].sort((x, y) => x - y),
    );
  });

  it(`names failover overload from ${FAILOVER_OVERLOAD_RATIO}× the old leader's load, not below`, () => {
    assert.deepEqual(
      diagnose(input({ leader: 'pg-3', failoverLoadRatio: 2.4 })).map((f) => f.summary),
      ["pg-3 took over as leader: failover load 2.4× the old leader's"],
    );
    assert.deepEqual(diagnose(input({ leader: 'pg-3', failoverLoadRatio: 1.2 })), []);
  });

  it('tells a stopped SQL thread from a stopped IO thread in its action', () => {
    const sql = 'SQL thread stopped: Error 1062: Duplicate entry';
    const findings = diagnose(input({ members: [member('db-2', 'lagging', sql)], observations: [observation('db-2', { replicationStoppedReason: sql })] }));
    assert.equal(findings[0]!.cause, 'replication_stopped');
    assert.match(findings[0]!.action, /START SLAVE SQL_THREAD/);
    const io = 'replication link down: IO thread Connecting: Error 2003';
    const ioFindings = diagnose(input({ members: [member('db-2', 'lagging', io)], observations: [observation('db-2', { replicationStoppedReason: io })] }));
    assert.match(ioFindings[0]!.action, /START SLAVE IO_THREAD/);
  });

  it('names a full resync as such, also when a source can only say it is under way', () => {
    const reason = 'full resync in progress (slave_state wait_bgsave)';
    const findings = diagnose(
      input({ members: [member('cache-b', 'lagging', reason)], observations: [observation('cache-b', { replicationStoppedReason: reason })] }),
    );
    assert.deepEqual(
      findings.map((f) => [f.cause, f.summary]),
      [['full_resync', `cache-b: ${reason}`]],
    );
  });

  it('says what a PostgreSQL full resync asks for: a restore waits past the archive, a base backup needs the server started', () => {
    const finding = (method: 'archive-restore' | 'base-backup', reason: string, etaSeconds: number | null) =>
      diagnose(
        input({
          members: [member('pg-2', 'lagging', reason)],
          observations: [observation('pg-2', { fullResync: { transferredBytes: 1, totalBytes: 2, method } })],
          etaSeconds,
        }),
      )[0]!;
    const restore = finding('archive-restore', 'restoring from the WAL archive: 1 B of 2 B replayed (50 %)', 40);
    assert.equal(restore.cause, 'full_resync');
    assert.equal(
      restore.action,
      'none yet, ETA 40 s from the replay rate: the standby replays WAL without streaming; past the end of the archive it waits for more, or streams if primary_conninfo is set',
    );
    assert.equal(
      finding('base-backup', 'full resync (base backup): 1 B of 2 B received (50 %)', null).action,
      'none yet: pg_basebackup is copying the data directory; start the server once it is done',
    );
  });

  it('says lagging is fine while catching up with an ETA, and stalled only when nothing improves', () => {
    const lagging = { members: [member('b', 'lagging', 'behind the leader by 100 bytes')], observations: [observation('b')] };
    assert.match(diagnose(input({ ...lagging, phase: 'recovering', etaSeconds: 40 }))[0]!.action, /catching up, ETA 40 s/);
    assert.match(diagnose(input({ ...lagging, phase: 'recovering' }))[0]!.action, /no ETA yet/);
    assert.match(diagnose(input({ ...lagging, phase: 'degraded' }))[0]!.action, /stalled/);
  });

  it('reports a shared failure domain about every member, also when healthy', () => {
    const findings = diagnose(
      input({
        phase: 'healthy',
        members: [member('a', 'converged'), member('b', 'converged')],
        observations: [undefined, undefined],
        sharedDomains: [{ dimension: 'cloud.availability_zone', value: 'eu-1a' }],
      }),
    );
    assert.deepEqual(
      findings.map((f) => [f.cause, f.summary, f.members]),
      [['shared_failure_domain', 'all members in cloud.availability_zone=eu-1a', ['a', 'b']]],
    );
  });

  it('says nothing about a healthy group without hazards', () => {
    assert.deepEqual(diagnose(input({ phase: 'healthy', members: [member('a', 'converged')], observations: [undefined] })), []);
  });
});
