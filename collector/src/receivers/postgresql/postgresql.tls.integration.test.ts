/**
 * sslmode against real servers with TLS on (a throwaway CA): verify-full with the
 * CA answers; verify-full without it refuses the self-signed chain, and that is a
 * failed source (no observation), not an unreachable node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from '../../testing/postgres-primary-standby';
import { RecordingSink } from '../../testing/recording-sink';
import { parsePostgresqlConfig } from './config';
import { PostgresqlReceiver } from './postgresql-receiver';

let pair: PostgresPrimaryStandby;

/** One round; also whether the receiver's kept connection to the primary is encrypted (asked before it closes). */
async function probeOnce(extra: Record<string, unknown>): Promise<RecordingSink & { encrypted?: boolean | null }> {
  const config = parsePostgresqlConfig(
    {
      nodes: [
        { member: 'pg-1', url: pair.primary.url() },
        { member: 'pg-2', url: pair.standby.url() },
      ],
      ...extra,
    },
    'groups[0].postgresql',
  );
  const sink: RecordingSink & { encrypted?: boolean | null } = new RecordingSink();
  const receiver = new PostgresqlReceiver('orders-db', config, { intervalMillis: 1000, logger: createMemoryLogger(), now: Date.now });
  try {
    await receiver.round(sink);
    const [row] = await pair.query<{ encrypted: boolean | null }>(
      pair.primary,
      "SELECT bool_and(s.ssl) AS encrypted FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'rebound-collector'",
    );
    sink.encrypted = row?.encrypted ?? null;
  } finally {
    await receiver.stop();
  }
  return sink;
}

describe('PostgreSQL receiver over TLS', { timeout: 60_000 }, () => {
  before(async () => {
    pair = await startPostgresPrimaryStandby({ tls: true });
  });

  after(async () => {
    await pair?.close();
  });

  it('sslmode verify-full with the CA: both nodes answer, the standby follows the primary', async () => {
    const sink = await probeOnce({ sslmode: 'verify-full', ssl_root_cert: pair.caFile });
    assert.equal(sink.latest('pg-1')?.role, 'leader');
    assert.equal(sink.latest('pg-2')?.followsLeader, 'pg-1');
    assert.equal(sink.lastSourceUp(), true);
    assert.equal(sink.encrypted, true, 'the probe connection is TLS (pg_stat_ssl)');
  });

  it('sslmode verify-full without the CA rejects the chain: no observation, source down', async () => {
    const sink = await probeOnce({ sslmode: 'verify-full' });
    assert.deepEqual(sink.observations, []);
    assert.equal(sink.lastSourceUp(), false);
  });

  it('sslmode require encrypts without verifying', async () => {
    const sink = await probeOnce({ sslmode: 'require' });
    assert.equal(sink.observations.length, 2);
    assert.equal(sink.encrypted, true);
    assert.equal((await probeOnce({ sslmode: 'disable' })).encrypted, false, 'and disable does not');
  });
});
