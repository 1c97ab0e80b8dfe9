import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs';
import { ConfigError } from './config-error';
import { parseDurationMillis } from './duration';
import { quoteValue } from './quote';
import { expandEnv } from './secrets';

/**
 * Small readers for YAML values. Each takes the raw value and its key path and
 * either returns a typed value or throws ConfigError saying what was expected.
 */

export type RawObject = Record<string, unknown>;

export function readObject(raw: unknown, keyPath: string, allowedKeys: readonly string[]): RawObject {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(keyPath, `expected a mapping with keys ${allowedKeys.join(', ')}`);
  }
  for (const key of Object.keys(raw)) {
    if (!allowedKeys.includes(key)) {
      const hint = closestKey(key, allowedKeys);
      throw new ConfigError(joinKey(keyPath, key), `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed here: ${allowedKeys.join(', ')}`);
    }
  }
  return raw as RawObject;
}

export function readArray(raw: unknown, keyPath: string): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ConfigError(keyPath, 'expected a list');
  return raw;
}

export function readString(raw: unknown, keyPath: string, fallback?: string): string {
  if (raw === undefined || raw === null) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(keyPath, 'is required (a string)');
  }
  if (typeof raw !== 'string' || raw.length === 0) throw new ConfigError(keyPath, 'expected a non-empty string');
  return raw;
}

export function readOptionalString(raw: unknown, keyPath: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  return readString(raw, keyPath);
}

/**
 * An optional path to a file the collector must read (a certificate, a key), `${ENV}`
 * expanded (e.g. `${CREDENTIALS_DIRECTORY}/redis.key`), checked now so a wrong path
 * stops the start rather than failing every probe. `what` says what the file should hold.
 */
export function readReadableFile(raw: unknown, keyPath: string, what: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const written = readOptionalString(raw, keyPath);
  if (written === undefined) return undefined;
  const file = expandEnv(written, keyPath, env);
  const kind = regularFileProblem(file);
  if (kind !== undefined) throw new ConfigError(keyPath, `cannot read ${file} (${kind}); give the path of ${what}, readable by the collector's user`);
  return file;
}

/**
 * Why `file` is not a readable regular file (`ENOENT`, `EACCES`, `EISDIR`, `a FIFO…`),
 * or undefined when it is one. Opens it without blocking and reads nothing, so a FIFO
 * or `/dev/zero` given by mistake is refused at once instead of hanging the start.
 */
export function regularFileProblem(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
  try {
    return notRegularFile(fstatSync(fd));
  } finally {
    closeSync(fd);
  }
}

/** What a stat says is wrong for a file to read (`EISDIR`, `a FIFO, …`), or undefined for a regular file. */
export function notRegularFile(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'EISDIR';
  if (stat.isFIFO()) return 'a FIFO, not a regular file';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device, not a regular file';
  if (stat.isSocket()) return 'a socket, not a regular file';
  return 'not a regular file';
}

export function readBoolean(raw: unknown, keyPath: string, fallback: boolean): boolean {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'boolean') throw new ConfigError(keyPath, 'expected true or false');
  return raw;
}

export function readNumber(raw: unknown, keyPath: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw new ConfigError(keyPath, 'expected a number');
  if (range.integer && !Number.isInteger(raw)) throw new ConfigError(keyPath, 'expected a whole number');
  if (range.min !== undefined && raw < range.min) throw new ConfigError(keyPath, `expected a number >= ${range.min}`);
  if (range.max !== undefined && raw > range.max) throw new ConfigError(keyPath, `expected a number <= ${range.max}`);
  return raw;
}

/**
 * The longest duration any key accepts: Node's timers hold at most 2^31-1 ms (about
 * 24.8 days) and fire after 1 ms when given more, so `interval: 25d` would tick every
 * millisecond and a `timeout: 30d` would time every probe out at once.
 */
export const MAX_DURATION_MILLIS = 2 ** 31 - 1;

/** A duration like `30s`, `5m`, `1h30m`, or a plain number of seconds. Returns milliseconds. */
export function readDurationMillis(raw: unknown, keyPath: string, fallbackMillis: number, minMillis = 1): number {
  if (raw === undefined || raw === null) return fallbackMillis;
  const millis = typeof raw === 'number' ? raw * 1000 : typeof raw === 'string' ? parseDurationMillis(raw) : undefined;
  if (millis === undefined || !Number.isFinite(millis)) {
    throw new ConfigError(keyPath, `expected a duration like 500ms, 30s, 5m or 1h (got ${quoteValue(raw)})`);
  }
  if (millis < minMillis) throw new ConfigError(keyPath, `expected a duration of at least ${minMillis}ms`);
  if (millis > MAX_DURATION_MILLIS) {
    throw new ConfigError(
      keyPath,
      `expected a duration of at most 24d 20h 31m 23s (${MAX_DURATION_MILLIS}ms, the longest timer Node.js can set; got ${quoteValue(raw)})`,
    );
  }
  return millis;
}

/** `host:port`, e.g. `127.0.0.1:9464`. */
export function readHostPort(raw: unknown, keyPath: string, fallback: string): { host: string; port: number } {
  const text = readString(raw, keyPath, fallback);
  const match = /^(\[[^\]\s]+\]|[^:\s]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new ConfigError(keyPath, `expected host:port like 127.0.0.1:9464 (got ${quoteValue(text)})`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Flat string map, e.g. dependencies `{ cloud.availability_zone: eu-1a }`. */
export function readStringMap(raw: unknown, keyPath: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(keyPath, 'expected a mapping of names to strings');
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new ConfigError(joinKey(keyPath, key), 'expected a string');
    }
    result[key] = String(value);
  }
  return result;
}

export function joinKey(keyPath: string, key: string | number): string {
  if (typeof key === 'number') return `${keyPath}[${key}]`;
  return keyPath ? `${keyPath}.${key}` : key;
}

/** Suggest the allowed key nearest to a typo (edit distance ≤ 2). */
function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
