import { getHeapStatistics } from 'node:v8';
import { ConfigError } from '../../config/config-error';
import {
  joinKey,
  readArray,
  readBoolean,
  readDurationMillis,
  readNumber,
  readObject,
  readOptionalString,
  readReadableFile,
  readString,
  readStringMap,
} from '../../config/fields';
import { GROUP_DEFAULTS, type GroupConfig } from '../../config/group-config';
import { checkCertificatePair } from '../../config/tls-files';
import { formatDuration } from '../../config/duration';
import { expandEnv } from '../../config/secrets';
import { ROLES, type MemberDeclaration, type Role } from '../../model/types';
import { quoteValue } from '../../config/quote';
import { parseContribGroupConfig, type ContribGroupConfig } from './contrib/contrib-config';

/** `otlp:` under a group: the group accepts members over OTLP; `members` are shown `unknown` until seen. */
export interface OtlpGroupConfig {
  members: MemberDeclaration[];
  /**
   * How often the members push. Sets the group's default freshness window (3 ×):
   * 60 s by default, the OpenTelemetry SDK's default export interval, so members
   * that push at the SDK's pace do not flap to `unknown` between pushes.
   */
  pushIntervalMillis: number;
  /** How points of the Collector contrib receivers map to this group's members (contrib/contrib-config.ts). */
  contrib?: ContribGroupConfig;
}

export const DEFAULT_OTLP_PUSH_INTERVAL_MILLIS = 60_000;
/** Freshness of a group first seen over OTLP (dynamic_groups): 3 × the SDK's default push interval. */
export const DYNAMIC_GROUP_FRESHNESS_MILLIS = 3 * DEFAULT_OTLP_PUSH_INTERVAL_MILLIS;

/** A group first seen over OTLP (dynamic_groups): defaults, with freshness for the SDK's default push interval. */
export function dynamicGroupConfig(name: string, intervalMillis: number): GroupConfig {
  // As for a configured OTLP group: two ticks (the members push; there is no probe interval).
  const onsetDelayMillis = 2 * intervalMillis;
  return { name, ...GROUP_DEFAULTS, freshnessMillis: DYNAMIC_GROUP_FRESHNESS_MILLIS, onsetDelayMillis, receivers: [] };
}

export function createDefaultOtlpGroupConfig(): OtlpGroupConfig {
  return { members: [], pushIntervalMillis: DEFAULT_OTLP_PUSH_INTERVAL_MILLIS };
}

/** `otlp: { members: [{ member: pay-1, role: leader, dependencies: { cloud.availability_zone: eu-1a } }] }` */
export function parseOtlpGroupConfig(raw: unknown, keyPath: string): OtlpGroupConfig {
  const o = readObject(raw, keyPath, ['members', 'push_interval', 'contrib']);
  const pushIntervalMillis = readDurationMillis(o['push_interval'], joinKey(keyPath, 'push_interval'), DEFAULT_OTLP_PUSH_INTERVAL_MILLIS);
  const seen = new Set<string>();
  const members = readArray(o['members'], joinKey(keyPath, 'members')).map((item, i) => {
    const itemPath = joinKey(joinKey(keyPath, 'members'), i);
    const m = readObject(item, itemPath, ['member', 'role', 'dependencies']);
    const member = readString(m['member'], joinKey(itemPath, 'member'));
    if (seen.has(member)) throw new ConfigError(joinKey(itemPath, 'member'), `member ${quoteValue(member)} is declared twice in this group`);
    seen.add(member);
    const declaration: MemberDeclaration = { member };
    const role = readOptionalString(m['role'], joinKey(itemPath, 'role'));
    if (role !== undefined) {
      if (!(ROLES as readonly string[]).includes(role)) {
        throw new ConfigError(joinKey(itemPath, 'role'), `expected one of ${ROLES.join(', ')} (got ${quoteValue(role)})`);
      }
      declaration.role = role as Role;
    }
    const dependencies = readStringMap(m['dependencies'], joinKey(itemPath, 'dependencies'));
    if (Object.keys(dependencies).length > 0) declaration.dependencies = dependencies;
    return declaration;
  });
  const config: OtlpGroupConfig = { members, pushIntervalMillis };
  if (o['contrib'] !== undefined && o['contrib'] !== null) config.contrib = parseContribGroupConfig(o['contrib'], joinKey(keyPath, 'contrib'));
  return config;
}

