/**
 * The official OpenTelemetry JS exporters (OTLP/HTTP JSON and protobuf) send exactly the names,
 * units, instruments, attribute keys and resource attributes the contrib receivers' metadata.yaml
 * define (testdata/contrib-metadata.ts), one MeterProvider per database node as one receiver
 * instance per node would, to a real OTLP receiver feeding the real engine; the derived statuses
 * and lags are checked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ValueType, type Attributes } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resources } from '@opentelemetry/sdk-node';
import { Registry } from 'prom-client';
import { GROUP_DEFAULTS, type GroupConfig } from '../../../config/group-config';
import { RecoveryEngine } from '../../../engine/engine';
import { createMemoryLogger } from '../../../logger';
import type { MemberState } from '../../../model/group-state';
import { createDefaultOtlpServerConfig, parseOtlpGroupConfig } from '../config';
import { createOtlpHttpReceiver, type OtlpHttpReceiver } from '../otlp-http-receiver';
import { contribOptionsOf } from './contrib-config';
import { MONGO_STATES, MONGODB_RECEIVER, MYSQL_RECEIVER, POSTGRESQL_RECEIVER, REDIS_RECEIVER, type ReceiverMetadata } from './testdata/contrib-metadata';

/** What one node's receiver instance reports at the next export: metric → points (value, attributes). */
type Readings = Record<string, [number, Attributes?][]>;

/**
 * A database node as a contrib receiver instance reports it, sent by the OTel JS SDK. A scrape of
 * a contrib receiver carries only the series that scrape saw; the SDK's cumulative asynchronous
 * instruments keep re-exporting every attribute set once seen, so each scrape gets its own
 * MeterProvider (and exporter), as each scrape is its own pdata batch in the Collector.
 */
class Node {
  constructor(
    private readonly receiver: ReceiverMetadata,
    private readonly resource: Attributes,
    private readonly url: string,
    private readonly protocol: 'json' | 'protobuf',
  ) {}

  /** Export one scrape: metric → points. */
  async scrape(readings: Readings): Promise<void> {
    const exporter =
      this.protocol === 'json' ? new JsonExporter({ url: this.url, timeoutMillis: 5000 }) : new ProtoExporter({ url: this.url, timeoutMillis: 5000 });
    const provider = new MeterProvider({
      resource: resources.resourceFromAttributes(this.resource),
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    });
    const meter = provider.getMeter('otelcol/contrib-test');
    for (const [name, d] of Object.entries(this.receiver.metrics)) {
      const points = readings[name];
      if (points === undefined) continue;
      const options = { unit: d.unit, valueType: d.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE };
      const instrument = d.instrument === 'gauge' ? meter.createObservableGauge(name, options) : meter.createObservableUpDownCounter(name, options);
      instrument.addCallback((result) => {
        for (const [value, attributes] of points) {
          for (const key of Object.keys(attributes ?? {})) assert.ok(d.attributes.includes(key), `${name} has no attribute ${key} in ${this.receiver.source}`);
          result.observe(value, attributes);
        }
      });
    }
    for (const name of Object.keys(readings)) assert.ok(this.receiver.metrics[name], `${this.receiver.receiver} does not emit ${name}`);
    await provider.forceFlush();
    await provider.shutdown();
  }
}

