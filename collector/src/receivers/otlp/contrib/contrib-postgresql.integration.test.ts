/**
 * A real PostgreSQL primary and streaming standby, scraped with the postgresql receiver's own
 * replication query (client.go, as stored: `coalesce(cast(client_addr as varchar), 'unix')`,
 * `coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1)`, replay_lag or -1) and
 * recorded as scraper.go does (a point only for values ≥ 0), sent per node and scrape by the
 * official OTel JS exporter to a real OTLP receiver and the engine. No otelcol-contrib build is
 * on this machine: this is its query and its recording rules, not its binary.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ValueType, type Attributes } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resources } from '@opentelemetry/sdk-node';
import { GROUP_DEFAULTS, type GroupConfig } from '../../../config/group-config';
import type { RecoveryEngine } from '../../../engine/engine';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby, type PostgresTestNode } from '../../../testing/postgres-primary-standby';
import { parseOtlpGroupConfig } from '../config';
import type { OtlpHttpReceiver } from '../otlp-http-receiver';
import { POSTGRESQL_RECEIVER } from './testdata/contrib-metadata';
import { startContribReceiver } from './testdata/contrib-receiver';

const REPLICATION_QUERY = `SELECT coalesce(cast(client_addr as varchar), 'unix') AS client_addr,
  coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), -1) AS replication_bytes_pending,
  extract('epoch' from coalesce(replay_lag, '-1 seconds')) AS replay_lag
  FROM pg_stat_replication`;

describe("postgresqlreceiver's query against a real primary and standby, through the OTel JS exporter", { timeout: 180_000 }, () => {
  let pair: PostgresPrimaryStandby;
  let engine: RecoveryEngine;
  let receiver: OtlpHttpReceiver;
  let url: string;
  const clients = new Set<string>();
  /** Replay lag points in the primary's last scrape (absent when replay_lag is NULL). */
  let replayPoints = 0;

  /** One scrape of one node, as the receiver records it: instance metrics plus, on a primary, a row per walsender. */
  const scrape = async (node: PostgresTestNode): Promise<void> => {
    const points: Record<string, [number, Attributes?][]> = { 'postgresql.database.count': [] };
    try {
      const [{ n }] = (await pair.query<{ n: string }>(node, 'SELECT count(*) AS n FROM pg_database WHERE NOT datistemplate')) as [{ n: string }];
      points['postgresql.database.count']!.push([Number(n)]);
      if (node === pair.primary) replayPoints = 0;
      for (const row of await pair.query<{ client_addr: string; replication_bytes_pending: string; replay_lag: string }>(node, REPLICATION_QUERY)) {
        clients.add(row.client_addr);
        const pending = Number(row.replication_bytes_pending);
        const replay = Number(row.replay_lag);
        if (pending >= 0) (points['postgresql.replication.data_delay'] ??= []).push([pending, { replication_client: row.client_addr }]);
        if (replay >= 0) {
          (points['postgresql.wal.delay'] ??= []).push([replay, { replication_client: row.client_addr, operation: 'replay' }]);
          replayPoints++;
        }
      }
    } catch {
      return; // the receiver sends nothing for a node it cannot reach
    }
    const provider = new MeterProvider({
      resource: resources.resourceFromAttributes({ 'server.address': '127.0.0.1', 'server.port': node.port }),
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url, timeoutMillis: 5000 }), exportIntervalMillis: 3_600_000 })],
    });
    const meter = provider.getMeter('otelcol/postgresqlreceiver');
    for (const [name, values] of Object.entries(points)) {
      const d = POSTGRESQL_RECEIVER.metrics[name]!;
      const options = { unit: d.unit, valueType: d.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE };
      const instrument = d.instrument === 'gauge' ? meter.createObservableGauge(name, options) : meter.createObservableUpDownCounter(name, options);
      instrument.addCallback((result) => values.forEach(([value, attributes]) => result.observe(value, attributes)));
    }
    await provider.forceFlush();
    await provider.shutdown();
  };
  /** Both receivers scrape, then the engine ticks; the standby's state. */
  const round = async (): Promise<{ status: string; reason: string | null; lagBytes: number | null }> => {
    await scrape(pair.standby);
    await scrape(pair.primary);
    const state = engine.tick()[0]!;
    const m = state.members.find((x) => x.member === 'pg-2')!;
    return { status: m.status, reason: m.reason, lagBytes: m.lagBytes };
  };

  before(async () => {
    pair = await startPostgresPrimaryStandby();
    await pair.query(pair.primary, 'CREATE TABLE orders (id bigserial PRIMARY KEY, payload text NOT NULL)');
    await pair.waitForCatchUp();
    const group: GroupConfig = {
      ...GROUP_DEFAULTS,
      name: 'orders-db',
      freshnessMillis: 10_000,
      holdDownMillis: 0,
      lagToleranceBytes: 64 * 1024,
      receivers: [
        {
          type: 'otlp',
          config: parseOtlpGroupConfig(
            {
              members: [{ member: 'pg-1', role: 'leader' }],
              // The standby connects over TCP (client_addr 127.0.0.1, matched by host, the primary excluded) or a socket ("unix").
              contrib: {
                members: { [`127.0.0.1:${pair.primary.port}`]: 'pg-1', [`127.0.0.1:${pair.standby.port}`]: 'pg-2' },
                replication_clients: { unix: 'pg-2' },
              },
            },
            'groups[0].otlp',
          ),
        },
      ],
    };
    ({ engine, receiver, url } = await startContribReceiver(group));
  });
  after(async () => {
    await receiver?.stop();
    await pair?.close();
  });

  it('steady and idle → converged; standby stopped → link down, never converged; restarted → converged', async () => {
    assert.equal((await round()).status, 'converged');
    assert.ok(
      [...clients].every((c) => c === '127.0.0.1/32' || c === 'unix'),
      `client_addr as the receiver casts it: ${[...clients].join(', ')}`,
    );
    console.log(`# replication_client as sent: ${[...clients].join(', ')}`);

    // Idle for 15 s, a scrape a second: replay_lag turns NULL (no wal.delay point), 0 bytes: converged throughout.
    const idle: string[] = [];
    for (let i = 0; i < 15; i++) {
      idle.push((await round()).status);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.deepEqual([...new Set(idle)], ['converged']);
    console.log(`# after 15 s idle: ${replayPoints} replay lag point(s) in the primary's scrape (0: replay_lag NULL)`);

    await pair.stopStandby();
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('x', 1000) FROM generate_series(1, 20000)");
    const down = await round();
    assert.equal(down.status, 'lagging');
    assert.match(down.reason!, /replication link down/);

    await pair.startStandby();
    let back = down;
    for (let i = 0; i < 30 && back.status !== 'converged'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      back = await round();
    }
    assert.equal(back.status, 'converged');
  });
});
