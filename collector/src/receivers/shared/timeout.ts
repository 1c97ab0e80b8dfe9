/** A probe step that did not answer in time. The node may be hung (SIGSTOP, full network buffer). */
export class ProbeTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMillis: number,
  ) {
    super(`${what} did not answer within ${timeoutMillis} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

/**
 * Resolve with `work`, or reject with ProbeTimeoutError after `timeoutMillis`.
 * The work itself is not cancelled: the caller drops (destroys) the connection.
 */
export function withTimeout<T>(work: Promise<T>, timeoutMillis: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(what, timeoutMillis)), timeoutMillis);
  });
  // A late rejection of the abandoned work must not become an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