describe("contrib receivers' metrics through the OpenTelemetry JS exporters", () => {
  const groups: GroupConfig[] = [
    group('orders-db', {
      members: [{ member: 'pg-1', role: 'leader' }],
      contrib: { members: { '127.0.0.1:5432': 'pg-1', '127.0.0.1:5433': 'pg-2' }, replication_clients: { '127.0.0.1': 'pg-2' } },
    }),
    group('cache', {}),
    group('billing-db', { members: [{ member: 'db-1', role: 'leader' }], contrib: { members: { 'localhost:3306': 'db-1', 'localhost:3307': 'db-2' } } }),
  ];
  let engine: RecoveryEngine;
  let receiver: OtlpHttpReceiver;
  let url: string;
  const node = (receiverMetadata: ReceiverMetadata, resource: Attributes, protocol: 'json' | 'protobuf'): Node =>
    new Node(receiverMetadata, resource, url, protocol);
  const members = (name: string): Record<string, Pick<MemberState, 'status' | 'reason' | 'lagSeconds' | 'lagBytes'>> => {
    const state = engine.tick().find((s) => s.name === name)!;
    return Object.fromEntries(state.members.map((m) => [m.member, { status: m.status, reason: m.reason, lagSeconds: m.lagSeconds, lagBytes: m.lagBytes }]));
  };

  before(async () => {
    engine = new RecoveryEngine({ groups });
    receiver = createOtlpHttpReceiver({
      listen: { host: '127.0.0.1', port: 0 },
      groups: new Set(groups.map((g) => g.name)),
      server: createDefaultOtlpServerConfig(),
      registry: new Registry(),
      context: { intervalMillis: 1000, logger: createMemoryLogger(), now: Date.now },
      contrib: contribOptionsOf(groups),
    });
    await receiver.start(engine);
    url = `http://127.0.0.1:${receiver.address().port}/v1/metrics`;
  });
  after(async () => {
    await receiver.stop();
  });

  it("postgresqlreceiver: lag from the primary's rows; idle stays converged; a missing row is a link down", async () => {
    const primary = node(POSTGRESQL_RECEIVER, { 'server.address': '127.0.0.1', 'server.port': 5432 }, 'protobuf');
    const standby = node(POSTGRESQL_RECEIVER, { 'server.address': '127.0.0.1', 'server.port': 5433 }, 'json');
    const alive = { 'postgresql.database.count': [[2]] as [number][] };
    // client_addr as the receiver's cast(client_addr as varchar) gives it.
    const client = { replication_client: '127.0.0.1/32' };
    await standby.scrape(alive);
    await primary.scrape({
      ...alive,
      'postgresql.replication.data_delay': [[3 * 1024 * 1024, client]],
      'postgresql.wal.lag': [
        [9, { ...client, operation: 'replay' }],
        [1, { ...client, operation: 'write' }],
      ],
    });
    assert.deepEqual(members('orders-db')['pg-2'], {
      status: 'lagging',
      reason: 'behind the leader by 9.0s / 3145728 bytes',
      lagSeconds: 9,
      lagBytes: 3 * 1024 * 1024,
    });

    // Caught up and idle: 0 bytes, and no replay lag point (NULL in pg_stat_replication).
    await new Promise((resolve) => setTimeout(resolve, 600));
    await primary.scrape({ ...alive, 'postgresql.replication.data_delay': [[0, client]] });
    assert.deepEqual(members('orders-db')['pg-2'], { status: 'converged', reason: null, lagSeconds: null, lagBytes: 0 });
    assert.equal(members('orders-db')['pg-1']!.status, 'converged');

    // The standby's row leaves pg_stat_replication; its own receiver still reaches it.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await standby.scrape(alive);
    await primary.scrape(alive);
    assert.equal(members('orders-db')['pg-2']!.status, 'lagging');
    assert.match(members('orders-db')['pg-2']!.reason!, /replication link down/);
  });

  it('redisreceiver: identity from server.address/server.port, group from recovery.group, lag from the offsets', async () => {
    const resource = (port: string): Attributes => ({
      'server.address': '127.0.0.1',
      'server.port': port,
      'redis.version': '7.0.15',
      'recovery.group': 'cache',
    });
    const primary = node(REDIS_RECEIVER, resource('6379'), 'json');
    const replica = node(REDIS_RECEIVER, resource('6380'), 'protobuf');
    await primary.scrape({
      'redis.role': [[1, { role: 'primary' }]],
      'redis.replication.offset': [[8_000_000]],
      'redis.slaves.connected': [[1]],
      'redis.uptime': [[50]],
    });
    await replica.scrape({
      'redis.role': [[1, { role: 'replica' }]],
      'redis.replication.offset': [[6_000_000]],
      'redis.replication.replica_offset': [[6_000_000]],
      'redis.slaves.connected': [[0]],
    });
    assert.deepEqual(members('cache')['127.0.0.1:6380'], {
      status: 'lagging',
      reason: 'behind the leader by 2000000 bytes',
      lagSeconds: null,
      lagBytes: 2_000_000,
    });
    await replica.scrape({ 'redis.role': [[1, { role: 'replica' }]], 'redis.replication.replica_offset': [[8_000_000]] });
    assert.equal(members('cache')['127.0.0.1:6380']!.status, 'converged');
  });

  it('mysqlreceiver: time_behind_source absent is not 0', async () => {
    const source = node(MYSQL_RECEIVER, { 'mysql.instance.endpoint': 'localhost:3306' }, 'protobuf');
    const replica = node(MYSQL_RECEIVER, { 'mysql.instance.endpoint': 'localhost:3307' }, 'json');
    await source.scrape({ 'mysql.uptime': [[100]] });
    await replica.scrape({ 'mysql.uptime': [[100]], 'mysql.replica.time_behind_source': [[4]], 'mysql.replica.sql_delay': [[0]] });
    assert.deepEqual(members('billing-db')['db-2'], { status: 'converged', reason: null, lagSeconds: 4, lagBytes: null });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await replica.scrape({ 'mysql.uptime': [[101]], 'mysql.replica.sql_delay': [[0]] });
    assert.equal(members('billing-db')['db-2']!.status, 'lagging');
    assert.match(members('billing-db')['db-2']!.reason!, /Seconds_Behind_Source is NULL/);
  });
});

