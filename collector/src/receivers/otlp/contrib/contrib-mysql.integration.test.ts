/**
 * A real MariaDB primary and GTID replica, read as the mysql receiver reads them (`SHOW SLAVE
 * STATUS`: a time_behind_source point only when Seconds_Behind_Master is not NULL, a sql_delay
 * point for every row; `mysql.uptime` from SHOW GLOBAL STATUS), sent per node and scrape by the
 * official OTel JS exporter to a real OTLP receiver and the engine. The trap: the SQL thread
 * stopped makes Seconds_Behind_Master NULL, which is never 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ValueType, type Attributes } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { resources } from '@opentelemetry/sdk-node';
import { GROUP_DEFAULTS, type GroupConfig } from '../../../config/group-config';
import type { RecoveryEngine } from '../../../engine/engine';
import type { MemberState } from '../../../model/group-state';
import { startMariadbPrimaryReplica, type MariadbPrimaryReplica, type MariadbTestNode } from '../../../testing/mariadb-primary-replica';
import { parseOtlpGroupConfig } from '../config';
import type { OtlpHttpReceiver } from '../otlp-http-receiver';
import { MYSQL_RECEIVER } from './testdata/contrib-metadata';
import { startContribReceiver } from './testdata/contrib-receiver';

describe("mysqlreceiver's replica status against a real MariaDB primary and replica, through the OTel JS exporter", { timeout: 180_000 }, () => {
  let pair: MariadbPrimaryReplica;
  let engine: RecoveryEngine;
  let receiver: OtlpHttpReceiver;
  let url: string;
  const endpoint = (node: MariadbTestNode): string => `127.0.0.1:${node.port}`;

  const scrape = async (node: MariadbTestNode): Promise<void> => {
    const points: Record<string, [number, Attributes?][]> = {};
    try {
      const [uptime] = await pair.query<{ Value: string }>(node, "SHOW GLOBAL STATUS LIKE 'Uptime'");
      points['mysql.uptime'] = [[Number(uptime!.Value)]];
      for (const row of await pair.query<{ Seconds_Behind_Master: number | string | null; SQL_Delay: number | string }>(node, 'SHOW SLAVE STATUS')) {
        if (row.Seconds_Behind_Master !== null) (points['mysql.replica.time_behind_source'] ??= []).push([Number(row.Seconds_Behind_Master)]);
        (points['mysql.replica.sql_delay'] ??= []).push([Number(row.SQL_Delay)]);
      }
    } catch {
      return; // the receiver sends nothing for a server it cannot reach
    }
    const provider = new MeterProvider({
      resource: resources.resourceFromAttributes({ 'mysql.instance.endpoint': endpoint(node) }),
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url, timeoutMillis: 5000 }), exportIntervalMillis: 3_600_000 })],
    });
    const meter = provider.getMeter('otelcol/mysqlreceiver');
    for (const [name, values] of Object.entries(points)) {
      const d = MYSQL_RECEIVER.metrics[name]!;
      const options = { unit: d.unit, valueType: d.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE };
      const instrument = d.instrument === 'gauge' ? meter.createObservableGauge(name, options) : meter.createObservableUpDownCounter(name, options);
      instrument.addCallback((result) => values.forEach(([value, attributes]) => result.observe(value, attributes)));
    }
    await provider.forceFlush();
    await provider.shutdown();
  };
  const round = async (): Promise<Record<string, Pick<MemberState, 'status' | 'reason' | 'lagSeconds'>>> => {
    await scrape(pair.primary);
    await scrape(pair.replica);
    return Object.fromEntries(engine.tick()[0]!.members.map((m) => [m.member, { status: m.status, reason: m.reason, lagSeconds: m.lagSeconds }]));
  };

  before(async () => {
    pair = await startMariadbPrimaryReplica();
    await pair.waitForCatchUp();
    const group: GroupConfig = {
      ...GROUP_DEFAULTS,
      name: 'billing-db',
      freshnessMillis: 10_000,
      holdDownMillis: 0,
      receivers: [
        {
          type: 'otlp',
          config: parseOtlpGroupConfig(
            { members: [{ member: 'db-1', role: 'leader' }], contrib: { members: { [endpoint(pair.primary)]: 'db-1', [endpoint(pair.replica)]: 'db-2' } } },
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

  it('steady → converged; SQL thread stopped → lagging "Seconds_Behind_Source is NULL", never 0; started → converged', async () => {
    const steady = await round();
    assert.deepEqual([steady['db-1']!.status, steady['db-2']!.status, steady['db-2']!.lagSeconds], ['converged', 'converged', 0]);

    await pair.query(pair.replica, 'STOP SLAVE SQL_THREAD');
    const stopped = await round();
    assert.equal(stopped['db-2']!.status, 'lagging');
    assert.match(stopped['db-2']!.reason!, /Seconds_Behind_Source is NULL/);

    await pair.query(pair.replica, 'START SLAVE SQL_THREAD');
    let back = stopped;
    for (let i = 0; i < 20 && back['db-2']!.status !== 'converged'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 600));
      back = await round();
    }
    assert.equal(back['db-2']!.status, 'converged');
  });
});
