import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Counter, type Registry } from 'prom-client';
import { RecoveryEngine } from '../../engine/engine';
import { obs, testGroup } from '../../engine/testing/scenario';
import type { Episode, GroupState } from '../../model/group-state';
import { PrometheusExporter } from './prometheus-exporter';
import { promClientRegistry } from './testing/prom-client-reference';
import { repeatedHeaders, sampleSet } from './testing/sample-set';

/** The receivers' own counter, registered on the exporter's registry as the OTLP receiver does. */
function receiverCounter(registry: Registry): Counter<'receiver' | 'reason'> {
  return new Counter({
    name: 'recovery_receiver_refused_total',
    help: 'Data points a receiver refused.',
    labelNames: ['receiver', 'reason'],
    registers: [registry],
  });
}

/**
 * Twelve ticks of three groups through a failover, a retirement, a newcomer, a
 * member never observed, names that need escaping, a draining replica (an ETA
 * with a deadline, read 700 ms after the tick) and completed episodes; after
 * each tick, both expositions of the same states.
 */
async function* expositionsOverAStory(): AsyncGenerator<{ tick: number; cached: string; reference: string; openMetrics: string }> {
  let now = 1_700_000_000_000;
  const odd = 'we"ird\\grp\nname';
  const engine = new RecoveryEngine({ groups: [testGroup(), testGroup({ name: 'calm' }), testGroup({ name: odd })], now: () => now });
  let scrapeAt = now;
  const exporter = new PrometheusExporter(undefined, { nowMillis: () => scrapeAt });
  const declared = ['db', 'calm', odd];
  for (const group of declared) exporter.declareGroup(group);
  const episodes: Pick<Episode, 'group' | 'durationSeconds' | 'rtoSeconds' | 'planned'>[] = [];
  const blips: string[] = [];
  const refused = receiverCounter(exporter.registry);
  engine.declare('calm', [{ member: 'ghost', role: 'replica' }]);
  const deps = (zone: string) => ({ 'cloud.availability_zone': zone, 'host.name': 'shared "host"' });
  for (let tick = 0; tick < 12; tick++) {
    const failed = tick >= 3 && tick < 9;
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
      obs('b', now, { role: failed ? 'leader' : 'replica', position: 10, load: 250, dependencies: deps('z2'), permissionFingerprint: failed ? 'q' : 'p' }),
    );
    if (tick < 7)
      engine.observe(
        obs('c\\"x', now, {
          position: 10,
          lagSeconds: failed ? 30 - tick : 0,
          ...(failed ? { lagBytes: 4096 } : {}),
          dependencies: deps('z3'),
          permissionFingerprint: 'p',
        }),
      );
    if (tick === 7) engine.retireMember('db', 'c\\"x');
    if (tick >= 7) engine.observe(obs('d', now, { position: 10, dependencies: deps('z3'), permissionFingerprint: 'p' }));
    engine.observe({ ...obs('x', now, { role: 'leader', position: 1 }), group: 'calm' });
    // A replica draining 2 s/s from tick 3: an ETA with a deadline, aged to the scrape.
    engine.observe({ ...obs('w', now, { lagSeconds: tick < 3 ? 0 : Math.max(0, 30 - 2 * (tick - 3)) }), group: odd });
    engine.observe({ ...obs('m\n1', now, { role: 'leader', position: tick, load: tick === 5 ? Number.NaN : 1 }), group: odd });
    const states: readonly GroupState[] = engine.tick();
    if (tick === 4)
      episodes.push(
        { group: 'db', durationSeconds: 42.5, rtoSeconds: 60 },
        { group: 'db', durationSeconds: 90_000, rtoSeconds: 60 },
        { group: 'calm', durationSeconds: null, rtoSeconds: 60 },
        { group: odd, durationSeconds: 12, rtoSeconds: 60, planned: true },
      );
    if (tick === 4) for (const e of episodes) exporter.recordEpisode(e);
    if (tick === 2 || tick === 5) {
      blips.push('calm');
      exporter.recordBlip('calm');
    }
    if (tick % 3 === 0) refused.inc({ receiver: 'otlp', reason: 'unknown_group' });
    const sources = new Map([['test', tick % 4 !== 1]]);
    exporter.update(states, sources);
    exporter.storeUp(tick !== 6);
    scrapeAt = now + 700; // a scrape between ticks: ages moved on
    const reference = promClientRegistry({ declared, episodes, blips, states, sources, storeUp: tick !== 6, nowMillis: scrapeAt });
    receiverCounter(reference).inc({ receiver: 'otlp', reason: 'unknown_group' }, Math.floor(tick / 3) + 1);
    yield { tick, cached: await exporter.metricsText(), reference: await reference.metrics(), openMetrics: await exporter.metricsText('openmetrics') };
    now += 1000;
  }
}

