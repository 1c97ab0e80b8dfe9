import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { RecoveryEngine } from '../../engine/engine';
import { testGroup } from '../../engine/testing/scenario';
import { PrometheusExporter } from '../../exporters/prometheus/prometheus-exporter';
import { createMemoryLogger } from '../../logger';
import type { GroupState } from '../../model/group-state';
import { createDefaultOtlpServerConfig, type OtlpServerConfig } from './config';
import { createOtlpHttpReceiver } from './otlp-http-receiver';
import { RETIRED_METRIC_NAME } from './retirement';

const MINUTE = 60_000;

/**
 * The real receiver over HTTP, delivering into a real engine whose state feeds
 * a real Prometheus exporter, all on one fake clock: expiry is minutes, and the
 * test must not wait them out.
 */
async function startPipeline(server: Partial<OtlpServerConfig>, declared: string[] = []) {
  let now = 1_700_000_000_000;
  const registry = new Registry();
  const logger = createMemoryLogger();
  const engine = new RecoveryEngine({ groups: [testGroup({ name: 'payments', freshnessMillis: 30_000, holdDownMillis: 0 })], now: () => now });
  engine.declare(
    'payments',
    declared.map((member) => ({ member })),
  );
  const exporter = new PrometheusExporter(registry);
  const receiver = createOtlpHttpReceiver({
    listen: { host: '127.0.0.1', port: 0 },
    groups: new Set(['payments']),
    server: { ...createDefaultOtlpServerConfig(), ...server },
    registry,
    context: { intervalMillis: 1000, logger, now: () => now },
    declaredMembers: new Map([['payments', declared]]),
  });
  await receiver.start(engine);
  const url = `http://127.0.0.1:${receiver.address().port}/v1/metrics`;
  return {
    engine,
    receiver,
    logger,
    advance(millis: number) {
      now += millis;
    },
    /** One push per member: position 100, stamped "now" (time 0) so the fake clock decides freshness. */
    async push(...members: [member: string, role: 'leader' | 'replica'][]): Promise<{ rejected: number; message: string }> {
      const body = {
        resourceMetrics: members.map(([member, role]) => ({
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'payments' } },
              { key: 'service.instance.id', value: { stringValue: member } },
              { key: 'recovery.member.role', value: { stringValue: role } },
            ],
          },
          scopeMetrics: [{ metrics: [{ name: 'recovery.member.position', gauge: { dataPoints: [{ timeUnixNano: '0', asDouble: 100 }] } }] }],
        })),
      };
      const reply = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(reply.status, 200);
      const answer = (await reply.json()) as { partialSuccess?: { rejectedDataPoints?: string | number; errorMessage?: string } };
      return { rejected: Number(answer.partialSuccess?.rejectedDataPoints ?? 0), message: answer.partialSuccess?.errorMessage ?? '' };
    },
    tick(): GroupState {
      const states = engine.tick();
      exporter.update(states, engine.sourceStates());
      return states[0]!;
    },
    async memberSeries(member: string): Promise<string[]> {
      return (await exporter.metricsText()).split('\n').filter((l) => !l.startsWith('#') && l.includes(`member="${member}"`));
    },
    async retiredTotal(): Promise<number> {
      const metric = await registry.getSingleMetric(RETIRED_METRIC_NAME)!.get();
      return metric.values.find((v) => v.labels['receiver'] === 'otlp')?.value ?? 0;
    },
  };
}

const members = (state: GroupState) => state.members.map((m) => `${m.member}:${m.status}`);

