/**
 * The contrib receivers' metrics, as their metadata.yaml define them (testdata/contrib-metadata.ts),
 * through the OTLP ingest into the real engine: the statuses and lags each system's points let
 * Rebound derive, and the traps where they would mislead.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GROUP_DEFAULTS, type GroupConfig } from '../../../config/group-config';
import { RecoveryEngine } from '../../../engine/engine';
import type { MemberState } from '../../../model/group-state';
import { createDefaultOtlpServerConfig, parseOtlpGroupConfig } from '../config';
import { describeRefusals, OtlpIngest, type IngestResult } from '../ingest';
import { contribOptionsOf } from './contrib-config';
import { CONTRIB_METRICS } from './contrib-metrics';
import { MONGODB_RECEIVER, MYSQL_RECEIVER, POSTGRESQL_RECEIVER, RECEIVERS, REDIS_RECEIVER } from './testdata/contrib-metadata';
import { requestOf, type Scrape } from './testdata/scrape';

const T0 = Date.parse('2026-12-01T12:00:00Z');

/** One group fed by the OTLP ingest (with contrib tables from its `otlp:` config) and judged by the engine. */
class Harness {
  now = T0;
  readonly engine: RecoveryEngine;
  readonly ingest: OtlpIngest;
  last: IngestResult | undefined;

  constructor(group: string, otlp: Record<string, unknown> = {}) {
    const config: GroupConfig = {
      ...GROUP_DEFAULTS,
      name: group,
      freshnessMillis: 30_000,
      holdDownMillis: 0,
      receivers: [{ type: 'otlp', config: parseOtlpGroupConfig(otlp, 'groups[0].otlp') }],
    };
    this.engine = new RecoveryEngine({ groups: [config], now: () => this.now });
    const declared = parseOtlpGroupConfig(otlp, 'groups[0].otlp').members;
    if (declared.length > 0) this.engine.declare(group, declared);
    this.ingest = new OtlpIngest({ groups: new Set([group]), server: createDefaultOtlpServerConfig(), contrib: contribOptionsOf([config]) });
  }

  send(...scrapes: Scrape[]): IngestResult {
    this.last = this.ingest.ingest(requestOf(...scrapes), this.now);
    for (const o of this.last.observations) this.engine.observe(o);
    return this.last;
  }

  members(): Record<string, Pick<MemberState, 'status' | 'reason' | 'lagSeconds' | 'lagBytes'>> {
    const state = this.engine.tick()[0]!;
    return Object.fromEntries(state.members.map((m) => [m.member, { status: m.status, reason: m.reason, lagSeconds: m.lagSeconds, lagBytes: m.lagBytes }]));
  }

  phase(): string {
    return this.engine.tick()[0]!.phase;
  }
}

describe('contrib metric names', () => {
  it('reads every metric it lists with the unit its receiver sets', () => {
    const defined = new Map(RECEIVERS.flatMap((r) => Object.entries(r.metrics)));
    for (const [name, ours] of CONTRIB_METRICS) {
      const theirs = defined.get(name);
      assert.ok(theirs, `${name} is in no receiver's metadata`);
      if (ours.unit !== undefined) assert.equal(ours.unit, theirs.unit, name);
    }
  });
});

