import { joinKey, readDurationMillis, readHostPort, readObject, readOptionalString } from '../../config/fields';
import { expandEnv } from '../../config/secrets';
import { readNodes, type ProbedNodeConfig } from '../shared/node-config';
import { DEFAULT_PERMISSIONS_INTERVAL_MILLIS } from '../shared/permission-cadence';
import { Secret } from '../shared/secret';
import { readRedisTls, type RedisTlsConfig } from './tls-config';

/** One Redis node: `{ member: cache-a, address: 127.0.0.1:6379, dependencies: {...}, role: leader }`. */
export interface RedisNodeConfig extends ProbedNodeConfig {
  /** `host:port` as written in config. */
  address: string;
  host: string;
  port: number;
}

/** `redis:` under a group (DESIGN.md §3.3). */
export interface RedisReceiverConfig {
  nodes: RedisNodeConfig[];
  /** Probe interval when it differs from the collector's `interval`. */
  intervalMillis?: number;
  /** Per-node deadline of one probe (connect + INFO + ACL LIST); a hung node is abandoned after it. */
  timeoutMillis: number;
  /** Longest wait between reconnect attempts to a failing node. */
  maxBackoffMillis: number;
  /** How old a node's `ACL LIST` (its permission fingerprint) may get before it is read again; read on every new connection too. */
  permissionsIntervalMillis: number;
  /** ACL user (Redis 6+); the `default` user when absent. */
  username?: string;
  /** Password, usually `${ENV_VAR}`; prints as `***` (JSON, logs, inspect). */
  password?: Secret;
  /** TLS to the nodes; false means plain TCP. */
  tls: false | RedisTlsConfig;
}

export const REDIS_CONFIG_KEYS = ['nodes', 'interval', 'timeout', 'max_backoff', 'permissions_interval', 'username', 'password', 'tls'] as const;

export function createDefaultRedisConfig(): RedisReceiverConfig {
  return { nodes: [], timeoutMillis: 1_000, maxBackoffMillis: 30_000, permissionsIntervalMillis: DEFAULT_PERMISSIONS_INTERVAL_MILLIS, tls: false };
}

/**
 * Validate a group's `redis:` section at `keyPath`, e.g.
 * `{ nodes: [{ member: cache-a, address: 10.0.0.1:6379 }], password: '${REDIS_PASSWORD}', timeout: 500ms }`.
 */
export function parseRedisConfig(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv = process.env): RedisReceiverConfig {
  const defaults = createDefaultRedisConfig();
  const o = readObject(raw, keyPath, REDIS_CONFIG_KEYS);
  const config: RedisReceiverConfig = {
    nodes: readNodes<RedisNodeConfig>(o['nodes'], keyPath, 'address', (value, key) => {
      const { host, port } = readHostPort(value, key, '');
      return { address: String(value), host, port };
    }),
    timeoutMillis: readDurationMillis(o['timeout'], joinKey(keyPath, 'timeout'), defaults.timeoutMillis),
    maxBackoffMillis: readDurationMillis(o['max_backoff'], joinKey(keyPath, 'max_backoff'), defaults.maxBackoffMillis, 10),
    permissionsIntervalMillis: readDurationMillis(o['permissions_interval'], joinKey(keyPath, 'permissions_interval'), defaults.permissionsIntervalMillis),
    tls: readRedisTls(o['tls'], joinKey(keyPath, 'tls'), env),
  };
  if (o['interval'] !== undefined) config.intervalMillis = readDurationMillis(o['interval'], joinKey(keyPath, 'interval'), 0, 10);
  const username = readOptionalString(o['username'], joinKey(keyPath, 'username'));
  if (username !== undefined) config.username = expandEnv(username, joinKey(keyPath, 'username'), env);
  const password = readOptionalString(o['password'], joinKey(keyPath, 'password'));
  if (password !== undefined) config.password = new Secret(expandEnv(password, joinKey(keyPath, 'password'), env));
  return config;
}
