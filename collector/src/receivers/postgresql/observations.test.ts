import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PostgresqlNodeConfig } from './config';
import { fakePostgresqlClient, readCapturedRows } from './fake-client';
import { lsnToBytes } from './lsn';
import { observationsOfRound, type PostgresqlOutcome } from './observations';
import { probePostgresqlNode, type PostgresqlNodeAnswer } from './queries';
import { Secret } from '../shared/secret';

const primaryRows = readCapturedRows('primary');
const standbyRows = readCapturedRows('standby-lagging');

function node(member: string, port: number, role?: 'leader'): PostgresqlNodeConfig {
  const url = `postgres://monitor@127.0.0.1:${port}/postgres`;
  return { member, url: new Secret(url), password: new Secret(''), redactedUrl: url, host: '127.0.0.1', port, dependencies: {}, ...(role ? { role } : {}) };
}

const nodes = [node('pg-1', primaryRows.port), node('pg-2', standbyRows.port)];
const answered = (answer: PostgresqlNodeAnswer): PostgresqlOutcome => ({ kind: 'answered', answer, atMillis: 1_000 });
const round = (outcomes: Record<string, PostgresqlOutcome>, roundNodes = nodes) =>
  observationsOfRound({
    group: 'orders-db',
    source: 'postgresql/orders-db',
    nodes: roundNodes,
    outcomes: new Map(Object.entries(outcomes)),
    previousLeader: undefined,
  });

describe('lsnToBytes', () => {
  it('reads the high and low 32-bit halves', () => {
    assert.equal(lsnToBytes('0/3000000'), 0x3000000);
    assert.equal(lsnToBytes('16/B374D848'), 0x16 * 2 ** 32 + 0xb374d848);
    assert.throws(() => lsnToBytes('nope'), /not a PostgreSQL LSN/);
  });
});

describe('observationsOfRound (rows captured from a real primary and a standby with replay paused)', () => {
  it('reports the primary as leader and the standby behind it by the LSN difference', async () => {
    const primary = await probePostgresqlNode(fakePostgresqlClient(primaryRows));
    const standby = await probePostgresqlNode(fakePostgresqlClient(standbyRows));
    const { observations, leader } = round({ 'pg-1': answered(primary), 'pg-2': answered(standby) });
    assert.equal(leader, 'pg-1');
    const [p, s] = observations;
    assert.equal(p!.role, 'leader');
    assert.equal(p!.serving, true);
    assert.equal(p!.position, lsnToBytes(primaryRows.rows['POSITION_SQL']![0]!['current_lsn'] as string));
    assert.equal(p!.lagBytes, 0);
    assert.equal(s!.role, 'standby');
    assert.equal(s!.followsLeader, 'pg-1');
    assert.equal(s!.position, lsnToBytes(standbyRows.rows['POSITION_SQL']![0]!['replay_lsn'] as string));
    // Same number pg_wal_lsn_diff gave on the primary for this standby.
    assert.equal(s!.lagBytes, primaryRows.rows['REPLICATION_SQL']![0]!['replay_lag_bytes']);
    assert.ok(s!.lagBytes! > 0);
    assert.equal(s!.lagSeconds, primaryRows.rows['REPLICATION_SQL']![0]!['replay_lag_seconds']);
    assert.equal(p!.permissionFingerprint, s!.permissionFingerprint, 'same pg_hba rules and roles on both');
  });

  it('a caught-up standby with NULL replay_lag (idle primary) is 0 s behind, not unknown', async () => {
    const primary = await probePostgresqlNode(fakePostgresqlClient(primaryRows));
    const standby = await probePostgresqlNode(fakePostgresqlClient(standbyRows));
    standby.replayLsnBytes = primary.currentLsnBytes!;
    primary.replication = primary.replication.map((r) => ({ ...r, replay_lag_seconds: null }));
    const [, s] = round({ 'pg-1': answered(primary), 'pg-2': answered(standby) }).observations;
    assert.equal(s!.lagBytes, 0);
    assert.equal(s!.lagSeconds, 0);
  });

  it('a refused node is unreachable; a timed-out one gets no observation at all', async () => {
    const primary = await probePostgresqlNode(fakePostgresqlClient(primaryRows));
    const refused = round({ 'pg-1': answered(primary), 'pg-2': { kind: 'refused', error: 'connect ECONNREFUSED 127.0.0.1:5433', atMillis: 900 } }).observations;
    assert.deepEqual(
      refused.map((o) => [o.member, o.reachable, o.observedAtMillis]),
      [
        ['pg-1', true, 1_000],
        ['pg-2', false, 900],
      ],
    );
    const withRole = observationsOfRound({
      group: 'orders-db',
      source: 'postgresql/orders-db',
      nodes,
      previousLeader: 'pg-1',
      outcomes: new Map<string, PostgresqlOutcome>([
        ['pg-1', answered(primary)],
        ['pg-2', { kind: 'refused', error: 'connect ECONNREFUSED 127.0.0.1:5433', atMillis: 900 }],
      ]),
      lastRoles: new Map([['pg-2', 'standby' as const]]),
    }).observations;
    assert.equal(withRole[1]!.role, 'standby', 'a refusing node keeps the role it was last seen in');
    const timedOut = round({
      'pg-1': answered(primary),
      'pg-2': { kind: 'timeout', error: 'pg-2 did not answer within 2000 ms', atMillis: 1_000 },
    }).observations;
    assert.deepEqual(
      timedOut.map((o) => o.member),
      ['pg-1'],
    );
  });

  it('a second node out of recovery is split brain while the standby still streams from the first', async () => {
    const primary = await probePostgresqlNode(fakePostgresqlClient(primaryRows));
    const standby = await probePostgresqlNode(fakePostgresqlClient(standbyRows));
    const promoted: PostgresqlNodeAnswer = { inRecovery: false, currentLsnBytes: primary.currentLsnBytes! + 10, replication: [] };
    const three = [...nodes, node('pg-3', 1)];
    const { observations, leader } = round({ 'pg-1': answered(primary), 'pg-2': answered(standby), 'pg-3': answered(promoted) }, three);
    assert.equal(leader, 'pg-1', 'the one the standby follows, though the other is ahead');
    const rival = observations.find((o) => o.member === 'pg-3')!;
    assert.equal(rival.role, 'leader');
    assert.match(rival.divergedReason!, /split brain: pg-3 claims leader while pg-1 \(followed by pg-2\)/);
  });

  it('without the pg_hba_file_rules grant the node still reports, without a permission fingerprint, and says which grant is missing', async () => {
    const answer = await probePostgresqlNode(fakePostgresqlClient(primaryRows, { deny: ['HBA_SQL'] }));
    assert.equal(answer.permissionFingerprint, undefined);
    assert.match(answer.permissionProblem!, /GRANT|grant the monitoring role SELECT on pg_hba_file_rules/);
    assert.equal(round({ 'pg-1': answered(answer) }, [nodes[0]!]).observations[0]!.permissionFingerprint, undefined);
  });
});