describe('redisreceiver', () => {
  const redis = (port: number, atMillis: number, points: Scrape['points']): Scrape => ({
    receiver: REDIS_RECEIVER,
    resource: { 'server.address': '10.0.0.1', 'server.port': String(port), 'recovery.group': 'cache' },
    atMillis,
    points: [{ metric: 'redis.uptime', value: 100 }, ...points],
  });
  const primary = (at: number, offset: number, connected = 1) =>
    redis(6379, at, [
      { metric: 'redis.role', value: 1, attributes: { role: 'primary' } },
      { metric: 'redis.replication.offset', value: offset },
      { metric: 'redis.slaves.connected', value: connected },
    ]);
  const replica = (at: number, offset: number | undefined) =>
    redis(6380, at, [
      { metric: 'redis.role', value: 1, attributes: { role: 'replica' } },
      { metric: 'redis.replication.offset', value: offset ?? 0 },
      ...(offset === undefined ? [] : [{ metric: 'redis.replication.replica_offset', value: offset }]),
    ]);

  it('steady: both converged, lag from the offsets, group healthy', () => {
    const h = new Harness('cache');
    h.send(primary(T0, 5_000_000), replica(T0, 5_000_000));
    assert.deepEqual(h.members()['10.0.0.1:6380'], { status: 'converged', reason: null, lagSeconds: null, lagBytes: 0 });
    assert.equal(h.members()['10.0.0.1:6379']!.status, 'converged');
    assert.equal(h.phase(), 'healthy');
  });

  it('a replica 4 MiB behind is lagging by the offset difference', () => {
    const h = new Harness('cache');
    h.send(primary(T0, 9_000_000), replica(T0, 9_000_000 - 4 * 1024 * 1024));
    assert.equal(h.members()['10.0.0.1:6380']!.status, 'lagging');
    assert.equal(h.members()['10.0.0.1:6380']!.lagBytes, 4 * 1024 * 1024);
  });

  it('full resync: replica offset 1 is no position, not "every byte ever written" of lag', () => {
    const h = new Harness('cache');
    h.send(primary(T0, 100_000_000, 1), replica(T0, 1));
    const m = h.members()['10.0.0.1:6380']!;
    assert.equal(m.status, 'lagging');
    assert.match(m.reason!, /no sync with the primary completed yet/);
    assert.equal(m.lagBytes, null);
  });

  it('the primary reports no replica connected: the replica link is down, whatever the offsets', () => {
    const h = new Harness('cache');
    h.send(primary(T0, 5_000_000, 0), replica(T0, 5_000_000));
    assert.equal(h.members()['10.0.0.1:6380']!.status, 'lagging');
    assert.match(h.members()['10.0.0.1:6380']!.reason!, /replication link down/);
  });

  it('without replica_offset (disabled by default) the replica is unknown, saying how to enable it', () => {
    const h = new Harness('cache');
    h.send(primary(T0, 5_000_000), replica(T0, undefined));
    assert.equal(h.members()['10.0.0.1:6380']!.status, 'unknown');
    assert.match(h.members()['10.0.0.1:6380']!.reason!, /enable metrics\.redis\.replication\.replica_offset/);
  });

  it('without redis.role (disabled by default) nobody is leader or healthy', () => {
    const h = new Harness('cache');
    h.send(redis(6379, T0, [{ metric: 'redis.replication.offset', value: 10 }]));
    assert.equal(h.members()['10.0.0.1:6379']!.status, 'unknown');
    assert.match(h.members()['10.0.0.1:6379']!.reason!, /enable metrics\.redis\.role/);
    assert.notEqual(h.phase(), 'healthy');
  });
});

