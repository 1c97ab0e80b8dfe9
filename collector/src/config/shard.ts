import { ConfigError } from './config-error';
import { joinKey, readNumber, readObject } from './fields';

/** `shard: { index: 0, count: 2 }` (or `--shard 0/2`): this collector owns the groups whose name hashes to `index`. */
export interface ShardConfig {
  index: number;
  count: number;
}

/**
 * The shard that owns a group: 32-bit FNV-1a over the group name's UTF-8
 * bytes, modulo the shard count. Part of the contract between versions: a
 * change would move groups between shards (and their episodes between
 * collectors) on upgrade, so it never changes. `shardOf('payments', 2)` is 0 (FNV-1a of "a" is 0xe40c292c).
 */
export function shardOf(group: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(group, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

export function ownsGroup(shard: ShardConfig | undefined, group: string): boolean {
  return shard === undefined || shardOf(group, shard.count) === shard.index;
}

/** The `shard:` key; absent: no sharding (one collector owns every group). */
export function readShard(raw: unknown, keyPath: string): ShardConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  const o = readObject(raw, keyPath, ['index', 'count']);
  if (o['index'] === undefined || o['count'] === undefined) throw new ConfigError(keyPath, 'expected { index: I, count: N }, e.g. { index: 0, count: 2 }');
  return checkShard(readNumber(o['index'], joinKey(keyPath, 'index'), 0), readNumber(o['count'], joinKey(keyPath, 'count'), 1), keyPath);
}

/** `--shard 0/2`. */
export function parseShardFlag(text: string): ShardConfig {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (match === null) throw new ConfigError('--shard', `expected INDEX/COUNT, e.g. 0/2, got "${text}"`);
  return checkShard(Number(match[1]), Number(match[2]), '--shard');
}

function checkShard(index: number, count: number, keyPath: string): ShardConfig {
  if (!Number.isInteger(count) || count < 1 || count > 1024) throw new ConfigError(keyPath, `count must be a whole number from 1 to 1024, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new ConfigError(keyPath, `index must be a whole number from 0 to ${count - 1} (count ${count}), got ${index}`);
  return { index, count };
}
