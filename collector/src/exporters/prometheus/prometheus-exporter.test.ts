import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecoveryEngine } from '../../engine/engine';
import { obs, testGroup } from '../../engine/testing/scenario';
import { METRICS } from '../metric-definitions';
import { PrometheusExporter } from './prometheus-exporter';

function seriesOf(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(name + '{') || line.startsWith(name + ' '));
}

/** A group mid-failover: every signal has something to say. Beside it a calm group and one draining (it has an ETA). */
function midFailover() {
  let now = 1_700_000_000_000;
  const engine = new RecoveryEngine({ groups: [testGroup(), testGroup({ name: 'calm' }), testGroup({ name: 'drain' })], now: () => now });
  const exporter = new PrometheusExporter();
  engine.onEpisodeCompleted((e) => exporter.recordEpisode(e));
  const deps = (zone: string) => ({ 'cloud.availability_zone': zone, 'host.name': 'shared-host' });
  // What the fingerprints stand for: after the failover the new leader b has a user c lacks.
  const users = (...names: string[]) => names.map((u) => ({ subject: `user ${u}`, rules: 'on ~* +@all' }));
  for (let s = 0; s < 12; s++) {
    const failed = s >= 3;
    engine.observe(
      obs(
        'a',
        now,
        failed
          ? { role: 'leader', reachable: false, dependencies: deps('z1') }
          : { role: 'leader', position: 10, load: 100, dependencies: deps('z1'), permissionFingerprint: 'p' },
      ),
    );
    engine.observe(
      obs('b', now, {
        role: failed ? 'leader' : 'replica',
        position: 10,
        load: 250,
        dependencies: deps('z2'),
        permissionFingerprint: failed ? 'q' : 'p',
        permissionEntries: failed ? users('app', 'auditor') : users('app'),
      }),
    );
    engine.observe(
      obs('c', now, { position: 10, lagSeconds: failed ? 30 - s : 0, dependencies: deps('z3'), permissionFingerprint: 'p', permissionEntries: users('app') }),
    );
    engine.observe({ ...obs('x', now, { role: 'leader', position: 1 }), group: 'calm' });
    engine.observe({ ...obs('y', now, { role: 'leader', position: 1 }), group: 'drain' });
    engine.observe({ ...obs('z', now, { lagSeconds: s < 3 ? 0 : 30 - 2 * (s - 3) }), group: 'drain' });
    exporter.update(engine.tick(), new Map([['test', true]]));
    now += 1000;
  }
  return { engine, exporter };
}