describe('postgresqlreceiver', () => {
  const otlp = {
    members: [{ member: 'pg-1', role: 'leader' }],
    contrib: { members: { '10.0.0.1:5432': 'pg-1', '10.0.0.2:5432': 'pg-2' }, replication_clients: { '10.0.0.2': 'pg-2' } },
  };
  const node = (host: string, atMillis: number, points: Scrape['points']): Scrape => ({
    receiver: POSTGRESQL_RECEIVER,
    resource: { 'server.address': host, 'server.port': 5432 },
    atMillis,
    points: [{ metric: 'postgresql.database.count', value: 3 }, ...points],
  });
  const row = (client: string, bytes: number, replaySeconds?: number): Scrape['points'] => [
    { metric: 'postgresql.replication.data_delay', value: bytes, attributes: { replication_client: client } },
    ...(replaySeconds === undefined
      ? []
      : [{ metric: 'postgresql.wal.lag', value: replaySeconds, attributes: { operation: 'replay', replication_client: client } }]),
    ...(replaySeconds === undefined ? [] : [{ metric: 'postgresql.wal.lag', value: 99, attributes: { operation: 'write', replication_client: client } }]),
  ];

  it('lag seen from the primary, keyed by replication_client through the configured table', () => {
    const h = new Harness('orders-db', otlp);
    h.send(node('10.0.0.1', T0, row('10.0.0.2', 2 * 1024 * 1024, 7)), node('10.0.0.2', T0, []));
    assert.deepEqual(h.members()['pg-2'], { status: 'lagging', reason: 'behind the leader by 7.0s / 2097152 bytes', lagSeconds: 7, lagBytes: 2 * 1024 * 1024 });
  });

  it('idle primary for 60 s: no replay lag point (NULL when idle), 0 bytes: stays converged', () => {
    const h = new Harness('orders-db', otlp);
    for (let s = 0; s <= 60; s += 10) {
      h.now = T0 + s * 1000;
      h.send(node('10.0.0.1', h.now, row('10.0.0.2', 0)), node('10.0.0.2', h.now, []));
      assert.equal(h.members()['pg-2']!.status, 'converged', `at ${s}s`);
    }
    assert.equal(h.phase(), 'healthy');
  });

  it('a last measured replay lag with 0 bytes left is about WAL already applied: converged', () => {
    const h = new Harness('orders-db', otlp);
    h.send(node('10.0.0.1', T0, row('10.0.0.2', 0, 9)), node('10.0.0.2', T0, []));
    assert.deepEqual(h.members()['pg-2'], { status: 'converged', reason: null, lagSeconds: null, lagBytes: 0 });
  });

  it("a standby missing from the primary's latest scrape has lost its link, though its own receiver still reaches it", () => {
    const h = new Harness('orders-db', otlp);
    h.send(node('10.0.0.1', T0, row('10.0.0.2', 0)), node('10.0.0.2', T0, []));
    h.now = T0 + 10_000;
    h.send(node('10.0.0.1', h.now, []), node('10.0.0.2', h.now, []));
    assert.equal(h.members()['pg-2']!.status, 'lagging');
    assert.match(h.members()['pg-2']!.reason!, /replication link down/);
  });

  it('client_addr as text with its netmask (10.0.0.2/32) and a standby matched by its host', () => {
    const h = new Harness('orders-db', {
      members: [{ member: 'pg-1', role: 'leader' }],
      contrib: { members: { '10.0.0.1:5432': 'pg-1', '10.0.0.2:5432': 'pg-2' } },
    });
    h.send(node('10.0.0.2', T0, []), node('10.0.0.1', T0, row('10.0.0.2/32', 0)));
    assert.equal(h.members()['pg-2']!.status, 'converged');
  });

  it('a row whose replication_client maps to no member is refused, naming the fix', () => {
    const h = new Harness('orders-db', otlp);
    const result = h.send(node('10.0.0.1', T0, row('10.0.0.9', 0)));
    assert.equal(result.rejectedDataPoints, 1);
    assert.match(
      describeRefusals(result.refusals),
      /replication_client "10\.0\.0\.9", which maps to no member: add "10\.0\.0\.9: <member>" under group "orders-db"'s otlp\.contrib\.replication_clients/,
    );
  });

  it('after a failover the rows decide: the new primary leads, the declared one is its standby', () => {
    const h = new Harness('orders-db', { ...otlp, contrib: { ...otlp.contrib, replication_clients: { '10.0.0.2': 'pg-2', '10.0.0.1': 'pg-1' } } });
    h.send(node('10.0.0.1', T0, row('10.0.0.2', 0)), node('10.0.0.2', T0, []));
    h.now = T0 + 10_000;
    h.send(node('10.0.0.2', h.now, row('10.0.0.1', 4096)), node('10.0.0.1', h.now, []));
    const m = h.members();
    assert.deepEqual([m['pg-2']!.status, m['pg-1']!.status, m['pg-1']!.lagBytes], ['converged', 'converged', 4096]);
    assert.equal(h.engine.tick()[0]!.leader, 'pg-2');
  });

  it("a standby whose primary's receiver went silent is unknown, not converged on old rows", () => {
    const h = new Harness('orders-db', otlp);
    h.send(node('10.0.0.1', T0, row('10.0.0.2', 0)), node('10.0.0.2', T0, []));
    h.now = T0 + 40_000;
    h.send(node('10.0.0.2', h.now, []));
    assert.equal(h.members()['pg-2']!.status, 'unknown');
    assert.match(h.members()['pg-2']!.reason!, /the leader pg-1 last reported 40s ago/);
  });

  it('without rows or a declared primary, nobody is leader: unknown, saying so', () => {
    const h = new Harness('orders-db', { contrib: { members: { '10.0.0.1:5432': 'pg-1' } } });
    h.send(node('10.0.0.1', T0, []));
    assert.equal(h.members()['pg-1']!.status, 'unknown');
    assert.match(h.members()['pg-1']!.reason!, /exports no role/);
  });
});

