/**
 * The PostgreSQL receiver against a real primary and streaming standby (PostgreSQL 15,
 * started by the test as the postgres OS user), probing as the least-privilege
 * monitoring role that docs/monitoring-roles.md documents, with a password.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from '../../testing/postgres-primary-standby';
import { waitFor } from '../../testing/processes';
import { RecordingSink } from '../../testing/recording-sink';
import { parsePostgresqlConfig } from './config';
import { longSubstrings } from '../../testing/leaks';
import { lsnToBytes } from './lsn';
import { PostgresqlReceiver } from './postgresql-receiver';

const PASSWORD = 'pg-monitor-Secret-7f3a9';
const logger = createMemoryLogger();
let pair: PostgresPrimaryStandby;
let receiver: PostgresqlReceiver;
const sink = new RecordingSink();

/** The role from docs/monitoring-roles.md, verbatim in substance. */
const MONITOR_ROLE_SQL = [
  `CREATE ROLE rebound_monitor WITH LOGIN PASSWORD '${PASSWORD}'`,
  'GRANT pg_monitor TO rebound_monitor',
  'GRANT SELECT ON pg_hba_file_rules TO rebound_monitor',
  'GRANT EXECUTE ON FUNCTION pg_hba_file_rules() TO rebound_monitor',
];

async function round(): Promise<void> {
  await receiver.round(sink);
}

