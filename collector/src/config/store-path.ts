import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config-error';
import { readString } from './fields';
import { encodedUrl, parseCredentialUrl, redactedCredentialUrl } from './credential-url';
import { Secret } from '../receivers/shared/secret';

/** `store: postgres://rebound_store:${PASSWORD}@db:5432/rebound`: episodes in PostgreSQL (store/postgres-episode-store.ts). */
export interface PostgresStoreConfig {
  /** The URL with user and password percent-encoded, for node-postgres. */
  url: Secret;
  /** The URL with the password as `***`: what logs and messages name. */
  redacted: string;
}

/** `postgres://…` or `postgresql://…` (as libpq takes both). */
export function isPostgresStore(raw: unknown): raw is string {
  return typeof raw === 'string' && /^postgres(ql)?:\/\//i.test(raw.trim());
}

/** A `store:` that is a PostgreSQL URL; user and password as every other URL in the config (credential-url.ts). */
export function readPostgresStore(raw: string, keyPath: string, env: NodeJS.ProcessEnv = process.env): PostgresStoreConfig {
  const url = parseCredentialUrl(raw.trim(), keyPath, env);
  if (!/^[^/?#]+(\/[^/?#]*)?([?#].*)?$/.test(url.location) || url.location.startsWith(':')) {
    throw new ConfigError(keyPath, 'expected postgres://USER:PASSWORD@HOST:PORT/DATABASE');
  }
  return { url: new Secret(encodedUrl(url)), redacted: redactedCredentialUrl(url) };
}

/**
 * `store: ./data/rebound.db`: the SQLite file, created (with its directory) when
 * missing. Checked now so a directory or a path through a file is a config error
 * naming `store`, not a crash at start. Whether it is writable is the store's business.
 */
export function readStorePath(raw: unknown, keyPath: string, fallback: string): string {
  const path = readString(raw, keyPath, fallback);
  if (path === ':memory:') return path;
  const problem = storePathProblem(path);
  if (problem !== undefined) throw new ConfigError(keyPath, `${path} ${problem}; give the path of the SQLite file, e.g. ./data/rebound.db`);
  return path;
}

function storePathProblem(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return 'is a directory';
    if (!stat.isFile()) return 'is not a regular file';
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return 'goes through a file as if it were a directory';
    if (code !== 'ENOENT') return `cannot be checked (${code ?? String(error)})`;
  }
  // Missing: the store creates it and its directories, as long as the nearest existing ancestor is a directory.
  for (let parent = dirname(path); ; parent = dirname(parent)) {
    try {
      return statSync(parent).isDirectory() ? undefined : `cannot be created: ${parent} is not a directory`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(parent) === parent) return undefined;
    }
  }
}