describe('PrometheusExporter', () => {
  describe('metricsText', () => {
    it('serves every contract metric of DESIGN.md §4 with its help text', async () => {
      const { exporter } = midFailover();
      exporter.recordEpisode({ group: 'db', durationSeconds: 42, rtoSeconds: 300 });
      exporter.recordEpisode({ group: 'db', durationSeconds: 60, rtoSeconds: 300, planned: true });
      exporter.recordBlip('db');
      exporter.shardInfo({ index: 1, count: 2 });
      const text = await exporter.metricsText();
      assert.deepEqual(seriesOf(text, 'recovery_collector_shard_info'), ['recovery_collector_shard_info{shard="1",shards="2"} 1']);
      for (const definition of Object.values(METRICS)) {
        assert.match(text, new RegExp(`# HELP ${definition.name} `), `${definition.name} has HELP`);
        assert.match(text, new RegExp(`# TYPE ${definition.name} ${definition.type}`), `${definition.name} has TYPE`);
        const sample = definition.type === 'histogram' ? `${definition.name}_bucket` : definition.name;
        assert.ok(seriesOf(text, sample).length > 0, `${definition.name} has series`);
      }
    });

    it('exports one phase series per phase with exactly one set to 1', async () => {
      const { exporter } = midFailover();
      const phases = seriesOf(await exporter.metricsText(), 'recovery_group_phase');
      assert.equal(phases.length, 18);
      assert.equal(phases.filter((l) => l.includes('group="db"') && l.endsWith(' 1')).length, 1);
    });

    it('names the shared failure domain and the drifted member', async () => {
      const text = await midFailover().exporter.metricsText();
      assert.deepEqual(
        seriesOf(text, 'recovery_group_shared_dependency').filter((l) => l.includes('group="db"')),
        ['recovery_group_shared_dependency{group="db",dimension="host.name",value="shared-host"} 1'],
      );
      assert.ok(seriesOf(text, 'recovery_member_permission_drift').includes('recovery_member_permission_drift{group="db",member="c"} 1'));
      assert.deepEqual(seriesOf(text, 'recovery_member_permission_difference'), [
        'recovery_member_permission_difference{group="db",member="c",change="missing",entry="user auditor"} 1',
      ]);
    });

    it("names each member's role and failure-domain values", async () => {
      const text = await midFailover().exporter.metricsText();
      assert.deepEqual(
        seriesOf(text, 'recovery_member_role_info').filter((l) => l.includes('group="db"')),
        [
          'recovery_member_role_info{group="db",member="a",role="leader"} 1',
          'recovery_member_role_info{group="db",member="b",role="leader"} 1',
          'recovery_member_role_info{group="db",member="c",role="replica"} 1',
        ],
      );
      assert.deepEqual(
        seriesOf(text, 'recovery_member_failure_domain').filter((l) => l.includes('member="c"')),
        [
          'recovery_member_failure_domain{group="db",member="c",dimension="cloud.availability_zone",value="z3"} 1',
          'recovery_member_failure_domain{group="db",member="c",dimension="host.name",value="shared-host"} 1',
        ],
      );
      assert.ok(seriesOf(text, 'recovery_group_failover_load_ratio').includes('recovery_group_failover_load_ratio{group="db"} 2.5'));
    });

    it('leaves the ETA series absent when the ETA is unknown, never a made-up number', async () => {
      const { exporter, engine } = midFailover();
      assert.equal(engine.snapshot()[0]!.etaSeconds, null);
      const text = await exporter.metricsText();
      assert.deepEqual(
        seriesOf(text, 'recovery_group_eta_seconds').filter((l) => !l.includes('drain')),
        ['recovery_group_eta_seconds{group="calm"} 0'],
      );
      assert.deepEqual(
        seriesOf(text, 'recovery_group_eta_timestamp_seconds').filter((l) => !l.includes('drain')),
        [],
        'no deadline without an ETA, nor once all converged',
      );
    });

    it('publishes the expected completion time, and ages eta_seconds to the scrape rather than to the tick', async () => {
      const { exporter, engine } = midFailover();
      const drain = engine.snapshot().find((s) => s.name === 'drain')!;
      // 14 s behind at t=11 s, draining 2 s/s: converged 7 s after that observation.
      assert.equal(drain.etaDeadlineMillis, 1_700_000_011_000 + 7_000);
      const text = await exporter.metricsText();
      assert.deepEqual(seriesOf(text, 'recovery_group_eta_timestamp_seconds'), ['recovery_group_eta_timestamp_seconds{group="drain"} 1700000018']);
      // The tick ran at a fake 2023 clock; the scrape runs now, long after the deadline: what is left is 0, not the tick's 7 s.
      assert.deepEqual(
        seriesOf(text, 'recovery_group_eta_seconds').filter((l) => l.includes('drain')),
        ['recovery_group_eta_seconds{group="drain"} 0'],
      );
      const late = { ...drain, derivedAtMillis: Date.now() - 1_500, etaSeconds: 10, etaDeadlineMillis: Date.now() + 8_500 };
      exporter.update([late], new Map());
      const eta = Number(
        seriesOf(await exporter.metricsText(), 'recovery_group_eta_seconds')
          .find((l) => l.includes('drain'))!
          .split(' ')[1],
      );
      assert.ok(eta > 8 && eta <= 8.5, `scraped 1.5 s after the tick that said 10 s: ${eta}`);
    });

    it('has histogram buckets that make the common RTOs exact', async () => {
      const { exporter } = midFailover();
      exporter.recordEpisode({ group: 'db', durationSeconds: 900, rtoSeconds: 900 });
      const buckets = seriesOf(await exporter.metricsText(), 'recovery_duration_seconds_bucket').map((l) => /le="([^"]+)"/.exec(l)![1]);
      for (const le of ['30', '60', '120', '300', '600', '900', '1800', '3600', '7200', '14400']) assert.ok(buckets.includes(le), `bucket le=${le}`);
      const at900 = seriesOf(await exporter.metricsText(), 'recovery_duration_seconds_bucket').find((l) => l.includes('le="900"'));
      assert.match(at900!, / 1$/, 'a 900 s recovery counts as within a 15 min RTO');
    });

    it('starts a declared group at zero episodes, so its first episode counts as an increase', async () => {
      const exporter = new PrometheusExporter();
      exporter.declareGroup('fresh');
      const text = await exporter.metricsText();
      assert.ok(seriesOf(text, 'recovery_episodes_total').includes('recovery_episodes_total{group="fresh"} 0'));
      assert.ok(seriesOf(text, 'recovery_duration_seconds_count').includes('recovery_duration_seconds_count{group="fresh"} 0'));
      assert.ok(seriesOf(text, 'recovery_episodes_within_rto_total').includes('recovery_episodes_within_rto_total{group="fresh"} 0'));
    });

    it('judges each episode once, against the RTO it ran under, in recovery_episodes_within_rto_total', async () => {
      const exporter = new PrometheusExporter();
      exporter.declareGroup('db');
      exporter.recordEpisode({ group: 'db', durationSeconds: 200, rtoSeconds: 300 });
      exporter.recordEpisode({ group: 'db', durationSeconds: 300, rtoSeconds: 300 });
      // Beyond its 5 min RTO when it ran; a later, larger RTO does not make it good.
      exporter.recordEpisode({ group: 'db', durationSeconds: 400, rtoSeconds: 300 });
      exporter.recordEpisode({ group: 'db', durationSeconds: 400, rtoSeconds: 900 });
      const text = await exporter.metricsText();
      assert.ok(seriesOf(text, 'recovery_episodes_total').includes('recovery_episodes_total{group="db"} 4'));
      assert.ok(seriesOf(text, 'recovery_episodes_within_rto_total').includes('recovery_episodes_within_rto_total{group="db"} 3'));
    });

    it('exports recovery_store_up without labels, 1 or 0', async () => {
      const exporter = new PrometheusExporter();
      exporter.storeUp(true);
      assert.deepEqual(seriesOf(await exporter.metricsText(), 'recovery_store_up'), ['recovery_store_up 1']);
      exporter.storeUp(false);
      assert.deepEqual(seriesOf(await exporter.metricsText(), 'recovery_store_up'), ['recovery_store_up 0']);
    });

    it('exports +Inf observation age for a member never observed', async () => {
      const engine = new RecoveryEngine({ groups: [testGroup()] });
      engine.declare('db', [{ member: 'ghost', role: 'replica' }]);
      const exporter = new PrometheusExporter();
      exporter.update(engine.tick(), new Map());
      const text = await exporter.metricsText();
      assert.ok(seriesOf(text, 'recovery_member_observation_age_seconds').includes('recovery_member_observation_age_seconds{group="db",member="ghost"} +Inf'));
      assert.ok(seriesOf(text, 'recovery_member_status').includes('recovery_member_status{group="db",member="ghost",status="unknown"} 1'));
    });

    describe('a retired member', () => {
      const memberLines = (text: string, member: string) => text.split('\n').filter((l) => !l.startsWith('#') && l.includes(`member="${member}"`));
      /** a leads; c lags with lag, bytes and drifted permissions, so it has a series in every member metric. */
      function withLaggingMember() {
        const now = 1_700_000_000_000;
        const engine = new RecoveryEngine({ groups: [testGroup()], now: () => now });
        const exporter = new PrometheusExporter();
        engine.observe(obs('a', now, { role: 'leader', position: 100, permissionFingerprint: 'p' }));
        engine.observe(obs('b', now, { position: 100, permissionFingerprint: 'p' }));
        engine.observe(obs('c', now, { position: 40, lagSeconds: 30, lagBytes: 4096, permissionFingerprint: 'q' }));
        exporter.update(engine.tick(), new Map());
        return { engine, exporter, now };
      }

      it('loses every series it had once it is no longer in the state', async () => {
        const { engine, exporter } = withLaggingMember();
        const before = memberLines(await exporter.metricsText(), 'c');
        for (const name of [
          'recovery_member_status',
          'recovery_member_lag_seconds',
          'recovery_member_lag_bytes',
          'recovery_member_permission_drift',
          'recovery_member_observation_age_seconds',
        ]) {
          assert.ok(
            before.some((l) => l.startsWith(name + '{')),
            `c has ${name} before retirement`,
          );
        }
        assert.equal(engine.retireMember('db', 'c'), true);
        exporter.update(engine.tick(), new Map());
        const text = await exporter.metricsText();
        assert.deepEqual(memberLines(text, 'c'), []);
        assert.ok(memberLines(text, 'a').length > 0 && memberLines(text, 'b').length > 0, 'the others keep theirs');
        assert.ok(text.includes('recovery_group_members{group="db",status="lagging"} 0'));
        assert.ok(text.includes('recovery_group_members{group="db",status="converged"} 2'));
      });

      it('loses its series when a newcomer takes its place in the same tick', async () => {
        const { engine, exporter, now } = withLaggingMember();
        engine.retireMember('db', 'c');
        engine.observe(obs('d', now, { position: 100, permissionFingerprint: 'p' }));
        const state = engine.tick();
        assert.deepEqual(
          state[0]!.members.map((m) => m.member),
          ['a', 'b', 'd'],
          'same member count, different members',
        );
        exporter.update(state, new Map());
        const text = await exporter.metricsText();
        assert.deepEqual(memberLines(text, 'c'), []);
        assert.ok(text.includes('recovery_member_status{group="db",member="d",status="converged"} 1'));
      });
    });
  });

  describe('exposition', () => {
    it('fills observation ages at scrape time, from the clock it is given', async () => {
      let now = 1_700_000_000_000;
      const engine = new RecoveryEngine({ groups: [testGroup()], now: () => now });
      let scrapeAt = now;
      const exporter = new PrometheusExporter(undefined, { nowMillis: () => scrapeAt });
      engine.observe(obs('a', now - 2000, { role: 'leader', position: 1 }));
      exporter.update(engine.tick(), new Map());
      const age = async () => seriesOf(await exporter.metricsText(), 'recovery_member_observation_age_seconds')[0];
      assert.equal(await age(), 'recovery_member_observation_age_seconds{group="db",member="a"} 2');
      scrapeAt += 1500; // a scrape 1.5 s after the tick: the age moved on without a new tick
      assert.equal(await age(), 'recovery_member_observation_age_seconds{group="db",member="a"} 3.5');
      now += 1000;
    });

    it('never rewrites the bytes of a scrape still in flight, and reuses buffers once it is released', async () => {
      let now = 1_700_000_000_000;
      const engine = new RecoveryEngine({ groups: [testGroup(), testGroup({ name: 'calm' })], now: () => now });
      const exporter = new PrometheusExporter(undefined, { nowMillis: () => now });
      const tick = (lag: number) => {
        engine.observe(obs('a', now, { role: 'leader', position: 100 }));
        engine.observe(obs('b', now, { position: 100 - lag, lagSeconds: lag }));
        exporter.update(engine.tick(), new Map());
        now += 1000;
      };
      tick(0);
      const slow = await exporter.exposition(); // a scraper that has not finished reading
      const sent = Buffer.concat(slow.pieces).toString('utf8');
      for (const lag of [7, 12345, 3, 98765]) {
        tick(lag);
        const next = await exporter.exposition();
        next.release();
        assert.equal(Buffer.concat(slow.pieces).toString('utf8'), sent, `after a tick with lag ${lag}`);
      }
      slow.release();
      tick(5);
      const text = await exporter.metricsText();
      assert.ok(text.includes('recovery_member_lag_seconds{group="db",member="b"} 5\n'), 'current values after reuse');
      assert.equal(text, await exporter.metricsText(), 'two scrapes without a tick in between agree');
    });
  });
});