/** The top-level `otlp:` key: how the shared OTLP/HTTP server accepts and limits requests. */
export interface OtlpServerConfig {
  /** `shard:`: points of groups another shard owns are refused (`other_shard`), naming that shard. */
  shard?: { index: number; count: number };
  /** Largest body accepted, both as sent and after gzip decompression (bytes). */
  maxRequestBytes: number;
  /** Requests decoded at once; more get 503 with Retry-After. */
  maxConcurrentRequests: number;
  /** When set, requests must carry `Authorization: Bearer <token>`. Never logged. */
  bearerToken?: string;
  /** Serve HTTPS with these PEM files. */
  tls?: { certFile: string; keyFile: string };
  /** Accept groups that are not in the config (created on first sight, up to maxGroups). */
  dynamicGroups: boolean;
  /** Most dynamic groups accepted (configured groups do not count). */
  maxGroups: number;
  /** Most distinct members accepted per group (declared members count). */
  maxMembersPerGroup: number;
  /** Most attributes on one resource or one data point. */
  maxAttributes: number;
  /** Longest value accepted for an attribute Rebound reads (identity, role, fingerprints, dependencies). */
  maxAttributeValueLength: number;
  /** Points stamped further in the future than this are refused; closer ones count as "now". */
  maxClockSkewMillis: number;
  /** Seconds sent in Retry-After when overloaded. */
  retryAfterSeconds: number;
  /**
   * Retire a member learned over OTLP (not declared) after this long without an
   * accepted data point. Unset (the default): members are kept until restart,
   * because a vanished member may be a dead replica, and dropping it silently
   * would hide the lost redundancy Rebound exists to show.
   */
  memberExpiryMillis?: number;
  /** Most data points (of every kind) in one request, counted while decoding; more → 413. */
  maxPointsPerRequest: number;
  /**
   * Most decoded items in one request: resources, scopes, metrics, data points,
   * attributes and attribute values (in JSON every object and array), counted
   * while decoding, so a small body cannot decode into millions of objects; more → 413.
   */
  maxItemsPerRequest: number;
  /** The whole body must arrive within this after the headers; else 408 and the connection is closed. */
  readTimeoutMillis: number;
  /**
   * Refuse OTLP requests with 503 + Retry-After while the V8 heap in use plus
   * Buffers (heapUsed + external) is at or above this; accept again below 80 % of it.
   */
  memoryLimitBytes: number;
}

/** The longest otlp.read_timeout: a body that takes longer is a stalled client, and timers overflow past ~24.8 days. */
export const MAX_READ_TIMEOUT_MILLIS = 3_600_000;

/** 1 GiB, or 75 % of V8's heap limit (--max-old-space-size) when that is smaller: refuse before V8 runs out. */
export function defaultMemoryLimitBytes(): number {
  return Math.min(1024 ** 3, Math.floor(0.75 * getHeapStatistics().heap_size_limit));
}

/** The memory limiter accepts requests again once memory falls below this share of otlp.memory_limit. */
export const MEMORY_RECOVER_RATIO = 0.8;

/** The shortest member_expiry: anything shorter would retire members between ordinary pushes. */
export const MIN_MEMBER_EXPIRY_MILLIS = 60_000;

export function createDefaultOtlpServerConfig(): OtlpServerConfig {
  return {
    maxRequestBytes: 4 * 1024 * 1024,
    maxConcurrentRequests: 16,
    dynamicGroups: false,
    maxGroups: 100,
    maxMembersPerGroup: 256,
    maxAttributes: 128,
    maxAttributeValueLength: 1024,
    maxClockSkewMillis: 5 * 60_000,
    retryAfterSeconds: 1,
    maxPointsPerRequest: 20_000,
    maxItemsPerRequest: 200_000,
    readTimeoutMillis: 10_000,
    memoryLimitBytes: defaultMemoryLimitBytes(),
  };
}

const SERVER_KEYS = [
  'max_request_bytes',
  'max_concurrent_requests',
  'bearer_token',
  'tls',
  'dynamic_groups',
  'max_groups',
  'max_members_per_group',
  'max_attributes',
  'max_attribute_value_length',
  'max_clock_skew',
  'retry_after',
  'member_expiry',
  'max_points_per_request',
  'max_items_per_request',
  'read_timeout',
  'memory_limit',
] as const;

/**
 * Parse the top-level `otlp:` key (absent or null: defaults). `bearer_token`
 * may be a `${ENV_VAR}` reference. Throws ConfigError naming the key.
 */