describe('mysqlreceiver', () => {
  const otlp = { members: [{ member: 'db-1', role: 'leader' }], contrib: { members: { 'localhost:3306': 'db-1', 'localhost:3307': 'db-2' } } };
  const node = (endpoint: string, atMillis: number, points: Scrape['points']): Scrape => ({
    receiver: MYSQL_RECEIVER,
    resource: { 'mysql.instance.endpoint': endpoint },
    atMillis,
    points: [{ metric: 'mysql.uptime', value: 1000 }, ...points],
  });

  it('steady: replica 0 s behind, declared source leader: healthy', () => {
    const h = new Harness('billing-db', otlp);
    h.send(
      node('localhost:3306', T0, []),
      node('localhost:3307', T0, [
        { metric: 'mysql.replica.time_behind_source', value: 0 },
        { metric: 'mysql.replica.sql_delay', value: 0 },
      ]),
    );
    assert.equal(h.members()['db-2']!.status, 'converged');
    assert.equal(h.phase(), 'healthy');
  });

  it('time_behind_source absent (NULL: a thread stopped) is not 0: lagging with the reason', () => {
    const h = new Harness('billing-db', otlp);
    h.send(node('localhost:3306', T0, []), node('localhost:3307', T0, [{ metric: 'mysql.replica.sql_delay', value: 0 }]));
    assert.equal(h.members()['db-2']!.status, 'lagging');
    assert.match(h.members()['db-2']!.reason!, /Seconds_Behind_Source is NULL/);
  });

  it('SQL_Delay is lag by design: a delayed replica at its delay is converged', () => {
    const h = new Harness('billing-db', otlp);
    h.send(
      node('localhost:3306', T0, []),
      node('localhost:3307', T0, [
        { metric: 'mysql.replica.time_behind_source', value: 3602 },
        { metric: 'mysql.replica.sql_delay', value: 3600 },
      ]),
    );
    assert.deepEqual(h.members()['db-2'], { status: 'converged', reason: null, lagSeconds: 2, lagBytes: null });
  });

  it('a member without replica status is never leader unless declared', () => {
    const h = new Harness('billing-db', { contrib: otlp.contrib });
    h.send(node('localhost:3306', T0, []));
    assert.equal(h.members()['db-1']!.status, 'unknown');
    assert.match(h.members()['db-1']!.reason!, /declare the source under otlp\.members/);
  });
});

describe('mongodbreceiver', () => {
  const node = (host: string, atMillis: number, state: string, lags: [string, number][] = []): Scrape => ({
    receiver: MONGODB_RECEIVER,
    resource: { 'server.address': host, 'recovery.group': 'catalog' },
    atMillis,
    points: [
      ...['primary', 'secondary', 'recovering'].map((s) => ({
        metric: 'mongodb.replica_set.member.status',
        value: s === state ? 1 : 0,
        attributes: { 'mongodb.replica_set.member.state': s },
      })),
      ...lags.flatMap(([name, seconds]) => [
        {
          metric: 'mongodb.replica_set.lag',
          value: seconds,
          attributes: { 'mongodb.replica_set.member.name': name, 'mongodb.replica_set.lag.type': 'applied' },
        },
        {
          metric: 'mongodb.replica_set.lag',
          value: seconds + 100,
          attributes: { 'mongodb.replica_set.member.name': name, 'mongodb.replica_set.lag.type': 'durable' },
        },
      ]),
    ],
  });

  it('applied lag from the primary, matched to the member by host; durable lag not read', () => {
    const h = new Harness('catalog');
    h.send(node('mongo-1', T0, 'secondary'), node('mongo-0', T0, 'primary', [['mongo-1:27017', 1.5]]));
    assert.deepEqual(h.members()['mongo-1'], { status: 'converged', reason: null, lagSeconds: 1.5, lagBytes: null });
    h.send(node('mongo-0', T0, 'primary', [['mongo-1:27017', 30]]));
    assert.equal(h.members()['mongo-1']!.status, 'lagging');
  });

  it("a secondary missing from the primary's lags has lost its link; a recovering member is not converged", () => {
    const h = new Harness('catalog');
    h.send(node('mongo-1', T0, 'secondary'), node('mongo-2', T0, 'recovering'), node('mongo-0', T0, 'primary', []));
    assert.match(h.members()['mongo-1']!.reason!, /replication link down/);
    assert.deepEqual([h.members()['mongo-2']!.status, h.members()['mongo-2']!.reason], ['lagging', 'replica set member state recovering']);
  });
});

