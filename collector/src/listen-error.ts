import type { Server } from 'node:net';
import { escapeControl } from './config/quote';

/** Why a bind fails, in words, for the codes a wrong `listen.*` produces. */
const REASONS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied; ports below 1024 need privileges',
  EADDRNOTAVAIL: 'no network interface of this machine has that address',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
};

/**
 * A server could not bind the address its `listen.*` setting gives: a mistake in the
 * config or a busy machine, never a bug. The CLI prints the message as one line and
 * exits 2.
 */
export class ListenError extends Error {
  constructor(
    /** The config key, e.g. `listen.otlp`. */
    readonly setting: string,
    readonly host: string,
    readonly port: number,
    /** `EADDRINUSE`, `EADDRNOTAVAIL`, `EACCES`, … */
    readonly code: string,
    what: string,
  ) {
    const reason = REASONS[code] ? `${code}: ${REASONS[code]}` : code;
    super(escapeControl(`cannot listen for ${what} on ${host}:${port} (${reason}); change ${setting} in the config or stop what uses it`));
    this.name = 'ListenError';
  }
}

/** Where a server listens, and how a bind error names it. */
export interface ListenTarget {
  host: string;
  port: number;
  /** The config key, e.g. `listen.otlp`. */
  setting: string;
  /** What listens there, in the error: `OTLP`, `/metrics and the API`. */
  what: string;
}

/** `server.listen(port, host)`, rejecting with a ListenError that names `setting`. */
export function listenOn(server: Server, { host, port, setting, what }: ListenTarget): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new ListenError(setting, host, port, error.code ?? error.message, what));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