describe('PrometheusExporter', () => {
  describe('cached exposition', () => {
    it('means what a prom-client registry holding the same states means, tick after tick (parsed, compared as sample sets)', async () => {
      let compared = 0;
      const findingsByTick = new Set<string>();
      for await (const { tick, cached, reference } of expositionsOverAStory()) {
        findingsByTick.add((cached.match(/^recovery_group_finding\{.*$/gm) ?? []).join('\n'));
        const mine = sampleSet(cached);
        const theirs = sampleSet(reference);
        assert.deepEqual(mine.samples, theirs.samples, `tick ${tick}: samples`);
        assert.deepEqual(mine.help, theirs.help, `tick ${tick}: HELP and TYPE`);
        assert.deepEqual(repeatedHeaders(cached), [], `tick ${tick}: each family announced once`);
        compared += mine.samples.length;
      }
      assert.ok(compared > 1000, `compared ${compared} samples`);
      assert.ok(findingsByTick.size > 1, `finding series come and go over the story: ${[...findingsByTick].join(' | ')}`);
    });

    it('passes promtool check metrics (the Go parser Prometheus uses)', async () => {
      let last = '';
      for await (const { cached } of expositionsOverAStory()) last = cached;
      const result = spawnSync('promtool', ['check', 'metrics'], { input: last, encoding: 'utf8' });
      assert.equal(result.error, undefined, 'promtool runs (scripts/ensure-system-deps.sh installs prometheus)');
      assert.doesNotMatch(result.stdout + result.stderr, /error|parse/i, result.stdout + result.stderr);
    });

    it('has the same samples in OpenMetrics, counter families named without _total, and ends with # EOF', async () => {
      for await (const { tick, cached, openMetrics } of expositionsOverAStory()) {
        const samples = (text: string) =>
          text
            .split('\n')
            .filter((l) => l !== '' && !l.startsWith('#'))
            .sort();
        assert.deepEqual(samples(openMetrics), samples(cached), `tick ${tick}`);
        assert.ok(openMetrics.endsWith('\n# EOF\n'), 'ends with # EOF');
        assert.equal(openMetrics.match(/^# EOF$/gm)!.length, 1);
        assert.doesNotMatch(openMetrics, /\n\n/, 'no blank lines (OpenMetrics forbids them)');
        assert.match(openMetrics, /^# TYPE recovery_episodes counter$/m);
        assert.match(openMetrics, /^# TYPE recovery_receiver_refused counter$/m);
        assert.match(openMetrics, /^recovery_receiver_refused_total\{receiver="otlp",reason="unknown_group"\} \d+$/m);
        assert.match(cached, /^# TYPE recovery_episodes_total counter$/m);
        assert.match(cached, /^# TYPE recovery_receiver_refused_total counter$/m, 'the Prometheus text answer keeps the counter name after an OpenMetrics one');
        assert.deepEqual(repeatedHeaders(openMetrics), []);
      }
    });
  });
});
