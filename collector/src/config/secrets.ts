import { ConfigError } from './config-error';

/** A stretch of config text after `${ENV}` expansion, and whether it came from the environment. */
export interface ExpandedPiece {
  text: string;
  fromEnv: boolean;
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replace `${ENV_VAR}` references with the environment's values. Used for
 * passwords and tokens so they never sit in the config file. A missing variable
 * is a config error naming the key (the value itself is never printed).
 */
export function expandEnv(text: string, keyPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return expandEnvPieces(text, keyPath, env)
    .map((piece) => piece.text)
    .join('');
}

/** `expandEnv`, keeping which text came from the environment (a URL's password from `${ENV}` is taken literally). */
export function expandEnvPieces(text: string, keyPath: string, env: NodeJS.ProcessEnv = process.env): ExpandedPiece[] {
  const pieces: ExpandedPiece[] = [];
  let from = 0;
  for (const match of text.matchAll(ENV_REFERENCE)) {
    const value = env[match[1]!];
    if (value === undefined) throw new ConfigError(keyPath, `environment variable ${match[1]} is not set`);
    if (match.index > from) pieces.push({ text: text.slice(from, match.index), fromEnv: false });
    pieces.push({ text: value, fromEnv: true });
    from = match.index + match[0].length;
  }
  if (from < text.length) pieces.push({ text: text.slice(from), fromEnv: false });
  return pieces;
}

/**
 * Hide the password in a URL before it is logged or shown: `postgres://monitor:***@host/db`.
 * The password runs to the LAST `@` (a raw password may hold `@`, `/`, `#`, spaces).
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:).*@/is, '$1***@');
}
