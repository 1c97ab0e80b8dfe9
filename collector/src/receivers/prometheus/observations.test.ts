import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberVerdict } from '../../model/member-status';
import type { Observation } from '../../model/types';
import { parseInstantVector, type PromSample } from './client';
import { recordedRound, recordedSamples } from './fake-client';
import type { ExporterRound } from './member-samples';
import { mysqldExporterObservations, postgresExporterObservations, redisExporterObservations } from './observations';

const NOW = 1_800_000_000_000;
const TOLERANCES = { freshnessMillis: 3_000, lagToleranceSeconds: 5, lagToleranceBytes: 1024 * 1024 };

function roundOf(samples: { up: PromSample[]; metrics: PromSample[] }, extra: Partial<ExporterRound> = {}): ExporterRound {
  return {
    group: 'g',
    source: 'prometheus/g',
    atMillis: NOW,
    memberLabel: 'member',
    dependenciesFromLabels: {},
    knownMembers: [],
    lastRoles: new Map(),
    previousLeader: undefined,
    ...samples,
    ...extra,
  };
}

function byMember(observations: readonly Observation[]): Map<string, Observation> {
  return new Map(observations.map((o) => [o.member, o]));
}

/** The status the real model gives each member of the round, against the round's leader. */
function statuses(
  observations: readonly Observation[],
  leader: string | undefined,
): Map<string, { status: string; reason: string | null; lagBytes: number | null }> {
  const leaderObservation = observations.find((o) => o.member === leader);
  const reference = leader !== undefined && leaderObservation !== undefined ? { member: leader, observation: leaderObservation } : null;
  return new Map(
    observations.map((o) => {
      const v = memberVerdict({ member: o.member, role: o.role ?? 'replica', latest: o }, { leader: reference, tolerances: TOLERANCES, nowMillis: NOW });
      return [o.member, { status: v.status, reason: v.reason, lagBytes: v.lagBytes }];
    }),
  );
}

