import { ConfigError } from '../../config/config-error';
import { joinKey, readDurationMillis, readObject, readOptionalString, readReadableFile, readString } from '../../config/fields';
import { encodedUrl, parseCredentialUrl, redactedCredentialUrl, type CredentialUrl } from '../../config/credential-url';
import { redactUrl } from '../../config/secrets';
import { readNodes, type ProbedNodeConfig } from '../shared/node-config';
import { DEFAULT_PERMISSIONS_INTERVAL_MILLIS } from '../shared/permission-cadence';
import { Secret } from '../shared/secret';

/** One PostgreSQL node: `{ member: pg-1, url: postgres://monitor:${PG_PASSWORD}@10.0.0.1:5432/postgres }`. */
export interface PostgresqlNodeConfig extends ProbedNodeConfig {
  /** Connection URL after `${ENV}` expansion, user and password percent-encoded; prints only as `***`. */
  url: Secret;
  /** The password as the server expects it (raw); empty when the URL has none. */
  password: Secret;
  /** The URL with its password replaced by `***`, for logs and errors. */
  redactedUrl: string;
  host: string;
  port: number;
}

/** libpq's sslmode values this receiver supports (`prefer`/`allow` are left out: they silently fall back to plain text). */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** `postgresql:` under a group (DESIGN.md §3.3). */
export interface PostgresqlReceiverConfig {
  nodes: PostgresqlNodeConfig[];
  /** Probe interval when it differs from the collector's `interval`. */
  intervalMillis?: number;
  /** Per-node deadline of one probe (connect + queries); a hung node is abandoned after it. */
  timeoutMillis: number;
  /** Longest wait between reconnect attempts to a node that hangs or rejects the login. */
  maxBackoffMillis: number;
  /**
   * How old a node's permission fingerprint (pg_hba rules, login roles) may get before it is read
   * again; read sooner on a configuration reload or a role change (queries.ts, PERMISSION_SIGNAL_COLUMNS).
   */
  permissionsIntervalMillis: number;
  /** TLS to every node, as libpq's sslmode; `disable` when absent (or set per node in the URL). */
  sslmode?: SslMode;
  /** PEM CA for verify-ca / verify-full (`ssl_root_cert`). */
  sslRootCertFile?: string;
}

export const POSTGRESQL_CONFIG_KEYS = ['nodes', 'interval', 'timeout', 'permissions_interval', 'sslmode', 'ssl_root_cert'] as const;

export function createDefaultPostgresqlConfig(): PostgresqlReceiverConfig {
  return { nodes: [], timeoutMillis: 2_000, maxBackoffMillis: 30_000, permissionsIntervalMillis: DEFAULT_PERMISSIONS_INTERVAL_MILLIS };
}

/**
 * Validate a group's `postgresql:` section at `keyPath`, e.g.
 * `{ nodes: [{ member: pg-1, url: 'postgres://rebound_monitor:${PG_PASSWORD}@10.0.0.1:5432/postgres' }], sslmode: verify-full }`.
 */
export function parsePostgresqlConfig(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv = process.env): PostgresqlReceiverConfig {
  const defaults = createDefaultPostgresqlConfig();
  const o = readObject(raw, keyPath, POSTGRESQL_CONFIG_KEYS);
  const config: PostgresqlReceiverConfig = {
    nodes: readNodes<PostgresqlNodeConfig>(o['nodes'], keyPath, 'url', (value, key) => readUrl(value, key, env)),
    timeoutMillis: readDurationMillis(o['timeout'], joinKey(keyPath, 'timeout'), defaults.timeoutMillis),
    maxBackoffMillis: defaults.maxBackoffMillis,
    permissionsIntervalMillis: readDurationMillis(o['permissions_interval'], joinKey(keyPath, 'permissions_interval'), defaults.permissionsIntervalMillis),
  };
  if (o['interval'] !== undefined) config.intervalMillis = readDurationMillis(o['interval'], joinKey(keyPath, 'interval'), 0, 10);
  const sslmode = readOptionalString(o['sslmode'], joinKey(keyPath, 'sslmode'));
  if (sslmode !== undefined) {
    if (!(SSL_MODES as readonly string[]).includes(sslmode)) {
      throw new ConfigError(joinKey(keyPath, 'sslmode'), `expected one of ${SSL_MODES.join(', ')} (got "${sslmode}")`);
    }
    config.sslmode = sslmode as SslMode;
    const inUrl = config.nodes.find((n) => /[?&]sslmode=/.test(n.url.reveal()));
    if (inUrl) throw new ConfigError(joinKey(keyPath, 'sslmode'), `also set in the url of ${inUrl.member}; set it in one place`);
  }
  const rootCert = readReadableFile(o['ssl_root_cert'], joinKey(keyPath, 'ssl_root_cert'), 'a PEM CA file', env);
  if (rootCert !== undefined) config.sslRootCertFile = rootCert;
  return config;
}

/**
 * `postgres://user:${PG_PASSWORD}@host:5432/db?sslmode=require`; the error never shows the password.
 * User and password run to the last `@` and a `${ENV}` password is taken literally (../../config/credential-url.ts);
 * the kept URL has them percent-encoded, so the driver logs in with exactly them.
 */
function readUrl(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv): Omit<PostgresqlNodeConfig, keyof ProbedNodeConfig> {
  const written = readString(raw, keyPath);
  const example = 'expected a URL like postgres://monitor@10.0.0.1:5432/postgres';
  let credentials: CredentialUrl;
  let parsed: URL;
  try {
    credentials = parseCredentialUrl(written, keyPath, env);
    parsed = new URL(`${credentials.scheme}://${credentials.location}`);
  } catch (error) {
    if (error instanceof ConfigError && !error.message.endsWith(example)) throw error;
    throw new ConfigError(keyPath, `${example} (got "${redactUrl(written)}")`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(keyPath, `expected a postgres:// or postgresql:// URL (got "${parsed.protocol}//…")`);
  }
  if (parsed.hostname === '') throw new ConfigError(keyPath, 'expected a host in the URL, e.g. postgres://monitor@10.0.0.1:5432/postgres');
  return {
    url: new Secret(encodedUrl(credentials)),
    password: new Secret(credentials.password ?? ''),
    redactedUrl: redactedCredentialUrl(credentials),
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 5432 : Number(parsed.port),
  };
}
