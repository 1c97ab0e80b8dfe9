import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupAdmission } from '../receivers/otlp/admission';
import { ConfigError } from './config-error';
import { parseConfigText } from './load';
import { parseShardFlag, shardOf } from './shard';

describe('shards', () => {
  it('hash group names with 32-bit FNV-1a over UTF-8, pinned: the owner of a group never changes between versions', () => {
    // Reference values of FNV-1a 32 (the empty string is the offset basis).
    assert.equal(shardOf('', 2 ** 32 - 1), 0x811c9dc5);
    assert.equal(shardOf('a', 2 ** 32 - 1), 0xe40c292c);
    assert.deepEqual(
      ['payments', 'orders', 'users', 'cache'].map((g) => shardOf(g, 2)),
      [0, 0, 1, 1],
    );
    assert.deepEqual(
      ['payments', 'orders', 'users', 'cache'].map((g) => shardOf(g, 3)),
      [0, 2, 2, 1],
    );
    assert.equal(shardOf('café', 7), shardOf('café', 7));
  });

  it('spread a fleet evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[shardOf(`redis-cluster-${i}`, 4)]!++;
    for (const n of counts) assert.ok(n > 2300 && n < 2700, `${counts.join(', ')}`);
  });

  it("shard: keeps only this shard's groups (maintenance windows too); --shard overrides the file", () => {
    const text = [
      'shard: { index: 1, count: 2 }',
      'groups:',
      ...['payments', 'orders', 'users', 'cache'].map((g) => `  - { name: ${g}, otlp: {} }`),
      'maintenance:',
      '  - { group: payments, start: 2026-12-01T22:00:00Z, duration: 1h, reason: upgrade }',
      '  - { group: users, start: 2026-12-01T22:00:00Z, duration: 1h, reason: upgrade }',
    ].join('\n');
    const config = parseConfigText(text, 'r.yaml');
    assert.deepEqual(config.shard, { index: 1, count: 2 });
    assert.deepEqual(
      config.groups.map((g) => g.name),
      ['users', 'cache'],
    );
    assert.equal(config.shardSkipped, 2);
    assert.deepEqual(
      config.maintenance.map((w) => w.group),
      ['users'],
    );
    assert.deepEqual(config.otlp.shard, { index: 1, count: 2 });
    const other = parseConfigText(text, 'r.yaml', undefined, { shard: parseShardFlag('0/2') });
    assert.deepEqual(
      other.groups.map((g) => g.name),
      ['payments', 'orders'],
    );
  });

  it('refuse an index outside the count, naming the key', () => {
    assert.throws(
      () => parseConfigText('shard: { index: 2, count: 2 }\ngroups: [{ name: g, otlp: {} }]\n', 'r.yaml'),
      (e: unknown) => e instanceof ConfigError && /shard: index must be a whole number from 0 to 1 \(count 2\), got 2/.test(e.message),
    );
    assert.throws(() => parseConfigText('shard: { count: 2 }\ngroups: [{ name: g, otlp: {} }]\n', 'r.yaml'), /shard: expected \{ index: I, count: N \}/);
    assert.throws(() => parseShardFlag('1 of 2'), /--shard: expected INDEX\/COUNT, e\.g\. 0\/2, got "1 of 2"/);
    assert.throws(() => parseShardFlag('0/0'), /count must be a whole number from 1 to 1024/);
  });

  it('OTLP: a point of a group another shard owns is refused as other_shard, naming the owner, even with dynamic groups', () => {
    const admission = new GroupAdmission(new Set(['users']), {
      dynamicGroups: true,
      maxGroups: 100,
      maxMembersPerGroup: 10,
      memberExpiryMillis: undefined,
      shard: { index: 1, count: 2 },
    });
    assert.equal(admission.admit('users', 'u-1', 0), undefined);
    assert.equal(admission.admit('cache', 'c-1', 0), undefined, 'a dynamic group of this shard');
    const refused = admission.admit('payments', 'p-1', 0);
    assert.equal(refused?.reason, 'other_shard');
    assert.match(refused!.example, /group "payments" belongs to shard 0 of 2 \(this is shard 1\); route it there/);
  });
});
