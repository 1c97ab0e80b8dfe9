import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long a refused client may go on sending a body we will not read before the connection is closed. */
export const LINGER_MILLIS = 5_000;

/**
 * Close the connection after this response without losing the answer (nginx's
 * lingering close). The body of a refused request (413 before reading, 408) is
 * left unread; closing the socket at once with unread bytes makes the kernel
 * reset the connection, and a client still writing its body then fails with
 * EPIPE/ECONNRESET before it reads the status. Instead: send the answer, stop
 * writing (FIN), discard what the client still sends, and close when it stops,
 * or after LINGER_MILLIS.
 */
export function closeAfterAnswer(response: ServerResponse): void {
  response.setHeader('Connection', 'close');
  const socket = response.socket as (Socket & { destroySoon?: () => void }) | null;
  if (!socket || typeof socket.destroySoon !== 'function') return;
  // Node's HTTP server calls destroySoon (end, then destroy once flushed) after a `Connection: close` answer.
  socket.destroySoon = function lingeringClose(this: Socket): void {
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MILLIS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    // The client saw our FIN and closed its side: nothing more to discard.
    this.once('end', () => this.destroy());
    this.resume();
  };
}
