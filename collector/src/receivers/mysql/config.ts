import { ConfigError } from '../../config/config-error';
import { joinKey, readDurationMillis, readObject, readOptionalString, readReadableFile, readString } from '../../config/fields';
import { parseCredentialUrl, redactedCredentialUrl } from '../../config/credential-url';
import { redactUrl } from '../../config/secrets';
import { DEFAULT_PERMISSIONS_INTERVAL_MILLIS } from '../shared/permission-cadence';
import { readNodes, type ProbedNodeConfig } from '../shared/node-config';
import { Secret } from '../shared/secret';

/** One MySQL/MariaDB node: `{ member: db-1, url: mysql://monitor:${MYSQL_MONITOR_PASSWORD}@10.0.0.1:3306 }`. */
export interface MysqlNodeConfig extends ProbedNodeConfig {
  /** The account's password after `${ENV}` expansion; prints as `***`. */
  password: Secret;
  user: string;
  /** The URL as written, password replaced by `***`, for logs and errors. */
  redactedUrl: string;
  host: string;
  port: number;
}

/** TLS to every node: the server's certificate is always verified (chain, and name unless told otherwise). */
export interface MysqlTlsConfig {
  /** PEM CA that signed the servers' certificates; the system CAs when absent. */
  caFile?: string;
  /** Name the certificates must carry when nodes are addressed by IP, e.g. `db.internal`; the URL's host otherwise. */
  serverName?: string;
}

/** `mysql:` under a group (DESIGN.md §3.3). */
export interface MysqlReceiverConfig {
  nodes: MysqlNodeConfig[];
  /** Probe interval when it differs from the collector's `interval`. */
  intervalMillis?: number;
  /** Per-node deadline of one probe (connect + queries); a hung node is abandoned after it. */
  timeoutMillis: number;
  /** Longest wait between reconnect attempts to a node that hangs or rejects the login. */
  maxBackoffMillis: number;
  /**
   * How old a node's grant fingerprint may get before the grant tables are read again; read sooner
   * when a GRANT/REVOKE/CREATE USER/… counter moves (queries.ts, GRANT_CHANGE_COUNTERS).
   */
  permissionsIntervalMillis: number;
  /** Absent: plain TCP. */
  tls?: MysqlTlsConfig;
}

export const MYSQL_CONFIG_KEYS = ['nodes', 'interval', 'timeout', 'permissions_interval', 'tls'] as const;
const TLS_KEYS = ['ca_file', 'server_name'] as const;

export function createDefaultMysqlConfig(): MysqlReceiverConfig {
  return { nodes: [], timeoutMillis: 2_000, maxBackoffMillis: 30_000, permissionsIntervalMillis: DEFAULT_PERMISSIONS_INTERVAL_MILLIS };
}

/**
 * Validate a group's `mysql:` section at `keyPath`, e.g.
 * `{ nodes: [{ member: db-1, url: 'mysql://rebound_monitor:${MYSQL_MONITOR_PASSWORD}@10.0.0.1:3306' }], tls: { ca_file: /etc/rebound/db-ca.pem } }`.
 */
export function parseMysqlConfig(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv = process.env): MysqlReceiverConfig {
  const defaults = createDefaultMysqlConfig();
  const o = readObject(raw, keyPath, MYSQL_CONFIG_KEYS);
  const config: MysqlReceiverConfig = {
    nodes: readNodes<MysqlNodeConfig>(o['nodes'], keyPath, 'url', (value, key) => readUrl(value, key, env)),
    timeoutMillis: readDurationMillis(o['timeout'], joinKey(keyPath, 'timeout'), defaults.timeoutMillis),
    maxBackoffMillis: defaults.maxBackoffMillis,
    permissionsIntervalMillis: readDurationMillis(o['permissions_interval'], joinKey(keyPath, 'permissions_interval'), defaults.permissionsIntervalMillis),
  };
  if (o['interval'] !== undefined) config.intervalMillis = readDurationMillis(o['interval'], joinKey(keyPath, 'interval'), 0, 10);
  if (o['tls'] !== undefined && o['tls'] !== null) config.tls = readTls(o['tls'], joinKey(keyPath, 'tls'), env);
  return config;
}

function readTls(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv): MysqlTlsConfig {
  const o = readObject(raw, keyPath, TLS_KEYS);
  const tls: MysqlTlsConfig = {};
  const caFile = readReadableFile(o['ca_file'], joinKey(keyPath, 'ca_file'), 'the PEM CA certificate of the servers', env);
  if (caFile !== undefined) tls.caFile = caFile;
  const serverName = readOptionalString(o['server_name'], joinKey(keyPath, 'server_name'));
  if (serverName !== undefined) tls.serverName = serverName;
  return tls;
}

/**
 * `mysql://monitor:${MYSQL_MONITOR_PASSWORD}@10.0.0.1:3306` (or `mariadb://`). The password
 * must come from the environment: a literal one in the file is refused, and no error shows it.
 */
function readUrl(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv): Omit<MysqlNodeConfig, keyof ProbedNodeConfig> {
  const written = readString(raw, keyPath);
  const example = 'mysql://monitor:${MYSQL_MONITOR_PASSWORD}@10.0.0.1:3306';
  const writtenPassword = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/i.exec(written)?.[1];
  if (writtenPassword !== undefined && writtenPassword !== '' && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(writtenPassword)) {
    throw new ConfigError(keyPath, `write the password as a \${ENV_VAR} reference, not in the file, e.g. ${example} (got "${redactUrl(written)}")`);
  }
  // The shared rule (README, "Secrets"): user info up to the last `@`, a ${ENV} password taken
  // literally, so it may hold `@ : / # % ?` and spaces.
  const credentials = parseCredentialUrl(written, keyPath, env);
  let parsed: URL;
  try {
    parsed = new URL(`${credentials.scheme}://${credentials.location}`);
  } catch {
    throw new ConfigError(keyPath, `expected a URL like ${example} (got "${redactedCredentialUrl(credentials)}")`);
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new ConfigError(keyPath, `expected a mysql:// or mariadb:// URL (got "${parsed.protocol}//…")`);
  }
  if (parsed.hostname === '') throw new ConfigError(keyPath, `expected a host in the URL, e.g. ${example}`);
  if (credentials.user === '') throw new ConfigError(keyPath, `expected the monitoring user in the URL, e.g. ${example}`);
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search !== '') {
    throw new ConfigError(keyPath, `expected no database or options in the URL (the probe reads server-wide state), e.g. ${example}`);
  }
  return {
    user: credentials.user,
    password: new Secret(credentials.password ?? ''),
    redactedUrl: redactedCredentialUrl(credentials),
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
  };
}
