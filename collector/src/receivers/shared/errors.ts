import { redactSecret } from './secret';
import { ProbeTimeoutError } from './timeout';

/** How a failed probe is reported: the node said no, it hung, or something else went wrong. */
export type ProbeFailure = 'refused' | 'timeout' | 'error';

/**
 * Errors where the node (or its host) answered that it is not serving: nothing
 * listens, no route, or PostgreSQL says it is starting up / shutting down
 * (57P03 cannot_connect_now, 57P01 admin_shutdown). The node is down.
 */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', '57P03', '57P01']);

export function classifyProbeError(error: unknown): ProbeFailure {
  if (error instanceof ProbeTimeoutError) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && REFUSED_CODES.has(code)) return 'refused';
  return 'error';
}

/** An error's message without anything that looks like credentials in a URL, nor any of `secrets`. */
export function safeMessage(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecret(text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)\S*@/gi, '$1***@'), ...secrets);
}