describe('otlp.contrib config', () => {
  it('a typo names the key and the allowed ones', () => {
    assert.throws(
      () => parseOtlpGroupConfig({ contrib: { replication_client: {} } }, 'groups[0].otlp'),
      /groups\[0\]\.otlp\.contrib\.replication_client: unknown key \(did you mean "replication_clients"\?\)/,
    );
  });

  it('an endpoint listed under two groups is refused', () => {
    const g = (name: string): GroupConfig => ({
      ...GROUP_DEFAULTS,
      name,
      freshnessMillis: 1,
      holdDownMillis: 0,
      receivers: [{ type: 'otlp', config: parseOtlpGroupConfig({ contrib: { members: { 'h:1': 'm' } } }, 'x') }],
    });
    assert.throws(() => contribOptionsOf([g('a'), g('b')]), /groups\[1\]\.otlp\.contrib\.members\.h:1: endpoint "h:1" is also listed under group "a"/);
  });
});

describe('points that name no group', () => {
  it('are refused with a partial-success message naming the fix', () => {
    const h = new Harness('cache');
    const result = h.send({
      receiver: REDIS_RECEIVER,
      resource: { 'server.address': '10.9.9.9', 'server.port': '6379' },
      atMillis: T0,
      points: [{ metric: 'redis.uptime', value: 1 }],
    });
    assert.equal(result.rejectedDataPoints, 1);
    assert.match(
      describeRefusals(result.refusals),
      /missing_identity ×1 .*endpoint 10\.9\.9\.9:6379 name no group: set recovery\.group on the resource .* or list the endpoint under a group's otlp\.contrib\.members/,
    );
    assert.equal(result.observations.length, 0);
  });

  it('a configured endpoint puts its points in the group without recovery.group', () => {
    const h = new Harness('cache', { contrib: { members: { '10.9.9.9:6379': 'cache-a' } } });
    const result = h.send({
      receiver: REDIS_RECEIVER,
      resource: { 'server.address': '10.9.9.9', 'server.port': '6379' },
      atMillis: T0,
      points: [{ metric: 'redis.role', value: 1, attributes: { role: 'primary' } }],
    });
    assert.equal(result.rejectedDataPoints, 0);
    assert.deepEqual(
      result.observations.map((o) => [o.group, o.member, o.role]),
      [['cache', 'cache-a', 'leader']],
    );
  });

  it('a unit the receiver does not send is refused (a converted metric is not what we know)', () => {
    const h = new Harness('cache');
    const request = requestOf(replicaLike());
    request.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.unit = 'KiBy';
    const result = h.ingest.ingest(request, T0);
    assert.match(describeRefusals(result.refusals), /redis\.replication\.offset has unit "KiBy"; the Collector contrib receiver sends "By"/);
  });
});

function replicaLike(): Scrape {
  return {
    receiver: REDIS_RECEIVER,
    resource: { 'recovery.group': 'cache', 'recovery.member': 'r' },
    atMillis: T0,
    points: [{ metric: 'redis.replication.offset', value: 5 }],
  };
}
