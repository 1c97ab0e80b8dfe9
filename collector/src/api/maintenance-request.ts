import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../config/config-error';
import { parseDurationMillis } from '../config/duration';
import { MAX_MAINTENANCE_REASON_CHARS, readReason } from '../config/maintenance-config';
import { quoteValue } from '../config/quote';
import type { MaintenanceWindow } from '../engine/maintenance';

/** Largest request body read: a window is three short fields. */
export const MAX_MAINTENANCE_BODY_BYTES = 16 * 1024;
/** Longest window the API opens; longer ones belong in the config, where they are reviewed. */
export const MAX_API_WINDOW_MILLIS = 7 * 24 * 3_600_000;

/** A request the API refuses, with the HTTP status and a message that says what to send instead. */
export class BadMaintenanceRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `POST /api/v1/maintenance` body: `{"group": "orders-db", "duration": "30m", "reason": "planned failover"}`.
 * The window starts now. `duration` is a duration string or a number of seconds.
 */
export function parseMaintenanceRequest(body: string, knownGroup: (name: string) => boolean, nowMillis: number): Omit<MaintenanceWindow, 'id'> {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new BadMaintenanceRequest(400, 'body is not JSON; send {"group": "<name>", "duration": "30m", "reason": "<why>"}');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new BadMaintenanceRequest(400, 'body must be a JSON object: {"group": "<name>", "duration": "30m", "reason": "<why>"}');
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['group', 'duration', 'reason'].includes(key))
      throw new BadMaintenanceRequest(400, `unknown field ${quoteValue(key)}; allowed: group, duration, reason`);
  }
  const group = o['group'];
  if (typeof group !== 'string' || group.length === 0) throw new BadMaintenanceRequest(400, 'group is required: the name of a group in /api/v1/groups');
  if (!knownGroup(group)) throw new BadMaintenanceRequest(404, `no group named ${quoteValue(group)}; see /api/v1/groups for the names`);
  const durationRaw = o['duration'];
  const durationMillis = typeof durationRaw === 'number' ? durationRaw * 1000 : typeof durationRaw === 'string' ? parseDurationMillis(durationRaw) : undefined;
  if (durationMillis === undefined || !Number.isFinite(durationMillis) || durationMillis <= 0) {
    throw new BadMaintenanceRequest(400, `duration must be a positive duration like "30m" or "2h", or a number of seconds (got ${quoteValue(durationRaw)})`);
  }
  if (durationMillis > MAX_API_WINDOW_MILLIS)
    throw new BadMaintenanceRequest(400, 'duration is longer than 7d; put a longer window in the config file (maintenance:)');
  let reason: string;
  try {
    reason = readReason(o['reason'], 'reason');
  } catch (error) {
    const detail = error instanceof ConfigError ? error.expected : `must be a string of at most ${MAX_MAINTENANCE_REASON_CHARS} characters`;
    throw new BadMaintenanceRequest(400, `reason ${detail}`);
  }
  return { group, startMillis: nowMillis, endMillis: nowMillis + durationMillis, reason, origin: 'api' };
}

/** The request body as text, refusing more than MAX_MAINTENANCE_BODY_BYTES and anything but JSON. */
export async function readJsonBody(request: IncomingMessage): Promise<string> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new BadMaintenanceRequest(415, 'send Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_MAINTENANCE_BODY_BYTES) throw new BadMaintenanceRequest(413, `body larger than ${MAX_MAINTENANCE_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A window as the API shows it. */
export function maintenanceView(window: MaintenanceWindow) {
  return {
    id: window.id,
    group: window.group,
    start: new Date(window.startMillis).toISOString(),
    end: new Date(window.endMillis).toISOString(),
    reason: window.reason,
    origin: window.origin,
  };
}
