import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../config/config-error';
import { joinKey, readObject, readOptionalString, readReadableFile } from '../config/fields';
import { expandEnv } from '../config/secrets';
import { Secret } from '../receivers/shared/secret';

/**
 * `listen.auth:` protects `/metrics` and `/api/v1/*` (`/healthz` stays open
 * for load balancers and liveness probes):
 * `{ bearer_token: ${REBOUND_API_TOKEN}, tls: { cert_file: api.crt, key_file: api.key } }`.
 */
export interface ApiAuthConfig {
  /** Requests must carry `Authorization: Bearer <token>`; prints only as `***`. */
  bearerToken?: Secret;
  /** Serve HTTPS with these PEM files (checked readable when the config loads). */
  tls?: { certFile: string; keyFile: string };
}

/** Paths anyone may read, token or not. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz']);

export function parseApiAuthConfig(raw: unknown, keyPath: string, env: NodeJS.ProcessEnv = process.env): ApiAuthConfig {
  const o = readObject(raw, keyPath, ['bearer_token', 'tls']);
  const config: ApiAuthConfig = {};
  const tokenKey = joinKey(keyPath, 'bearer_token');
  const token = readOptionalString(o['bearer_token'], tokenKey);
  if (token !== undefined) {
    const expanded = expandEnv(token, tokenKey, env);
    if (expanded.length === 0) throw new ConfigError(tokenKey, 'is empty after ${ENV} expansion; set the variable or remove the key');
    // Clients trim header values and cannot send control characters: such a token could never match.
    if (expanded.trim() !== expanded || /[\x00-\x1f\x7f]/.test(expanded)) {
      throw new ConfigError(tokenKey, 'has leading or trailing white space or a control character, which no HTTP client can send; strip it from the variable');
    }
    config.bearerToken = new Secret(expanded);
  }
  if (o['tls'] !== undefined && o['tls'] !== null) {
    const tlsKey = joinKey(keyPath, 'tls');
    const tls = readObject(o['tls'], tlsKey, ['cert_file', 'key_file']);
    const file = (name: string, what: string): string => {
      const path = readReadableFile(tls[name], joinKey(tlsKey, name), what, env);
      if (path === undefined) throw new ConfigError(joinKey(tlsKey, name), `missing; give the path of ${what}`);
      return path;
    };
    config.tls = { certFile: file('cert_file', 'a PEM certificate'), keyFile: file('key_file', 'its PEM private key') };
  }
  return config;
}

/** A token served without TLS beyond loopback crosses the network in clear text: say so at start. */
export function clearTextTokenWarning(auth: ApiAuthConfig | undefined, host: string): string | undefined {
  if (auth?.bearerToken === undefined || auth.tls !== undefined || /^(127\.|::1$|localhost$)/.test(host)) return undefined;
  return 'listen.auth.bearer_token without listen.auth.tls: the token crosses the network in clear text; add tls';
}

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are
 * hashed first, so neither the token's length nor its prefix can be timed.
 */
export function bearerCheck(token: Secret | undefined): (request: IncomingMessage) => boolean {
  if (token === undefined) return () => true;
  const expected = sha256(`Bearer ${token.reveal()}`);
  return (request) => {
    const given = request.headers.authorization;
    return given !== undefined && timingSafeEqual(sha256(given), expected);
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