describe('redis_exporter (recorded from prometheus-redis-exporter 1.45 + redis 7 + Prometheus 2.42)', () => {
  it('steady: the master leads, the replica is converged with lag bytes from the two offsets', () => {
    const { observations, leader } = redisExporterObservations(roundOf(recordedSamples('redis-steady')));
    const o = byMember(observations);
    assert.equal(leader, 'primary');
    assert.equal(o.get('primary')?.role, 'leader');
    assert.equal(o.get('replica1')?.followsLeader, 'primary');
    assert.equal(o.get('replica1')?.lagBytes, 0);
    assert.equal(statuses(observations, leader).get('replica1')?.status, 'converged');
  });

  it('redis_connected_slave_lag_seconds is the ACK age, never lag seconds', () => {
    const samples = recordedSamples('redis-steady');
    // An ACK 30 s old: a silent link, not "30 s behind".
    const metrics = samples.metrics.map((s) => (s.labels['__name__'] === 'redis_connected_slave_lag_seconds' ? { ...s, value: 30 } : s));
    const { observations } = redisExporterObservations(roundOf({ ...samples, metrics }));
    const replica = byMember(observations).get('replica1')!;
    assert.equal(replica.lagSeconds, undefined);
    assert.deepEqual(replica.replicationLink, { up: true, silentForSeconds: 30 });
  });

  it('full resync (slave_state wait_bgsave, offset 0 against a 20 MB primary): lagging for the resync, no 20 MB of lag', () => {
    const recorded = recordedRound('redis-full-resync');
    const { observations, leader } = redisExporterObservations(roundOf(recordedSamples('redis-full-resync')));
    const replica = byMember(observations).get('replica1')!;
    assert.match(JSON.stringify(recorded.metrics), /wait_bgsave/);
    assert.equal(replica.lagBytes, undefined);
    assert.match(replica.replicationStoppedReason ?? '', /full resync in progress \(slave_state wait_bgsave\)/);
    const verdict = statuses(observations, leader).get('replica1')!;
    assert.equal(verdict.status, 'lagging');
    assert.equal(verdict.lagBytes, null, 'no lag bytes from offset 0');
  });

  it('replicas are matched by slave_ip:slave_port: another replica on the same port elsewhere is not this one', () => {
    const samples = recordedSamples('redis-steady');
    const line = samples.metrics.find((s) => s.labels['__name__'] === 'redis_connected_slave_offset_bytes')!;
    // A second replica line on the same port but another host, in wait_bgsave: it must not make replica1 resync.
    const other = { labels: { ...line.labels, slave_ip: '10.9.9.9', slave_state: 'wait_bgsave' }, value: 0 };
    const mine = { labels: { ...line.labels }, value: line.value };
    const replicaInfo = samples.metrics.find((s) => s.labels['__name__'] === 'redis_instance_info' && s.labels['member'] === 'replica1')!;
    const withHost = samples.metrics.map((s) => (s === replicaInfo ? s : s)).concat([other]);
    // The member label carries the replica's host (as `instance` does with one exporter per node).
    const relabel = (s: PromSample): PromSample =>
      s.labels['member'] === 'replica1' ? { ...s, labels: { ...s.labels, member: `${mine.labels['slave_ip']}:9121` } } : s;
    const { observations, leader } = redisExporterObservations(roundOf({ up: samples.up.map(relabel), metrics: withHost.map(relabel) }));
    const replica = observations.find((o) => o.member === `${mine.labels['slave_ip']}:9121`)!;
    assert.equal(replica.replicationStoppedReason, undefined);
    assert.equal(statuses(observations, leader).get(replica.member)?.status, 'converged');
  });

  it('replica down (redis_up 0 behind a live exporter): unreachable, keeping its last role', () => {
    const { observations } = redisExporterObservations(roundOf(recordedSamples('redis-replica-down'), { lastRoles: new Map([['replica1', 'replica']]) }));
    assert.deepEqual(
      { reachable: byMember(observations).get('replica1')?.reachable, role: byMember(observations).get('replica1')?.role },
      { reachable: false, role: 'replica' },
    );
  });

  it('exporter down (up 0): unknown with the reason, never healthy', () => {
    const { observations, leader } = redisExporterObservations(roundOf(recordedSamples('redis-exporter-down')));
    assert.match(byMember(observations).get('replica1')?.unknownReason ?? '', /exporter not scraped \(up 0/);
    assert.equal(statuses(observations, leader).get('replica1')?.status, 'unknown');
  });

  it('a known member missing from the answers is reported unknown, not dropped', () => {
    const { observations } = redisExporterObservations(roundOf(recordedSamples('redis-steady'), { knownMembers: [{ member: 'replica2' }] }));
    assert.match(byMember(observations).get('replica2')?.unknownReason ?? '', /no up series for member="replica2"/);
  });

  it('link down: lagging whatever the byte lag', () => {
    const samples = recordedSamples('redis-steady');
    const metrics = samples.metrics.map((s) => (s.labels['__name__'] === 'redis_master_link_up' ? { ...s, value: 0 } : s));
    const { observations, leader } = redisExporterObservations(roundOf({ ...samples, metrics }));
    const verdict = statuses(observations, leader).get('replica1')!;
    assert.equal(verdict.status, 'lagging');
    assert.match(verdict.reason ?? '', /replication link down/);
  });

  it('a restarted replica before its first sync (link down, offset 0): lagging, and its offset 0 is no lag of the whole dataset', () => {
    const samples = recordedSamples('redis-steady');
    const metrics = samples.metrics.map((s) => {
      if (s.labels['member'] !== 'replica1') return s;
      if (s.labels['__name__'] === 'redis_master_link_up') return { ...s, value: 0 };
      if (s.labels['__name__'] === 'redis_slave_repl_offset') return { ...s, value: 0 };
      return s;
    });
    const { observations, leader } = redisExporterObservations(roundOf({ ...samples, metrics }));
    assert.equal(byMember(observations).get('replica1')!.position, undefined);
    const verdict = statuses(observations, leader).get('replica1')!;
    assert.equal(verdict.status, 'lagging');
    assert.equal(verdict.lagBytes, null, 'no lag bytes from offset 0');
  });

  it('dependencies come from the mapped target labels', () => {
    const samples = recordedSamples('redis-steady');
    const up = samples.up.map((s) => ({ ...s, labels: { ...s.labels, zone: `z-${s.labels['member']}` } }));
    const { observations } = redisExporterObservations(roundOf({ ...samples, up }, { dependenciesFromLabels: { zone: 'cloud.availability_zone' } }));
    assert.deepEqual(byMember(observations).get('primary')?.dependencies, { 'cloud.availability_zone': 'z-primary' });
  });

  it('no observation carries a permission fingerprint (exporters expose no ACLs)', () => {
    const { observations } = redisExporterObservations(roundOf(recordedSamples('redis-steady')));
    assert.ok(observations.every((o) => o.permissionFingerprint === undefined));
  });
});

describe('postgres_exporter (recorded from prometheus-postgres-exporter 0.11.1 + PostgreSQL 15 + Prometheus 2.42)', () => {
  const standbys = { walreceiver: 'standby' };

  it('steady: the primary leads; the standby keyed by application_name is converged on byte lag 0', () => {
    const { observations, leader } = postgresExporterObservations(roundOf(recordedSamples('postgres-steady'), { standbys }));
    assert.equal(leader, 'primary');
    assert.equal(byMember(observations).get('standby')?.lagBytes, 0);
    assert.equal(statuses(observations, leader).get('standby')?.status, 'converged');
  });

  it('idle primary: pg_replication_lag grows on a caught-up standby, and is not read as lag', () => {
    const recorded = recordedRound('postgres-idle');
    const trap = (recorded.context?.['pg_replication_lag'] as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    assert.ok(Number(trap.find((r) => r.metric['member'] === 'standby')!.value[1]) > 8, 'the recorded trap: pg_replication_lag > 8 s');
    const { observations, leader } = postgresExporterObservations(roundOf(recordedSamples('postgres-idle'), { standbys }));
    const standby = byMember(observations).get('standby')!;
    assert.equal(standby.lagSeconds, undefined);
    assert.equal(statuses(observations, leader).get('standby')?.status, 'converged');
  });

  it("link gone: a standby (pg_up 1) missing from the primary's pg_stat_replication is lagging: link down", () => {
    // The row is still in the answer (its last sample lies within the [3s] window) but not in the primary's latest scrape.
    assert.match(JSON.stringify(recordedRound('postgres-link-gone').metrics), /pg_stat_replication_pg_wal_lsn_diff/);
    const { observations, leader } = postgresExporterObservations(roundOf(recordedSamples('postgres-link-gone'), { standbys }));
    const verdict = statuses(observations, leader).get('standby')!;
    assert.equal(verdict.status, 'lagging');
    assert.match(verdict.reason ?? '', /^replication link down/);
    assert.deepEqual(byMember(observations).get('standby')?.replicationLink, { up: false });
  });

  it('standbys are keyed by application_name / client_addr, never slot_name (a walsender PID)', () => {
    const samples = recordedSamples('postgres-steady');
    const metrics = samples.metrics.map((s) => (s.labels['slot_name'] !== undefined ? { ...s, labels: { ...s.labels, slot_name: '99999' } } : s));
    const byAddr = postgresExporterObservations(roundOf({ ...samples, metrics }, { standbys: { '127.0.0.1': 'standby' } }));
    assert.equal(byMember(byAddr.observations).get('standby')?.followsLeader, 'primary');
  });

  it('standby down as postgres_exporter 0.11.1 shows it (its scrape fails: up 0): unknown, never healthy', () => {
    const { observations, leader } = postgresExporterObservations(roundOf(recordedSamples('postgres-standby-down'), { standbys }));
    assert.equal(statuses(observations, leader).get('standby')?.status, 'unknown');
  });

  it("no primary answering: the standby's link is not observed (unknown), not converged", () => {
    const samples = recordedSamples('postgres-steady');
    const primaryDown = (s: PromSample): boolean => s.labels['member'] !== 'primary' || s.labels['__name__'] === 'pg_up';
    const metrics = samples.metrics.filter(primaryDown).map((s) => (s.labels['member'] === 'primary' ? { ...s, value: 0 } : s));
    const { observations, leader } = postgresExporterObservations(roundOf({ ...samples, metrics }, { standbys }));
    assert.equal(leader, undefined);
    assert.equal(statuses(observations, leader).get('standby')?.status, 'unknown');
  });
});

describe('mysqld_exporter (recorded from prometheus-mysqld-exporter 0.14 + MariaDB + Prometheus 2.42)', () => {
  const run = (name: string) => {
    const { observations, leader } = mysqldExporterObservations(roundOf(recordedSamples(name)));
    return { o: byMember(observations), v: statuses(observations, leader), leader };
  };

  it('steady: the primary leads, the replica converged on Seconds_Behind_Master 0', () => {
    const { o, v, leader } = run('mysqld-steady');
    assert.equal(leader, 'primary');
    assert.equal(o.get('replica')?.lagSeconds, 0);
    assert.equal(v.get('replica')?.status, 'converged');
  });

  it('SQL thread stopped: lagging with the reason; the lingering Seconds_Behind_Master sample of an earlier scrape is not read', () => {
    const { o, v } = run('mysqld-sql-stopped');
    assert.equal(o.get('replica')?.lagSeconds, undefined);
    assert.equal(v.get('replica')?.status, 'lagging');
    assert.match(v.get('replica')?.reason ?? '', /SQL thread stopped/);
  });

  it('IO thread stopped: lagging, link down', () => {
    const { v } = run('mysqld-io-stopped');
    assert.equal(v.get('replica')?.status, 'lagging');
    assert.match(v.get('replica')?.reason ?? '', /IO thread not running: replication link down/);
  });

  it('the exporter without SLAVE MONITOR (replica-blind: mysql_up 1, last_scrape_error 1, no slave series): unknown, never leader', () => {
    const { o, v, leader } = run('mysqld-steady');
    assert.equal(leader, 'primary');
    assert.notEqual(o.get('replica-blind')?.role, 'leader');
    assert.equal(v.get('replica-blind')?.status, 'unknown');
    assert.match(v.get('replica-blind')?.reason ?? '', /exporter cannot see replication/);
  });
});

/**
 * mysqld_exporter: written by hand with the names and labels of prometheus-mysqld-exporter
 * 0.14 (collector/slave_status.go: one series per SHOW SLAVE STATUS column, labels
 * channel_name, connection_name, master_host, master_uuid), for the cases the recorded rounds do not hold.
 */
describe('mysqld_exporter (hand-written with the 0.14 names: errnos, channels, newer upstream names)', () => {
  const channel = { channel_name: '', connection_name: '', master_host: '10.0.0.1', master_uuid: '' };
  const s = (member: string, name: string, value: number, labels: Record<string, string> = {}): PromSample => ({
    labels: { __name__: name, member, job: 'mysql', ...labels },
    value,
  });
  const up = [s('db-1', 'up', 1), s('db-2', 'up', 1)];
  const primary = [s('db-1', 'mysql_up', 1), s('db-1', 'mysql_exporter_last_scrape_error', 0), s('db-1', 'mysql_global_variables_read_only', 0)];
  const replica = (io: number, sql: number, behind: number | undefined, errnos: { io?: number; sql?: number } = {}): PromSample[] => [
    s('db-2', 'mysql_up', 1),
    s('db-2', 'mysql_exporter_last_scrape_error', 0),
    s('db-2', 'mysql_global_variables_read_only', 1),
    s('db-2', 'mysql_slave_status_slave_io_running', io, channel),
    s('db-2', 'mysql_slave_status_slave_sql_running', sql, channel),
    s('db-2', 'mysql_slave_status_last_io_errno', errnos.io ?? 0, channel),
    s('db-2', 'mysql_slave_status_last_sql_errno', errnos.sql ?? 0, channel),
    ...(behind === undefined ? [] : [s('db-2', 'mysql_slave_status_seconds_behind_master', behind, channel)]),
  ];
  const run = (metrics: PromSample[]) => {
    const { observations, leader } = mysqldExporterObservations(roundOf({ up, metrics }));
    return { o: byMember(observations), v: statuses(observations, leader), leader };
  };

  it('both threads running: lag seconds from seconds_behind_master', () => {
    const { o, v, leader } = run([...primary, ...replica(1, 1, 2)]);
    assert.equal(leader, 'db-1');
    assert.equal(o.get('db-2')?.lagSeconds, 2);
    assert.equal(v.get('db-2')?.status, 'converged');
  });

  it('SQL thread stopped: seconds_behind_master absent is not 0; lagging with the errno', () => {
    const { o, v } = run([...primary, ...replica(1, 0, undefined, { sql: 1062 })]);
    assert.equal(o.get('db-2')?.lagSeconds, undefined);
    assert.equal(v.get('db-2')?.status, 'lagging');
    assert.match(v.get('db-2')?.reason ?? '', /SQL thread stopped.*last_sql_errno 1062/);
  });

  it('IO thread connecting (0) with seconds_behind_master absent: link down, never converged', () => {
    const { v } = run([...primary, ...replica(0, 1, undefined, { io: 2003 })]);
    assert.equal(v.get('db-2')?.status, 'lagging');
    assert.match(v.get('db-2')?.reason ?? '', /IO thread not running: replication link down \(last_io_errno 2003\)/);
  });

  it('threads running but seconds_behind_master absent: unknown, not 0', () => {
    const { v } = run([...primary, ...replica(1, 1, undefined)]);
    assert.equal(v.get('db-2')?.status, 'unknown');
  });

  it('no slave metrics with mysql_exporter_last_scrape_error 1 (no SLAVE MONITOR): unknown, never leader', () => {
    const blind = [s('db-2', 'mysql_up', 1), s('db-2', 'mysql_exporter_last_scrape_error', 1), s('db-2', 'mysql_global_variables_read_only', 0)];
    const { o, v, leader } = run([...primary, ...blind]);
    assert.equal(leader, 'db-1');
    assert.notEqual(o.get('db-2')?.role, 'leader');
    assert.equal(v.get('db-2')?.status, 'unknown');
    assert.match(v.get('db-2')?.reason ?? '', /exporter cannot see replication/);
  });

  it('newer upstream names (replica_*_running, seconds_behind_source) are read too', () => {
    const newer = [
      s('db-2', 'mysql_up', 1),
      s('db-2', 'mysql_exporter_last_scrape_error', 0),
      s('db-2', 'mysql_slave_status_replica_io_running', 1, channel),
      s('db-2', 'mysql_slave_status_replica_sql_running', 1, channel),
      s('db-2', 'mysql_slave_status_seconds_behind_source', 9, channel),
    ];
    const { v } = run([...primary, ...newer]);
    assert.equal(v.get('db-2')?.status, 'lagging');
    assert.match(v.get('db-2')?.reason ?? '', /9\.0s/);
  });
});

describe('Prometheus answers', () => {
  it("a matrix (the receiver's [window] selectors) gives each series' newest sample with its scrape time", () => {
    const samples = parseInstantVector({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'redis_up', member: 'a' },
            values: [
              [1000, '0'],
              [1001.5, '1'],
            ],
          },
          { metric: { __name__: 'redis_up', member: 'b' }, values: [[1001, 'NaN']] },
        ],
      },
    });
    assert.deepEqual(samples, [{ labels: { __name__: 'redis_up', member: 'a' }, value: 1, atMillis: 1_001_500 }]);
  });
});