export function parseOtlpServerConfig(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv = process.env): OtlpServerConfig {
  const d = createDefaultOtlpServerConfig();
  const o = readObject(raw, keyPath, SERVER_KEYS);
  const key = (name: string) => joinKey(keyPath, name);
  const config: OtlpServerConfig = {
    maxRequestBytes: readByteSize(o['max_request_bytes'], key('max_request_bytes'), d.maxRequestBytes),
    maxConcurrentRequests: readNumber(o['max_concurrent_requests'], key('max_concurrent_requests'), d.maxConcurrentRequests, { min: 1, integer: true }),
    dynamicGroups: readBoolean(o['dynamic_groups'], key('dynamic_groups'), d.dynamicGroups),
    maxGroups: readNumber(o['max_groups'], key('max_groups'), d.maxGroups, { min: 0, integer: true }),
    maxMembersPerGroup: readNumber(o['max_members_per_group'], key('max_members_per_group'), d.maxMembersPerGroup, { min: 1, integer: true }),
    maxAttributes: readNumber(o['max_attributes'], key('max_attributes'), d.maxAttributes, { min: 1, integer: true }),
    maxAttributeValueLength: readNumber(o['max_attribute_value_length'], key('max_attribute_value_length'), d.maxAttributeValueLength, {
      min: 16,
      integer: true,
    }),
    maxClockSkewMillis: readDurationMillis(o['max_clock_skew'], key('max_clock_skew'), d.maxClockSkewMillis, 0),
    retryAfterSeconds: Math.max(1, Math.round(readDurationMillis(o['retry_after'], key('retry_after'), d.retryAfterSeconds * 1000) / 1000)),
    maxPointsPerRequest: readNumber(o['max_points_per_request'], key('max_points_per_request'), d.maxPointsPerRequest, { min: 1, integer: true }),
    maxItemsPerRequest: readNumber(o['max_items_per_request'], key('max_items_per_request'), d.maxItemsPerRequest, { min: 16, integer: true }),
    readTimeoutMillis: readDurationMillis(o['read_timeout'], key('read_timeout'), d.readTimeoutMillis, 100),
    memoryLimitBytes: readByteSize(o['memory_limit'], key('memory_limit'), d.memoryLimitBytes, 16 * 1024 ** 2),
  };
  if (config.readTimeoutMillis > MAX_READ_TIMEOUT_MILLIS) {
    throw new ConfigError(key('read_timeout'), `expected at most ${formatDuration(MAX_READ_TIMEOUT_MILLIS)} (got ${formatDuration(config.readTimeoutMillis)})`);
  }
  const token = readOptionalString(o['bearer_token'], key('bearer_token'));
  if (token !== undefined) {
    config.bearerToken = expandEnv(token, key('bearer_token'), env);
    if (config.bearerToken.length === 0) throw new ConfigError(key('bearer_token'), 'is empty after ${ENV} expansion; set the variable or remove the key');
  }
  if (o['member_expiry'] !== undefined && o['member_expiry'] !== null) {
    config.memberExpiryMillis = readDurationMillis(o['member_expiry'], key('member_expiry'), 0, 0);
    if (config.memberExpiryMillis < MIN_MEMBER_EXPIRY_MILLIS) {
      throw new ConfigError(
        key('member_expiry'),
        `expected at least ${formatDuration(MIN_MEMBER_EXPIRY_MILLIS)}, or leave it unset to keep members until restart (got ${formatDuration(config.memberExpiryMillis)})`,
      );
    }
  }
  if (o['tls'] !== undefined && o['tls'] !== null) {
    const tls = readObject(o['tls'], key('tls'), ['cert_file', 'key_file']);
    // Checked now (readable regular files that make a pair): a wrong path is a config error, not a crash at start.
    readString(tls['cert_file'], joinKey(key('tls'), 'cert_file'));
    readString(tls['key_file'], joinKey(key('tls'), 'key_file'));
    const certFile = readReadableFile(tls['cert_file'], joinKey(key('tls'), 'cert_file'), 'the PEM server certificate', env)!;
    const keyFile = readReadableFile(tls['key_file'], joinKey(key('tls'), 'key_file'), 'the PEM private key of cert_file', env)!;
    checkCertificatePair(certFile, keyFile, key('tls'));
    config.tls = { certFile, keyFile };
  }
  return config;
}

const BYTE_UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3 };

/** `4194304`, `4MiB`, `512KiB`. */
function readByteSize(raw: unknown, keyPath: string, fallback: number, min = 1024): number {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'number') return readNumber(raw, keyPath, fallback, { min, integer: true });
  const match = typeof raw === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)\s*$/.exec(raw) : null;
  if (!match) throw new ConfigError(keyPath, `expected a size like 4MiB, 512KiB or a number of bytes (got ${JSON.stringify(raw)})`);
  const bytes = Math.floor(Number(match[1]) * BYTE_UNITS[match[2]!]!);
  if (bytes < min) throw new ConfigError(keyPath, `expected at least ${min >= 1024 ** 2 ? `${min / 1024 ** 2}MiB` : `${min / 1024}KiB`}`);
  return bytes;
}
