import type { MaintenanceWindow } from '../engine/maintenance';
import { ConfigError } from './config-error';
import { joinKey, readArray, readDurationMillis, readObject, readString } from './fields';
import { quoteValue } from './quote';

/** A window as written in config: `- { group: orders-db, start: 2026-12-01T22:00:00Z, duration: 1h, reason: kernel upgrade }`. */
export type ConfiguredWindow = Omit<MaintenanceWindow, 'id'>;

/** Longest reason kept: it is shown on the terminal line and in the API. */
export const MAX_MAINTENANCE_REASON_CHARS = 200;

/**
 * `maintenance:` — fixed windows (no recurrence: a cron rule would hide when a
 * window really applies). Each names a configured group, a `start` in RFC 3339
 * with its offset, and either `end` or `duration`; `reason` is required so the
 * planned episode says why.
 */
export function parseMaintenanceConfig(raw: unknown, keyPath: string, groupNames: ReadonlySet<string>): ConfiguredWindow[] {
  if (raw === undefined || raw === null) return [];
  return readArray(raw, keyPath).map((item, i) => parseWindow(item, joinKey(keyPath, i), groupNames));
}

function parseWindow(raw: unknown, keyPath: string, groupNames: ReadonlySet<string>): ConfiguredWindow {
  const o = readObject(raw, keyPath, ['group', 'start', 'end', 'duration', 'reason']);
  const key = (name: string) => joinKey(keyPath, name);
  const group = readString(o['group'], key('group'));
  if (!groupNames.has(group)) throw new ConfigError(key('group'), `no group named ${quoteValue(group)}; use the name of one of groups[]`);
  const startMillis = readInstant(o['start'], key('start'));
  if (o['end'] !== undefined && o['duration'] !== undefined) throw new ConfigError(keyPath, 'give either end or duration, not both');
  let endMillis: number;
  if (o['end'] !== undefined) {
    endMillis = readInstant(o['end'], key('end'));
    if (endMillis <= startMillis) throw new ConfigError(key('end'), 'must be after start');
  } else if (o['duration'] !== undefined) {
    endMillis = startMillis + readDurationMillis(o['duration'], key('duration'), 0);
  } else {
    throw new ConfigError(keyPath, 'missing end or duration; add e.g. duration: 1h');
  }
  const reason = readReason(o['reason'], key('reason'));
  return { group, startMillis, endMillis, reason, origin: 'config' };
}

/** `2026-12-01T22:00:00Z` or with an offset; YAML may hand it over already parsed as a date. */
function readInstant(raw: unknown, keyPath: string): number {
  if (raw instanceof Date && Number.isFinite(raw.getTime())) return raw.getTime();
  if (raw === undefined || raw === null) throw new ConfigError(keyPath, 'missing; give a time like 2026-12-01T22:00:00Z');
  const text = typeof raw === 'string' ? raw : '';
  const millis = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(millis)) throw new ConfigError(keyPath, `expected an RFC 3339 time with its offset, like 2026-12-01T22:00:00Z (got ${quoteValue(raw)})`);
  return millis;
}

export function readReason(raw: unknown, keyPath: string): string {
  const reason = readString(raw, keyPath).trim();
  if (reason.length === 0) throw new ConfigError(keyPath, 'is empty; say why (it is shown on the planned episode)');
  if (reason.length > MAX_MAINTENANCE_REASON_CHARS) throw new ConfigError(keyPath, `is longer than ${MAX_MAINTENANCE_REASON_CHARS} characters`);
  // One terminal line and one log line: no control, line-separator or bidi characters.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(reason)) {
    throw new ConfigError(keyPath, 'contains a control, line-separator or bidi character');
  }
  return reason;
}
