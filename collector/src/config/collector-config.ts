import { parseApiAuthConfig, type ApiAuthConfig } from '../api/auth';
import { parseOtlpExporterConfig, type OtlpExporterConfig } from '../exporters/otlp/config';
import { parseOtlpServerConfig, type OtlpServerConfig } from '../receivers/otlp/config';
import { checkMemberExpiry } from '../receivers/otlp/factory';
import { contribOptionsOf } from '../receivers/otlp/contrib/contrib-config';
import type { ReceiverFactory } from '../receivers/receiver';
import { ConfigError } from './config-error';
import { joinKey, readArray, readDurationMillis, readHostPort, readNumber, readObject, readString } from './fields';
import { GROUP_DEFAULTS, type GroupConfig } from './group-config';
import { parseMaintenanceConfig, type ConfiguredWindow } from './maintenance-config';
import { quoteValue } from './quote';
import { ownsGroup, readShard, type ShardConfig } from './shard';
import { isPostgresStore, readPostgresStore, readStorePath, type PostgresStoreConfig } from './store-path';

/** The whole validated config file (DESIGN.md §3.3). */
export interface CollectorConfig {
  /** Derivation tick and default probe interval. */
  intervalMillis: number;
  listen: {
    metrics: { host: string; port: number };
    otlp: { host: string; port: number };
    /** `listen.auth`: bearer token and TLS for `/metrics` and `/api/v1/*`; none by default. */
    auth: ApiAuthConfig;
  };
  /** Episode store path (SQLite), or the redacted URL when the store is PostgreSQL. */
  storePath: string;
  /** `store: postgres://…`: episodes in PostgreSQL instead of SQLite (storePath is then its redacted URL). */
  storePostgres?: PostgresStoreConfig;
  groups: GroupConfig[];
  /** Top-level `otlp:`: how the OTLP/HTTP receiver accepts and limits requests. */
  otlp: OtlpServerConfig;
  /** Top-level `exporters:`; Prometheus `/metrics` is always on. */
  exporters: { otlp?: OtlpExporterConfig };
  /** `maintenance:` windows; an episode starting inside one is planned (kept out of the SLO). */
  maintenance: ConfiguredWindow[];
  /** `shard:` (or `--shard`): `groups` holds only this shard's groups; `shardSkipped` counts the others'. */
  shard?: ShardConfig;
  shardSkipped?: number;
}

export const COLLECTOR_DEFAULTS = {
  intervalMillis: 1000,
  metrics: '127.0.0.1:9464',
  otlp: '127.0.0.1:4318',
  storePath: './data/rebound.db',
} as const;

const TOP_LEVEL_KEYS = ['interval', 'listen', 'store', 'groups', 'otlp', 'exporters', 'maintenance', 'shard'] as const;
const GROUP_KEYS = [
  'name',
  'rto',
  'hold_down',
  'onset_delay',
  'freshness',
  'lag_tolerance',
  'lag_tolerance_bytes',
  'progress_window',
  'stabilization_window',
] as const;

/** Command-line settings that apply while parsing. */
export interface ParseOptions {
  /**
   * Keys set over every group's section of a receiver type, as if written there, e.g.
   * `{ demo: { speed: 5 } }` for `--speed 5` (its RTO and windows follow). The
   * receiver's factory validates them like the file's (the OpenTelemetry Collector's `--set`).
   */
  overrides?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `--shard I/N`: overrides the file's `shard:`. */
  shard?: ShardConfig;
}

/** Validate the parsed YAML object. Throws ConfigError naming the key path. */
export function parseCollectorConfig(raw: unknown, factories: readonly ReceiverFactory<unknown>[], options: ParseOptions = {}): CollectorConfig {
  const top = readObject(raw, '', TOP_LEVEL_KEYS);
  const intervalMillis = readDurationMillis(top['interval'], 'interval', COLLECTOR_DEFAULTS.intervalMillis, 50);
  const listen = readObject(top['listen'], 'listen', ['metrics', 'otlp', 'auth']);
  const groupsRaw = readArray(top['groups'], 'groups');
  const groups = groupsRaw.map((g, i) => parseGroup(g, joinKey('groups', i), factories, intervalMillis, options));
  const seen = new Map<string, number>();
  groups.forEach((group, i) => {
    const first = seen.get(group.name);
    if (first !== undefined) throw new ConfigError(joinKey(joinKey('groups', i), 'name'), `duplicate group name "${group.name}" (also groups[${first}])`);
    seen.set(group.name, i);
  });
  const parsedOtlp = parseOtlpServerConfig(top['otlp'], 'otlp');
  checkMemberExpiry(parsedOtlp, groups);
  contribOptionsOf(groups); // an endpoint listed under two groups' otlp.contrib.members is a config error
  checkSomethingToWatch(groups, parsedOtlp);
  const shard = options.shard ?? readShard(top['shard'], 'shard');
  const owned = groups.filter((g) => ownsGroup(shard, g.name));
  const otlp = shard === undefined ? parsedOtlp : { ...parsedOtlp, shard };
  return {
    ...(shard === undefined ? {} : { shard, shardSkipped: groups.length - owned.length }),
    intervalMillis,
    listen: {
      metrics: readHostPort(listen['metrics'], 'listen.metrics', COLLECTOR_DEFAULTS.metrics),
      otlp: readHostPort(listen['otlp'], 'listen.otlp', COLLECTOR_DEFAULTS.otlp),
      auth: parseApiAuthConfig(listen['auth'], 'listen.auth'),
    },
    ...readStore(top['store']),
    groups: owned,
    otlp,
    exporters: parseExporters(top['exporters']),
    maintenance: parseMaintenanceConfig(top['maintenance'], 'maintenance', new Set(groups.map((g) => g.name))).filter((w) => ownsGroup(shard, w.group)),
  };
}