describe('OTLP receiver with otlp.member_expiry', () => {
  it('retires a replaced member after member_expiry: its slot, its place in the group and its series are freed, and the group recovers', async () => {
    const p = await startPipeline({ memberExpiryMillis: 5 * MINUTE, maxMembersPerGroup: 2 });
    try {
      assert.deepEqual(await p.push(['lead', 'leader'], ['pod-a', 'replica']), { rejected: 0, message: '' });
      assert.deepEqual(members(p.tick()), ['lead:converged', 'pod-a:converged']);
      assert.equal(p.tick().phase, 'healthy');

      // pod-a is replaced by pod-b; the leader keeps pushing every minute.
      for (let minute = 1; minute <= 4; minute++) {
        p.advance(MINUTE);
        await p.push(['lead', 'leader']);
        p.tick();
      }
      const beforeExpiry = await p.push(['lead', 'leader'], ['pod-b', 'replica']);
      assert.equal(beforeExpiry.rejected, 1, 'before member_expiry the group is still full');
      assert.match(beforeExpiry.message, /too_many_members/);
      const stuck = p.tick();
      assert.deepEqual(members(stuck), ['lead:converged', 'pod-a:unknown']);
      assert.notEqual(stuck.phase, 'healthy', 'the vanished member keeps the group from looking recovered');
      assert.ok((await p.memberSeries('pod-a')).length > 0);

      p.advance(MINUTE); // pod-a silent for 5 minutes now
      assert.deepEqual(await p.push(['lead', 'leader'], ['pod-b', 'replica']), { rejected: 0, message: '' }, 'the slot is free');
      const after = p.tick();
      assert.deepEqual(members(after), ['lead:converged', 'pod-b:converged']);
      assert.equal(after.phase, 'healthy');
      assert.deepEqual(await p.memberSeries('pod-a'), [], 'no series of the retired member in /metrics');
      assert.ok((await p.memberSeries('pod-b')).some((l) => l === 'recovery_member_status{group="payments",member="pod-b",status="converged"} 1'));
      assert.equal(await p.retiredTotal(), 1);
      const logged = p.logger.lines.filter((l) => l.includes('retired'));
      assert.equal(logged.length, 1);
      assert.match(logged[0]!, /"group":"payments","member":"pod-a","silentFor":"5m","memberExpiry":"5m"/);
    } finally {
      await p.receiver.stop();
    }
  });

  it('never retires a declared member, which keeps its slot and stays unknown', async () => {
    const p = await startPipeline({ memberExpiryMillis: 2 * MINUTE, maxMembersPerGroup: 2 }, ['pay-1']);
    try {
      await p.push(['pay-1', 'leader'], ['pod-a', 'replica']);
      p.tick();
      p.advance(10 * MINUTE);
      p.receiver.retireSilentMembers();
      assert.deepEqual(members(p.tick()), ['pay-1:unknown'], 'pod-a is retired, pay-1 is not');
      assert.ok((await p.memberSeries('pay-1')).length > 0);
      assert.deepEqual(await p.push(['pod-b', 'replica']), { rejected: 0, message: '' }, "pod-a's slot is free");
      const full = await p.push(['pod-c', 'replica']);
      assert.equal(full.rejected, 1, 'pay-1 still holds its slot');
      assert.deepEqual(
        p.tick().members.map((m) => m.member),
        ['pay-1', 'pod-b'],
      );
      assert.equal(await p.retiredTotal(), 1);
    } finally {
      await p.receiver.stop();
    }
  });

  it('keeps a member that keeps pushing, and takes one that comes back after retirement as new', async () => {
    const p = await startPipeline({ memberExpiryMillis: 2 * MINUTE, maxMembersPerGroup: 2 });
    try {
      await p.push(['lead', 'leader'], ['pod-a', 'replica']);
      for (let i = 0; i < 5; i++) {
        p.advance(MINUTE);
        await p.push(['lead', 'leader']);
        p.receiver.retireSilentMembers();
      }
      assert.deepEqual(members(p.tick()), ['lead:converged']);
      assert.deepEqual(await p.push(['lead', 'leader'], ['pod-a', 'replica']), { rejected: 0, message: '' });
      assert.deepEqual(members(p.tick()), ['lead:converged', 'pod-a:converged']);
      assert.equal(await p.retiredTotal(), 1);
    } finally {
      await p.receiver.stop();
    }
  });

  it('retires nobody without member_expiry (the default): a vanished member may be a dead replica', async () => {
    const p = await startPipeline({ maxMembersPerGroup: 2 });
    try {
      await p.push(['lead', 'leader'], ['pod-a', 'replica']);
      p.advance(24 * 60 * MINUTE);
      p.receiver.retireSilentMembers();
      assert.equal((await p.push(['lead', 'leader'], ['pod-b', 'replica'])).rejected, 1);
      assert.deepEqual(members(p.tick()), ['lead:converged', 'pod-a:unknown']);
      assert.equal(await p.retiredTotal(), 0);
    } finally {
      await p.receiver.stop();
    }
  });
});