describe('mongodbreceiver through the OpenTelemetry JS exporters', () => {
  it('role from member.status, applied lag from the primary, a secondary missing from its lags is a link down', async () => {
    const groups = [group('catalog', {})];
    const engine = new RecoveryEngine({ groups });
    const receiver = createOtlpHttpReceiver({
      listen: { host: '127.0.0.1', port: 0 },
      groups: new Set(['catalog']),
      server: createDefaultOtlpServerConfig(),
      registry: new Registry(),
      context: { intervalMillis: 1000, logger: createMemoryLogger(), now: Date.now },
      contrib: contribOptionsOf(groups),
    });
    await receiver.start(engine);
    try {
      const url = `http://127.0.0.1:${receiver.address().port}/v1/metrics`;
      // server.port is disabled by default in the mongodb receiver: members are named by server.address.
      const resource = (host: string): Attributes => ({ 'server.address': host, 'recovery.group': 'catalog' });
      const status = (state: string): [number, Attributes][] => MONGO_STATES.map((s) => [s === state ? 1 : 0, { 'mongodb.replica_set.member.state': s }]);
      const lag = (member: string, applied: number): [number, Attributes][] => [
        [applied, { 'mongodb.replica_set.member.name': member, 'mongodb.replica_set.lag.type': 'applied' }],
        [applied + 60, { 'mongodb.replica_set.member.name': member, 'mongodb.replica_set.lag.type': 'durable' }],
      ];
      const primary = new Node(MONGODB_RECEIVER, resource('mongo-0'), url, 'protobuf');
      const secondary = new Node(MONGODB_RECEIVER, resource('mongo-1'), url, 'json');
      await secondary.scrape({ 'mongodb.replica_set.member.status': status('secondary') });
      await primary.scrape({ 'mongodb.replica_set.member.status': status('primary'), 'mongodb.replica_set.lag': lag('mongo-1:27017', 2.5) });
      const members = (): Record<string, [string, string | null, number | null]> =>
        Object.fromEntries(engine.tick()[0]!.members.map((m) => [m.member, [m.status, m.reason, m.lagSeconds]]));
      assert.deepEqual(members(), { 'mongo-0': ['converged', null, 0], 'mongo-1': ['converged', null, 2.5] });
      await new Promise((resolve) => setTimeout(resolve, 600));
      await primary.scrape({ 'mongodb.replica_set.member.status': status('primary') });
      assert.deepEqual(members()['mongo-1']!.slice(0, 2), ['lagging', 'replication link down']);
    } finally {
      await receiver.stop();
    }
  });
});

function group(name: string, otlp: Record<string, unknown>): GroupConfig {
  return {
    ...GROUP_DEFAULTS,
    name,
    freshnessMillis: 30_000,
    holdDownMillis: 0,
    receivers: [{ type: 'otlp', config: parseOtlpGroupConfig(otlp, `groups.${name}.otlp`) }],
  };
}