function readStore(raw: unknown): Pick<CollectorConfig, 'storePath' | 'storePostgres'> {
  if (!isPostgresStore(raw)) return { storePath: readStorePath(raw, 'store', COLLECTOR_DEFAULTS.storePath) };
  const postgres = readPostgresStore(raw, 'store');
  return { storePath: postgres.redacted, storePostgres: postgres };
}

/**
 * An empty file (or `groups: []`) would start a collector that watches nothing and
 * looks healthy: refused, unless dynamic groups are on and the groups come over OTLP.
 */
function checkSomethingToWatch(groups: readonly GroupConfig[], otlp: OtlpServerConfig): void {
  if (groups.length > 0 || otlp.dynamicGroups) return;
  throw new ConfigError(
    'groups',
    'no groups configured; add at least one group (see the README), or set otlp.dynamic_groups: true to accept groups sent over OTLP',
  );
}

function parseExporters(raw: unknown): CollectorConfig['exporters'] {
  const o = readObject(raw, 'exporters', ['otlp']);
  return o['otlp'] === undefined || o['otlp'] === null ? {} : { otlp: parseOtlpExporterConfig(o['otlp'], 'exporters.otlp') };
}

/** A receiver's section with the command line's keys over it; a section that is not a mapping is left for the factory to refuse. */
function withOverrides(raw: unknown, overrides: Readonly<Record<string, unknown>> | undefined): unknown {
  if (overrides === undefined || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  return { ...raw, ...overrides };
}

function parseGroup(raw: unknown, keyPath: string, factories: readonly ReceiverFactory<unknown>[], intervalMillis: number, options: ParseOptions): GroupConfig {
  const receiverTypes = factories.map((f) => f.type);
  const o = readObject(raw, keyPath, [...GROUP_KEYS, ...receiverTypes]);
  const key = (name: string) => joinKey(keyPath, name);
  const name = readString(o['name'], key('name'));
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(name)) {
    throw new ConfigError(key('name'), `expected a group name of letters, digits, "_", ".", ":" or "-" (got ${quoteValue(name)})`);
  }
  const receivers: GroupConfig['receivers'] = [];
  const members = new Map<string, string>();
  let slowestIntervalMillis = intervalMillis;
  // Probed sources only: a pushed observation (OTLP) stays the newest until the next push, so one bad push is not a one-interval blip.
  let slowestProbeIntervalMillis = intervalMillis;
  let sourceDefaults: Partial<Omit<GroupConfig, 'name' | 'receivers'>> = {};
  for (const factory of factories) {
    if (!(factory.type in o)) continue;
    const receiverPath = key(factory.type);
    const config = factory.parseConfig(withOverrides(o[factory.type] ?? {}, options.overrides?.[factory.type]), receiverPath);
    sourceDefaults = { ...sourceDefaults, ...factory.groupDefaultsOf?.(config, intervalMillis) };
    for (const declaration of factory.declaredMembers?.(config) ?? []) {
      const other = members.get(declaration.member);
      if (other !== undefined) throw new ConfigError(receiverPath, `duplicate member ${quoteValue(declaration.member)} in group "${name}" (also in ${other})`);
      members.set(declaration.member, receiverPath);
    }
    slowestIntervalMillis = Math.max(slowestIntervalMillis, factory.intervalMillisOf?.(config) ?? intervalMillis);
    if (!factory.pushed) slowestProbeIntervalMillis = Math.max(slowestProbeIntervalMillis, factory.intervalMillisOf?.(config) ?? intervalMillis);
    receivers.push({ type: factory.type, config });
  }
  if (receivers.length === 0) {
    throw new ConfigError(keyPath, `group "${name}" has no source; add one of: ${receiverTypes.map((t) => `${t}:`).join(', ')}`);
  }
  const d = { ...GROUP_DEFAULTS, freshnessMillis: 3 * slowestIntervalMillis, ...sourceDefaults };
  return {
    name,
    rtoMillis: readDurationMillis(o['rto'], key('rto'), d.rtoMillis),
    holdDownMillis: readDurationMillis(o['hold_down'], key('hold_down'), d.holdDownMillis, 0),
    // One missed probe leaves a member bad for one probe interval; the tick after it still reads it.
    onsetDelayMillis: readDurationMillis(o['onset_delay'], key('onset_delay'), slowestProbeIntervalMillis + intervalMillis, 0),
    freshnessMillis: readDurationMillis(o['freshness'], key('freshness'), d.freshnessMillis),
    lagToleranceSeconds: readDurationMillis(o['lag_tolerance'], key('lag_tolerance'), d.lagToleranceSeconds * 1000, 0) / 1000,
    lagToleranceBytes: readNumber(o['lag_tolerance_bytes'], key('lag_tolerance_bytes'), d.lagToleranceBytes, { min: 0, integer: true }),
    progressWindowMillis: readDurationMillis(o['progress_window'], key('progress_window'), d.progressWindowMillis),
    stabilizationWindowMillis: readDurationMillis(o['stabilization_window'], key('stabilization_window'), d.stabilizationWindowMillis),
    receivers,
  };
}
