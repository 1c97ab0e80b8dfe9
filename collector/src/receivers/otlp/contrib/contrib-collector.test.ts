/**
 * The assembled collector, from a YAML config with `otlp.contrib` tables: a PostgreSQL primary's
 * contrib scrape posted over OTLP/HTTP shows in /api/v1/groups, and an unmapped row is refused
 * with the partial-success message naming the key to add.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { Collector } from '../../../collector';
import { parseCollectorConfig } from '../../../config/collector-config';
import { createMemoryLogger } from '../../../logger';
import { RECEIVER_FACTORIES } from '../../registry';

describe('a collector configured with otlp.contrib', () => {
  const work = mkdtempSync(join(tmpdir(), 'rebound-contrib-'));
  let collector: Collector;
  let metricsUrl: string;
  let otlpUrl: string;

  before(async () => {
    const yaml = `
interval: 200ms
listen: { metrics: 127.0.0.1:0, otlp: 127.0.0.1:0 }
store: ${join(work, 'rebound.db')}
groups:
  - name: orders-db
    otlp:
      push_interval: 10s
      members: [{ member: pg-1, role: leader }]
      contrib:
        members: { "10.0.0.1:5432": pg-1, "10.0.0.2:5432": pg-2 }
        replication_clients: { "10.0.0.2": pg-2 }
`;
    const config = parseCollectorConfig(parse(yaml), RECEIVER_FACTORIES);
    collector = new Collector({ config, logger: createMemoryLogger() });
    const endpoints = await collector.start();
    metricsUrl = `http://127.0.0.1:${endpoints.metrics.port}`;
    otlpUrl = `http://127.0.0.1:${endpoints.receivers['otlp']!.port}/v1/metrics`;
  });
  after(async () => {
    await collector.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("derives the standby from the primary's rows and refuses the unmapped one, naming the fix", async () => {
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const row = (client: string, bytes: number) => ({
      name: 'postgresql.replication.data_delay',
      unit: 'By',
      gauge: { dataPoints: [{ timeUnixNano: now, asInt: String(bytes), attributes: [{ key: 'replication_client', value: { stringValue: client } }] }] },
    });
    const body = {
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: 'server.address', value: { stringValue: '10.0.0.1' } },
              { key: 'server.port', value: { intValue: 5432 } },
            ],
          },
          scopeMetrics: [
            {
              metrics: [
                { name: 'postgresql.database.count', unit: '{databases}', sum: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: now, asInt: '3' }] } },
                row('10.0.0.2/32', 5_000_000),
                row('10.0.0.7/32', 1),
              ],
            },
          ],
        },
      ],
    };
    const answer = (await (await fetch(otlpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json()) as {
      partialSuccess?: { rejectedDataPoints: string; errorMessage: string };
    };
    assert.equal(answer.partialSuccess?.rejectedDataPoints, '1');
    assert.match(
      answer.partialSuccess!.errorMessage,
      /replication_client "10\.0\.0\.7\/32", which maps to no member: add "10\.0\.0\.7: <member>" under group "orders-db"'s otlp\.contrib\.replication_clients/,
    );

    let members: { member: string; status: string; reason: string | null }[] = [];
    for (let i = 0; i < 50; i++) {
      const groups = (await (await fetch(`${metricsUrl}/api/v1/groups`)).json()) as { groups: { members: typeof members }[] };
      members = groups.groups[0]!.members;
      if (members.some((m) => m.member === 'pg-2')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(
      members.map((m) => [m.member, m.status, m.reason]),
      [
        ['pg-1', 'converged', null],
        ['pg-2', 'lagging', 'behind the leader by 5000000 bytes'],
      ],
    );
  });
});
