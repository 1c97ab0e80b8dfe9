import type { ReceiverFactory } from '../receiver';
import { declarationsOf } from '../shared/node-config';
import { createDefaultRedisConfig, parseRedisConfig, type RedisReceiverConfig } from './config';
import { RedisReceiver } from './redis-receiver';

/** `redis:` under a group (DESIGN.md §3.2): probes every node's replication and ACLs. */
export const redisReceiverFactory: ReceiverFactory<RedisReceiverConfig> = {
  type: 'redis',
  createDefaultConfig: createDefaultRedisConfig,
  parseConfig: (raw, keyPath) => parseRedisConfig(raw, keyPath),
  create: (group, config, context) => new RedisReceiver(group, config, context),
  declaredMembers: (config) => declarationsOf(config.nodes),
  intervalMillisOf: (config) => config.intervalMillis,
};