describe('the replication link (issue 17: a standby whose link is gone is never converged)', () => {
  const gonePrimary = readCapturedRows('primary-standby-gone');
  const noReceiver = readCapturedRows('standby-no-wal-receiver');
  const probe = async (rows: ReturnType<typeof readCapturedRows>) => probePostgresqlNode(fakePostgresqlClient(rows));
  const goneNodes = [node('pg-1', gonePrimary.port), node('pg-2', noReceiver.port)];

  it('streaming and replying: up, not silent (no WAL waits for a reply)', async () => {
    const [, s] = round({ 'pg-1': answered(await probe(primaryRows)), 'pg-2': answered(await probe(standbyRows)) }).observations;
    assert.deepEqual(s!.replicationLink, { up: true });
  });

  it("no WAL receiver on the standby and none in the primary's pg_stat_replication: down, though 0 bytes behind", async () => {
    const [, s] = round({ 'pg-1': answered(await probe(gonePrimary)), 'pg-2': answered(await probe(noReceiver)) }, goneNodes).observations;
    assert.equal(s!.lagBytes, 0);
    assert.deepEqual(s!.replicationLink, { up: false });
  });

  it('a WAL receiver that is not streaming is down; one whose status is hidden (no pg_read_all_stats) says nothing', async () => {
    const standby = await probe(standbyRows);
    const primary = await probe(primaryRows);
    const [, waiting] = round({
      'pg-1': answered(primary),
      'pg-2': answered({ ...standby, walReceiver: { ...standby.walReceiver!, status: 'waiting' } }),
    }).observations;
    assert.equal(waiting!.replicationLink?.up, false);
    const hidden = { ...standby, walReceiver: { status: null, senderHost: null, senderPort: null } };
    const hiddenPrimary = { ...primary, replication: primary.replication.map((r) => ({ ...r, state: null, application_name: null, client_addr: null })) };
    const [, s] = round({ 'pg-1': answered(hiddenPrimary), 'pg-2': answered(hidden) }).observations;
    assert.equal(s!.replicationLink?.up, true);
  });

  it("missing from the primary's list while the standby still streams (the primary already dropped it): down", async () => {
    const [, s] = round({ 'pg-1': answered(await probe(gonePrimary)), 'pg-2': answered(await probe(standbyRows)) }, [
      node('pg-1', gonePrimary.port),
      node('pg-2', standbyRows.port),
    ]).observations;
    assert.equal(s!.replicationLink?.up, false);
  });

  it('a row named for another member does not count for this standby; a row from its host does', async () => {
    const primary = await probe(primaryRows);
    const standby = await probe(standbyRows);
    const three = [...nodes, node('pg-3', 1)];
    const named = { ...primary, replication: primary.replication.map((r) => ({ ...r, application_name: 'pg-3' })) };
    assert.equal(round({ 'pg-1': answered(named), 'pg-2': answered(standby) }, three).observations[1]!.replicationLink?.up, false);
    assert.equal(round({ 'pg-1': answered(primary), 'pg-2': answered(standby) }, three).observations[1]!.replicationLink?.up, true);
  });

  it("WAL waiting for a reply: silent for reply_time's age; an idle link is not silent; without the primary, no claim", async () => {
    const primary = await probe(primaryRows);
    const standby = await probe(standbyRows);
    const waiting = { ...primary, replication: primary.replication.map((r) => ({ ...r, reply_age_seconds: 9.5, unflushed_bytes: 4096 })) };
    assert.deepEqual(round({ 'pg-1': answered(waiting), 'pg-2': answered(standby) }).observations[1]!.replicationLink, { up: true, silentForSeconds: 9.5 });
    const idle = { ...primary, replication: primary.replication.map((r) => ({ ...r, reply_age_seconds: 9.5, unflushed_bytes: 0 })) };
    assert.deepEqual(round({ 'pg-1': answered(idle), 'pg-2': answered(standby) }).observations[1]!.replicationLink, { up: true }, 'nothing to acknowledge');
    const alone = round({ 'pg-1': { kind: 'timeout', atMillis: 1_000 } as PostgresqlOutcome, 'pg-2': answered(standby) }).observations[0]!;
    assert.deepEqual(alone.replicationLink, { up: true });
  });
});
