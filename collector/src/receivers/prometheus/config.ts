import { ConfigError } from '../../config/config-error';
import { joinKey, readArray, readDurationMillis, readObject, readOptionalString, readString, readStringMap } from '../../config/fields';
import { expandEnv } from '../../config/secrets';
import { ROLES, type MemberDeclaration, type Role } from '../../model/types';
import { readRedisTls, type RedisTlsConfig } from '../redis/tls-config';
import { Secret } from '../shared/secret';

/** The exporters whose metrics this receiver knows how to read (and how they mislead). */
export const EXPORTERS = ['redis_exporter', 'postgres_exporter', 'mysqld_exporter'] as const;
export type ExporterKind = (typeof EXPORTERS)[number];

/** `prometheus:` under a group (README "Prometheus exporters"). */
export interface PrometheusReceiverConfig {
  /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus:9090` (no trailing slash). */
  url: string;
  exporter: ExporterKind;
  /** The label matchers inside `{…}` that pick this group's series, e.g. `job="redis", cluster="sessions"`. */
  matchers: string;
  /** The selector as written, for messages. */
  selector: string;
  /** The label whose value names the member (`instance` unless relabelled). */
  memberLabel: string;
  /** Target label → dependency key, e.g. `{ zone: cloud.availability_zone }`. */
  dependenciesFromLabels: Record<string, string>;
  /** Members expected even before (or while not) in Prometheus' answers: shown `unknown` until seen. */
  declared: MemberDeclaration[];
  /**
   * postgres_exporter: `application_name` or `client_addr` of a standby in the primary's
   * `pg_stat_replication` → member. Unlisted standbys are matched by application_name = member.
   */
  standbys: Record<string, string>;
  /** Query interval when it differs from the collector's `interval`. */
  intervalMillis?: number;
  /** Samples scraped longer ago than this are ignored (not observed); default 3 × the interval. */
  maxSampleAgeMillis?: number;
  /** Deadline of one round's queries (sent to Prometheus as `timeout` too). */
  timeoutMillis: number;
  /** `Authorization: Bearer …`, usually `${PROMETHEUS_TOKEN}`. */
  bearerToken?: Secret;
  basicAuth?: { username: string; password: Secret };
  tls: false | RedisTlsConfig;
}

export const PROMETHEUS_CONFIG_KEYS = [
  'url',
  'exporter',
  'selector',
  'member_label',
  'dependencies_from_labels',
  'declared',
  'standbys',
  'interval',
  'max_sample_age',
  'timeout',
  'bearer_token',
  'basic_auth',
  'tls',
] as const;

export function createDefaultPrometheusConfig(): PrometheusReceiverConfig {
  return {
    url: 'http://127.0.0.1:9090',
    exporter: 'redis_exporter',
    matchers: '',
    selector: '{}',
    memberLabel: 'instance',
    dependenciesFromLabels: {},
    declared: [],
    standbys: {},
    timeoutMillis: 2_000,
    tls: false,
  };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Validate a group's `prometheus:` section at `keyPath`, e.g.
 * `{ url: http://prometheus:9090, exporter: redis_exporter, selector: '{job="redis"}' }`.
 */
export function parsePrometheusConfig(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv = process.env): PrometheusReceiverConfig {
  const defaults = createDefaultPrometheusConfig();
  const o = readObject(raw, keyPath, PROMETHEUS_CONFIG_KEYS);
  const key = (name: string): string => joinKey(keyPath, name);
  const url = readString(o['url'], key('url'));
  if (!/^https?:\/\/[^/\s]+/.test(url))
    throw new ConfigError(key('url'), `expected the Prometheus HTTP API base, like http://prometheus:9090 (got "${url.slice(0, 80)}")`);
  if (/^[a-z]+:\/\/[^/@]*@/i.test(url)) throw new ConfigError(key('url'), 'put credentials in basic_auth or bearer_token (from ${ENV}), not in the URL');
  const exporter = readString(o['exporter'], key('exporter'));
  if (!(EXPORTERS as readonly string[]).includes(exporter))
    throw new ConfigError(key('exporter'), `expected one of ${EXPORTERS.join(', ')} (got "${exporter.slice(0, 40)}")`);
  const selector = readString(o['selector'], key('selector'), '{}').trim();
  const config: PrometheusReceiverConfig = {
    url: url.replace(/\/+$/, ''),
    exporter: exporter as ExporterKind,
    selector,
    matchers: readMatchers(selector, key('selector')),
    memberLabel: readLabelName(o['member_label'], key('member_label'), defaults.memberLabel),
    dependenciesFromLabels: readStringMap(o['dependencies_from_labels'], key('dependencies_from_labels')),
    declared: readDeclared(o['declared'], key('declared')),
    standbys: readStringMap(o['standbys'], key('standbys')),
    timeoutMillis: readDurationMillis(o['timeout'], key('timeout'), defaults.timeoutMillis, 10),
    tls: readRedisTls(o['tls'], key('tls'), env),
  };
  for (const label of Object.keys(config.dependenciesFromLabels)) readLabelName(label, joinKey(key('dependencies_from_labels'), label), '');
  if (o['interval'] !== undefined) config.intervalMillis = readDurationMillis(o['interval'], key('interval'), 0, 10);
  if (o['max_sample_age'] !== undefined) config.maxSampleAgeMillis = readDurationMillis(o['max_sample_age'], key('max_sample_age'), 0, 1_000);
  const token = readOptionalString(o['bearer_token'], key('bearer_token'));
  if (token !== undefined) config.bearerToken = new Secret(expandEnv(token, key('bearer_token'), env));
  if (o['basic_auth'] !== undefined) {
    const auth = readObject(o['basic_auth'], key('basic_auth'), ['username', 'password']);
    const username = expandEnv(readString(auth['username'], joinKey(key('basic_auth'), 'username')), joinKey(key('basic_auth'), 'username'), env);
    const password = new Secret(expandEnv(readString(auth['password'], joinKey(key('basic_auth'), 'password')), joinKey(key('basic_auth'), 'password'), env));
    config.basicAuth = { username, password };
  }
  if (config.bearerToken !== undefined && config.basicAuth !== undefined) throw new ConfigError(key('basic_auth'), 'give bearer_token or basic_auth, not both');
  return config;
}

function readLabelName(raw: unknown, keyPath: string, fallback: string): string {
  const name = readString(raw, keyPath, fallback || undefined);
  if (!LABEL_NAME.test(name)) throw new ConfigError(keyPath, `expected a Prometheus label name like instance (got "${name.slice(0, 40)}")`);
  return name;
}

/**
 * `{job="redis", cluster="sessions"}` → `job="redis", cluster="sessions"`. Only label
 * matchers: the receiver adds the metric names itself, so a name in the selector is refused.
 */
function readMatchers(selector: string, keyPath: string): string {
  if (!selector.startsWith('{') || !selector.endsWith('}')) {
    throw new ConfigError(keyPath, `expected label matchers in braces, like '{job="redis", cluster="sessions"}' (got "${selector.slice(0, 60)}")`);
  }
  const inner = selector.slice(1, -1).trim().replace(/,\s*$/, '');
  if (/__name__/.test(inner)) throw new ConfigError(keyPath, 'must not match __name__: the receiver picks the exporter metrics itself');
  // Each matcher: name, operator, one double-quoted string (escapes allowed).
  const matcher = /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*$/;
  const parts = inner === '' ? [] : splitMatchers(inner);
  for (const part of parts) {
    if (!matcher.test(part)) throw new ConfigError(keyPath, `"${part.trim().slice(0, 60)}" is not a label matcher like job="redis"`);
  }
  return parts.map((p) => p.trim()).join(', ');
}

/** Split on commas outside quoted strings. */
function splitMatchers(inner: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quoted && c === '\\') {
      current += c + (inner[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** `declared: [{ member: cache-a, role: leader, dependencies: {...} }]`. */
function readDeclared(raw: unknown, keyPath: string): MemberDeclaration[] {
  const seen = new Set<string>();
  return readArray(raw, keyPath).map((item, index) => {
    const itemKey = joinKey(keyPath, index);
    const o = readObject(item, itemKey, ['member', 'role', 'dependencies']);
    const member = readString(o['member'], joinKey(itemKey, 'member'));
    if (seen.has(member)) throw new ConfigError(joinKey(itemKey, 'member'), `"${member}" is listed twice`);
    seen.add(member);
    const declaration: MemberDeclaration = { member, dependencies: readStringMap(o['dependencies'], joinKey(itemKey, 'dependencies')) };
    const role = readOptionalString(o['role'], joinKey(itemKey, 'role'));
    if (role !== undefined) {
      if (!(ROLES as readonly string[]).includes(role))
        throw new ConfigError(joinKey(itemKey, 'role'), `expected one of ${ROLES.join(', ')} (got "${role.slice(0, 40)}")`);
      declaration.role = role as Role;
    }
    return declaration;
  });
}
