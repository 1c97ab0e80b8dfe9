/**
 * A real Redis primary and replica, read as the redis receiver reads them (`INFO`, its keys mapped
 * to the metric names of metadata.yaml: role → redis.role, master_repl_offset →
 * redis.replication.offset, slave_repl_offset → redis.replication.replica_offset, connected_slaves
 * → redis.slaves.connected, uptime_in_seconds → redis.uptime; a key INFO lacks gives no point),
 * sent per node and scrape by the official OTel JS exporter to a real OTLP receiver and the engine.
 * The trap: a full resync after a restart is never read as the dataset's size in lag.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ValueType, type Attributes } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resources } from '@opentelemetry/sdk-node';
import { GROUP_DEFAULTS, type GroupConfig } from '../../../config/group-config';
import type { RecoveryEngine } from '../../../engine/engine';
import type { MemberState } from '../../../model/group-state';
import { startRedisReplicaSet, type RedisReplicaSet, type RedisTestNode } from '../../../testing/redis-replica-set';
import { parseOtlpGroupConfig } from '../config';
import type { OtlpHttpReceiver } from '../otlp-http-receiver';
import { REDIS_RECEIVER } from './testdata/contrib-metadata';
import { startContribReceiver } from './testdata/contrib-receiver';

const DATA_BYTES = 20_000 * 1000;

describe("redisreceiver's INFO mapping against a real primary and replica, through the OTel JS exporter", { timeout: 180_000 }, () => {
  let set: RedisReplicaSet;
  let engine: RecoveryEngine;
  let receiver: OtlpHttpReceiver;
  let url: string;
  const offsetsSeen: string[] = [];

  const scrape = async (node: RedisTestNode): Promise<void> => {
    let info: Record<string, string>;
    try {
      info = Object.fromEntries(
        (await set.cli(node, 'INFO'))
          .split(/\r?\n/)
          .filter((l) => l.includes(':') && !l.startsWith('#'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
      );
    } catch {
      return; // the receiver sends nothing for a node it cannot reach
    }
    const points: Record<string, [number, Attributes?][]> = {};
    const put = (metric: string, key: string): void => {
      if (info[key] !== undefined) points[metric] = [[Number(info[key])]];
    };
    if (info['role'] !== undefined) points['redis.role'] = [[1, { role: info['role'] === 'master' ? 'primary' : 'replica' }]];
    put('redis.replication.offset', 'master_repl_offset');
    put('redis.replication.replica_offset', 'slave_repl_offset');
    put('redis.slaves.connected', 'connected_slaves');
    put('redis.uptime', 'uptime_in_seconds');
    if (node !== set.primary) offsetsSeen.push(`${info['master_link_status']}/${info['master_sync_in_progress']}/${info['slave_repl_offset']}`);
    const provider = new MeterProvider({
      resource: resources.resourceFromAttributes({ 'server.address': '127.0.0.1', 'server.port': String(node.port), 'recovery.group': 'cache' }),
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url, timeoutMillis: 5000 }), exportIntervalMillis: 3_600_000 })],
    });
    const meter = provider.getMeter('otelcol/redisreceiver');
    for (const [name, values] of Object.entries(points)) {
      const d = REDIS_RECEIVER.metrics[name]!;
      const options = { unit: d.unit, valueType: d.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE };
      const instrument = d.instrument === 'gauge' ? meter.createObservableGauge(name, options) : meter.createObservableUpDownCounter(name, options);
      instrument.addCallback((result) => values.forEach(([value, attributes]) => result.observe(value, attributes)));
    }
    await provider.forceFlush();
    await provider.shutdown();
  };
  const round = async (): Promise<Pick<MemberState, 'status' | 'reason' | 'lagBytes'>> => {
    for (const node of set.nodes) await scrape(node);
    const m = engine.tick()[0]!.members.find((x) => x.member === set.replicas[0]!.address)!;
    return { status: m.status, reason: m.reason, lagBytes: m.lagBytes };
  };

  before(async () => {
    // Diskless sync with a delay: a full resync takes seconds, as a big dataset would.
    set = await startRedisReplicaSet({ replicas: 1, extraArgs: ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '3'] });
    await set.waitForSync();
    const group: GroupConfig = {
      ...GROUP_DEFAULTS,
      name: 'cache',
      freshnessMillis: 3_000,
      holdDownMillis: 0,
      receivers: [{ type: 'otlp', config: parseOtlpGroupConfig({}, 'groups[0].otlp') }],
    };
    ({ engine, receiver, url } = await startContribReceiver(group));
  });
  after(async () => {
    await receiver?.stop();
    await set?.close();
  });

  it('steady → converged; stopped, 20 MB written, restarted → full resync never read as 20 MB of lag → converged', async () => {
    const steady = await round();
    assert.equal(steady.status, 'converged', JSON.stringify(steady));
    await set.stop(set.replicas[0]!);
    await set.cli(set.primary, 'EVAL', "for i=1,20000 do redis.call('SET','k'..i, string.rep('x',1000)) end", '0');
    const down = await round();
    // The primary says no replica is connected; the stopped replica's last points are still fresh.
    assert.equal(down.status, 'lagging');
    assert.match(down.reason!, /replication link down/);
    await set.start(set.replicas[0]!);
    const seen: Pick<MemberState, 'status' | 'reason' | 'lagBytes'>[] = [];
    for (let i = 0; i < 40; i++) {
      const state = await round();
      seen.push(state);
      if (state.status === 'converged') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    console.log(`# replica link/sync/slave_repl_offset per scrape: ${offsetsSeen.join(' ')}`);
    console.log(`# replica status per round after the restart: ${seen.map((s) => `${s.status}${s.lagBytes === null ? '' : `(${s.lagBytes})`}`).join(' ')}`);
    assert.equal(seen.at(-1)!.status, 'converged');
    assert.ok(
      seen.some((s) => s.status === 'lagging'),
      'the resync was seen as lagging',
    );
    const maxLag = Math.max(0, ...seen.map((s) => s.lagBytes ?? 0));
    assert.ok(maxLag < DATA_BYTES / 2, `the resync was read as ${maxLag} bytes of lag`);
  });
});
