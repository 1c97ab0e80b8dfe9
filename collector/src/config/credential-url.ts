import { ConfigError } from './config-error';
import { expandEnvPieces, type ExpandedPiece } from './secrets';

/**
 * A connection URL with its user and password taken apart, so a raw password
 * can hold any character: `postgres://monitor:${PG_PASSWORD}@10.0.0.1:5432/postgres`.
 *
 * The rule (README, "Secrets"): the user info runs from `://` to the LAST `@`
 * of the URL (an `@` in the path or query must be written `%40`); the user is
 * up to its first `:`, the password is the rest. Text written in the file is
 * URL syntax and is percent-decoded (`p%40ss` is `p@ss`); text that comes from
 * `${ENV}` is taken literally, so `${PG_PASSWORD}` may hold `@ : / # % ?` and spaces.
 */
export interface CredentialUrl {
  /** `postgres`, without `://`. */
  scheme: string;
  user: string;
  password: string | undefined;
  /** Everything after the user info: `10.0.0.1:5432/postgres?sslmode=require`. */
  location: string;
}

export function parseCredentialUrl(written: string, keyPath: string, env: NodeJS.ProcessEnv = process.env): CredentialUrl {
  const pieces = expandEnvPieces(written, keyPath, env);
  const expanded = pieces.map((p) => p.text).join('');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(expanded);
  if (scheme === null) throw new ConfigError(keyPath, 'expected a URL like postgres://monitor@10.0.0.1:5432/postgres');
  const start = scheme[0].length;
  const at = expanded.lastIndexOf('@');
  if (at < start) return { scheme: scheme[1]!, user: '', password: undefined, location: expanded.slice(start) };
  const colon = expanded.indexOf(':', start);
  const userEnd = colon !== -1 && colon < at ? colon : at;
  return {
    scheme: scheme[1]!,
    user: decodeRange(pieces, start, userEnd, keyPath, 'user name'),
    password: userEnd === at ? undefined : decodeRange(pieces, userEnd + 1, at, keyPath, 'password'),
    location: expanded.slice(at + 1),
  };
}

/** The URL with user and password percent-encoded: what a driver parses back to exactly them. */
export function encodedUrl(url: CredentialUrl): string {
  const userInfo =
    url.user === '' && url.password === undefined
      ? ''
      : `${encodeURIComponent(url.user)}${url.password === undefined ? '' : `:${encodeURIComponent(url.password)}`}@`;
  return `${url.scheme}://${userInfo}${url.location}`;
}

/** The URL for logs and errors: `postgres://monitor:***@10.0.0.1:5432/postgres`. */
export function redactedCredentialUrl(url: CredentialUrl): string {
  const userInfo = url.user === '' && url.password === undefined ? '' : `${encodeURIComponent(url.user)}${url.password === undefined ? '' : ':***'}@`;
  return `${url.scheme}://${userInfo}${url.location}`;
}

/** The characters in [from, to) of the expanded text: literal text percent-decoded, `${ENV}` text as is. */
function decodeRange(pieces: readonly ExpandedPiece[], from: number, to: number, keyPath: string, what: string): string {
  let offset = 0;
  let result = '';
  for (const piece of pieces) {
    const slice = piece.text.slice(Math.max(0, from - offset), Math.max(0, to - offset));
    offset += piece.text.length;
    if (slice === '') continue;
    if (piece.fromEnv) {
      result += slice;
      continue;
    }
    try {
      result += decodeURIComponent(slice);
    } catch {
      throw new ConfigError(
        keyPath,
        `the ${what} written in the URL has a "%" that is not percent-encoding; write % as %25, or put it in \${ENV} (taken literally)`,
      );
    }
  }
  return result;
}