describe('PostgreSQL receiver against a real primary and standby', { timeout: 120_000 }, () => {
  before(async () => {
    pair = await startPostgresPrimaryStandby();
    for (const sql of MONITOR_ROLE_SQL) await pair.query(pair.primary, sql);
    await pair.query(pair.primary, 'CREATE TABLE orders (id bigserial PRIMARY KEY, payload text NOT NULL)');
    await pair.waitForCatchUp();
    // Password authentication for the monitoring role on both nodes (pg_hba is per node; first match wins).
    for (const node of [pair.primary, pair.standby]) {
      await pair.prependHbaRule(node, 'host all rebound_monitor 127.0.0.1/32 scram-sha-256');
    }
    process.env['REBOUND_TEST_PG_PASSWORD'] = PASSWORD;
    const config = parsePostgresqlConfig(
      {
        nodes: [
          {
            member: 'pg-1',
            url: `postgres://rebound_monitor:\${REBOUND_TEST_PG_PASSWORD}@127.0.0.1:${pair.primary.port}/postgres`,
            dependencies: { 'host.name': 'a' },
          },
          { member: 'pg-2', url: `postgres://rebound_monitor:\${REBOUND_TEST_PG_PASSWORD}@127.0.0.1:${pair.standby.port}/postgres` },
        ],
        timeout: '1s',
      },
      'groups[0].postgresql',
    );
    receiver = new PostgresqlReceiver('orders-db', config, { intervalMillis: 200, logger, now: Date.now });
    await receiver.start(sink);
    await receiver.stop(); // the tests drive rounds themselves; start() declared the members
  });

  after(async () => {
    await receiver?.stop();
    await pair?.close();
  });

  it('declares the configured members', () => {
    assert.deepEqual(sink.declared.get('orders-db'), [
      { member: 'pg-1', dependencies: { 'host.name': 'a' } },
      { member: 'pg-2', dependencies: {} },
    ]);
  });

  it('reports the primary as leader at pg_current_wal_lsn and the caught-up standby following it with 0 lag', async () => {
    await pair.waitForCatchUp();
    sink.clear();
    await round();
    const [{ lsn }] = (await pair.query<{ lsn: string }>(pair.primary, 'SELECT pg_current_wal_lsn()::text AS lsn')) as [{ lsn: string }];
    const primary = sink.latest('pg-1')!;
    const standby = sink.latest('pg-2')!;
    assert.equal(primary.role, 'leader');
    assert.equal(primary.reachable, true);
    assert.equal(primary.source, 'postgresql/orders-db');
    assert.ok(primary.position! > 0 && primary.position! <= lsnToBytes(lsn));
    assert.equal(standby.role, 'standby');
    assert.equal(standby.followsLeader, 'pg-1');
    assert.equal(standby.lagBytes, 0);
    assert.equal(standby.lagSeconds, 0);
    assert.equal(standby.position, primary.position);
    assert.ok(primary.permissionFingerprint, 'the documented role can read pg_hba_file_rules');
    assert.equal(primary.permissionFingerprint, standby.permissionFingerprint);
    assert.equal(sink.lastSourceUp(), true);
  });

  it('stop the standby: unreachable; write; restart with replay held back: lag bytes > 0, then draining to 0', async () => {
    await pair.stopStandby();
    sink.clear();
    await round();
    assert.equal(sink.latest('pg-2')!.reachable, false, 'connection refused is an observation: unreachable');
    assert.equal(sink.lastSourceUp(), true, 'a clear refusal still counts as the source answering');
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('x', 200) FROM generate_series(1, 5000)");

    await pair.startStandby();
    // Hold replay so the lag is observable whatever the machine's speed, then write more.
    await pair.query(pair.standby, 'SELECT pg_wal_replay_pause()');
    await pair.query(pair.primary, "INSERT INTO orders (payload) SELECT repeat('y', 200) FROM generate_series(1, 5000)");
    const lagging = await waitFor('the standby to report lag bytes', 20_000, async () => {
      await round();
      const standby = sink.latest('pg-2');
      return standby?.reachable && (standby.lagBytes ?? 0) > 100_000 ? standby : undefined;
    });
    assert.equal(lagging.followsLeader, 'pg-1');

    await pair.query(pair.standby, 'SELECT pg_wal_replay_resume()');
    const seen: number[] = [];
    await waitFor('the lag to drain to 0', 20_000, async () => {
      await round();
      const lag = sink.latest('pg-2')?.lagBytes;
      if (lag !== undefined) seen.push(lag);
      return lag === 0 ? true : undefined;
    });
    assert.ok(seen.at(-1) === 0 && lagging.lagBytes! > 0);
    assert.equal(sink.latest('pg-2')!.lagSeconds, 0);
  });

  it("a pg_hba rule added on the primary only changes the primary's permission fingerprint", async () => {
    await round();
    const before = sink.latest('pg-1')!.permissionFingerprint;
    assert.equal(before, sink.latest('pg-2')!.permissionFingerprint);
    await pair.addHbaRule(pair.primary, 'host all all 10.9.8.0/24 trust');
    await round();
    const primary = sink.latest('pg-1')!.permissionFingerprint;
    const standby = sink.latest('pg-2')!.permissionFingerprint;
    assert.notEqual(primary, before);
    assert.equal(standby, before);
    assert.notEqual(primary, standby);
  });

  it('reads the permission facts once per permissions_interval, and a role change or a reload within one round (docs: drift detection latency)', async () => {
    const nodes = [
      { member: 'pg-1', url: `postgres://rebound_monitor:\${REBOUND_TEST_PG_PASSWORD}@127.0.0.1:${pair.primary.port}/postgres` },
      { member: 'pg-2', url: `postgres://rebound_monitor:\${REBOUND_TEST_PG_PASSWORD}@127.0.0.1:${pair.standby.port}/postgres` },
    ];
    const cadenced = new PostgresqlReceiver('cadence-db', parsePostgresqlConfig({ nodes, timeout: '1s' }, 'groups[1].postgresql'), {
      intervalMillis: 200,
      logger,
      now: Date.now,
    });
    const own = new RecordingSink();
    try {
      await cadenced.round(own);
      const first = own.latest('pg-1')!;
      assert.equal(first.permissionObservedAtMillis, undefined, 'read in this round');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await cadenced.round(own);
      const carried = own.latest('pg-1')!;
      assert.equal(carried.permissionFingerprint, first.permissionFingerprint);
      assert.ok(carried.permissionObservedAtMillis! < carried.observedAtMillis, 'a carried fingerprint says when it was read');
      assert.ok(carried.observedAtMillis - carried.permissionObservedAtMillis! < 30_000, 'never older than the default permissions_interval');

      // CREATE ROLE: the roles digest in every round's statement changes; both nodes re-read once the standby replayed it.
      await pair.query(pair.primary, 'CREATE ROLE cadence_auditor LOGIN');
      await pair.waitForCatchUp();
      await cadenced.round(own);
      const [primary, standby] = [own.latest('pg-1')!, own.latest('pg-2')!];
      assert.notEqual(primary.permissionFingerprint, first.permissionFingerprint, 'the new role is seen in the next round, not 30 s later');
      assert.equal(primary.permissionObservedAtMillis, undefined);
      assert.ok(primary.permissionEntries!.some((e) => e.subject === 'role cadence_auditor'));
      assert.ok(
        standby.permissionEntries!.some((e) => e.subject === 'role cadence_auditor'),
        'roles are cluster-wide: the standby re-read once replayed',
      );
      assert.equal(standby.permissionObservedAtMillis, undefined);

      // A pg_hba rule on the standby, reloaded: pg_conf_load_time() moved, re-read in the next round.
      await pair.addHbaRule(pair.standby, 'host all all 10.7.6.0/24 reject');
      await cadenced.round(own);
      assert.notEqual(own.latest('pg-2')!.permissionFingerprint, standby.permissionFingerprint);
      assert.notEqual(own.latest('pg-2')!.permissionFingerprint, own.latest('pg-1')!.permissionFingerprint, 'the standby drifted');
    } finally {
      await cadenced.stop();
    }
  });

  it('pg_hba.conf edited but not reloaded is seen at the next permissions_interval read, not before', async () => {
    const nodes = [{ member: 'pg-1', url: `postgres://rebound_monitor:\${REBOUND_TEST_PG_PASSWORD}@127.0.0.1:${pair.primary.port}/postgres` }];
    const cadenced = new PostgresqlReceiver(
      'cadence-hba',
      parsePostgresqlConfig({ nodes, timeout: '1s', permissions_interval: '1500ms' }, 'groups[1].postgresql'),
      { intervalMillis: 200, logger, now: Date.now },
    );
    const own = new RecordingSink();
    try {
      await cadenced.round(own);
      const before = own.latest('pg-1')!.permissionFingerprint;
      appendFileSync(join(pair.primary.dataDir, 'pg_hba.conf'), 'host all all 10.5.4.0/24 reject\n');
      await cadenced.round(own);
      assert.equal(own.latest('pg-1')!.permissionFingerprint, before, 'no signal: carried (and says when it was read)');
      assert.ok(own.latest('pg-1')!.permissionObservedAtMillis !== undefined);
      const changed = await waitFor('the edit seen at the permissions_interval read', 5_000, async () => {
        await cadenced.round(own);
        const latest = own.latest('pg-1')!;
        return latest.permissionFingerprint !== before ? latest : undefined;
      });
      assert.equal(changed.permissionObservedAtMillis, undefined);
    } finally {
      await cadenced.stop();
      await pair.query(pair.primary, 'SELECT pg_reload_conf()');
    }
  });

  it('a hung standby (SIGSTOP) costs one timeout, gets no observation, and the source reports down', async () => {
    pair.pauseStandby();
    try {
      sink.clear();
      const started = Date.now();
      await round();
      const tookMillis = Date.now() - started;
      assert.deepEqual(
        sink.observations.map((o) => o.member),
        ['pg-1'],
        'the primary is still observed; the hung node is not guessed at',
      );
      assert.equal(sink.lastSourceUp(), false);
      // Bounded by the per-node timeout (1 s), not by the hung server: generous bound, not a speed test.
      assert.ok(tookMillis < 10_000, `round took ${tookMillis} ms`);
    } finally {
      pair.resumeStandby();
    }
    await waitFor('the standby to answer again', 20_000, async () => {
      await round();
      return sink.latest('pg-2')?.reachable ? true : undefined;
    });
  });

  it('without the pg_hba_file_rules grants (pg_monitor alone) it still probes, without a fingerprint, and says which grant is missing', async () => {
    await pair.query(pair.primary, `CREATE ROLE bare_monitor WITH LOGIN PASSWORD '${PASSWORD}' IN ROLE pg_monitor`);
    const config = parsePostgresqlConfig(
      { nodes: [{ member: 'pg-1', url: `postgres://bare_monitor:${PASSWORD}@127.0.0.1:${pair.primary.port}/postgres` }] },
      'groups[0].postgresql',
    );
    const bareSink = new RecordingSink();
    const bare = new PostgresqlReceiver('orders-db', config, { intervalMillis: 200, logger, now: Date.now });
    try {
      await bare.round(bareSink);
      const primary = bareSink.latest('pg-1')!;
      assert.equal(primary.role, 'leader');
      assert.equal(primary.permissionFingerprint, undefined);
      assert.ok(logger.lines.some((l) => l.includes('GRANT') || l.includes('grant the monitoring role SELECT on pg_hba_file_rules')));
    } finally {
      await bare.stop();
    }
  });

  it('a wrong password is a failed source (not an unreachable node), logged without any password', async () => {
    const config = parsePostgresqlConfig(
      { nodes: [{ member: 'pg-1', url: `postgres://rebound_monitor:wrong-${PASSWORD}@127.0.0.1:${pair.primary.port}/postgres` }] },
      'groups[0].postgresql',
    );
    const wrongSink = new RecordingSink();
    const wrong = new PostgresqlReceiver('orders-db', config, { intervalMillis: 200, logger, now: Date.now });
    await wrong.round(wrongSink);
    await wrong.stop();
    assert.deepEqual(wrongSink.observations, []);
    assert.equal(wrongSink.lastSourceUp(), false);
    assert.ok(logger.lines.some((l) => l.includes('password authentication failed')));
  });

  it('logs in with a raw ${ENV} password holding @ : / # % ? and spaces, and a wrong one leaks none of it', async () => {
    const special = 'p@ss:w/rd#50% ?x@y z';
    await pair.query(pair.primary, `CREATE ROLE special_monitor WITH LOGIN PASSWORD '${special}' IN ROLE pg_monitor`);
    await pair.prependHbaRule(pair.primary, 'host all special_monitor 127.0.0.1/32 scram-sha-256');
    const env = { PG_SPECIAL: special, PG_WRONG: `${special}-wrong` };
    const receiverOf = (variable: string) =>
      new PostgresqlReceiver(
        'orders-db',
        parsePostgresqlConfig(
          { nodes: [{ member: 'pg-1', url: `postgres://special_monitor:\${${variable}}@127.0.0.1:${pair.primary.port}/postgres` }] },
          'groups[0].postgresql',
          env,
        ),
        { intervalMillis: 200, logger: specialLogger, now: Date.now },
      );
    const specialLogger = createMemoryLogger();
    const rightSink = new RecordingSink();
    const right = receiverOf('PG_SPECIAL');
    const wrongSink = new RecordingSink();
    const wrong = receiverOf('PG_WRONG');
    try {
      await right.round(rightSink);
      assert.equal(rightSink.latest('pg-1')?.role, 'leader', specialLogger.lines.join('\n'));
      await wrong.round(wrongSink);
      assert.equal(wrongSink.lastSourceUp(), false);
      assert.ok(
        specialLogger.lines.some((l) => l.includes('password authentication failed')),
        specialLogger.lines.join('\n'),
      );
      const everything = specialLogger.lines.join('\n');
      for (const secret of [special, env.PG_WRONG, encodeURIComponent(special)]) {
        for (const piece of longSubstrings(secret)) assert.ok(!everything.includes(piece), `"${piece}" leaked: ${everything}`);
      }
    } finally {
      await right.stop();
      await wrong.stop();
    }
  });

  it('never puts the password in logs or observations', () => {
    const everything = [...logger.lines, JSON.stringify(sink.observations)].join('\n');
    assert.ok(logger.lines.length > 0, 'something was logged (the refused standby)');
    assert.ok(!everything.includes(PASSWORD), 'the password leaked');
  });
});
