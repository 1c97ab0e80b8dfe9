import { redactSecret } from './secret';
import { ProbeTimeoutError } from './timeout';

/** How a failed probe is reported: the node said no, it hung, or something else went wrong. */
export type ProbeFailure = 'refused' | 'timeout' | 'error';

/**
 * The one rule for every probe (redis, postgresql, mysql): a failure is `refused`
 * (the node is down: an observation, `unreachable`, probed again every round) only
 * when the node or its host said it is not serving: nothing listens, no route, or
 * the server says it is starting up or shutting down (PostgreSQL 57P03
 * cannot_connect_now and 57P01 admin_shutdown, MySQL ER_SERVER_SHUTDOWN).
 *
 * A connection reset or broken (ECONNRESET, EPIPE, MySQL PROTOCOL_CONNECTION_LOST)
 * is a failure like any other (no observation, backoff): it is also how a running
 * server turns away a client it will not serve (Redis with tls-auth-clients and no
 * client certificate, a TLS handshake it rejects, a proxy's idle timeout), so it
 * does not prove the node down, and calling it `unreachable` would open a false
 * episode for a node that serves everyone else. It costs a node that really died
 * one round at most: the first failure is retried the next round, where a dead
 * node refuses. (Until 0.2.0 PostgreSQL and MySQL counted a reset as refused and
 * Redis did not.)
 */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', '57P03', '57P01', 'ER_SERVER_SHUTDOWN']);

export function classifyProbeError(error: unknown): ProbeFailure {
  if (error instanceof ProbeTimeoutError) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && REFUSED_CODES.has(code)) return 'refused';
  return 'error';
}

/** The probe loop's `isRefusal`, the same for every probe: see REFUSED_CODES. */
export function isRefusal(error: unknown): boolean {
  return classifyProbeError(error) === 'refused';
}

/** An error's message without anything that looks like credentials in a URL, nor any of `secrets`. */
export function safeMessage(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecret(text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)\S*@/gi, '$1***@'), ...secrets);
}
