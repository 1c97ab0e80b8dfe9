import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

/** Why a body could not be read; the server maps each to a status code. */
export class BodyError extends Error {
  constructor(
    readonly kind: 'too_large' | 'bad_gzip' | 'aborted' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * Read a request body, at most `maxBytes` as sent and `maxBytes` after gzip
 * decompression. Decompression streams and stops as soon as the limit is
 * passed, so a gzip bomb costs at most `maxBytes` of memory, not its expanded size.
 * The whole body must arrive within `timeoutMillis` (otlp.read_timeout): a
 * client that sends half a body and waits gets 408 rather than a held slot.
 * `inspect` sees each (decompressed) chunk first; what it throws stops the
 * reading and rejects with it (the JSON item count refuses a body halfway).
 */
export function readBody(request: IncomingMessage, gzip: boolean, maxBytes: number, timeoutMillis: number, inspect?: (chunk: Buffer) => void): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let bodyBytes = 0;
    let settled = false;
    const gunzip = gzip ? createGunzip() : undefined;
    const timer = setTimeout(() => {
      fail(new BodyError('timeout', `the body did not arrive within ${timeoutMillis} ms (otlp.read_timeout); ${wireBytes} bytes came`));
    }, timeoutMillis);
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      gunzip?.destroy();
      // Discard what is left (never buffered) so the client gets to read the answer; the server
      // then closes the connection, lingering briefly (lingering-close.ts).
      request.resume();
      reject(error);
    };
    // With a Content-Length (and no gzip) the body is copied into one buffer of that size as it
    // arrives: no chunk list plus a concatenated copy, so a body in flight costs its size once.
    // Not when `inspect` may refuse it halfway: a refused body then never costs its declared size.
    const declared = Number(request.headers['content-length']);
    const whole = !gzip && !inspect && Number.isInteger(declared) && declared > 0 && declared <= maxBytes ? Buffer.allocUnsafe(declared) : undefined;
    const collect = (chunk: Buffer): void => {
      if (inspect !== undefined) {
        try {
          inspect(chunk);
        } catch (error) {
          return fail(error instanceof Error ? error : new Error(String(error)));
        }
      }
      if (whole !== undefined) {
        // Node's HTTP parser never passes more than Content-Length; refuse rather than drop if it ever did.
        if (bodyBytes + chunk.length > whole.length) return fail(new BodyError('too_large', 'body is longer than its Content-Length'));
        chunk.copy(whole, bodyBytes);
        bodyBytes += chunk.length;
        return;
      }
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes) {
        fail(new BodyError('too_large', `body is larger than ${maxBytes} bytes after decompression (otlp.max_request_bytes)`));
        return;
      }
      chunks.push(chunk);
    };
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (whole !== undefined) resolve(whole.subarray(0, bodyBytes));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bodyBytes));
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) {
        fail(new BodyError('too_large', `body is larger than ${maxBytes} bytes (otlp.max_request_bytes)`));
        return;
      }
      if (gunzip) gunzip.write(chunk);
      else collect(chunk);
    });
    request.on('end', () => {
      if (gunzip) gunzip.end();
      else done();
    });
    request.on('aborted', () => fail(new BodyError('aborted', 'client aborted the request')));
    request.on('error', () => fail(new BodyError('aborted', 'connection error while reading the body')));
    if (gunzip) {
      gunzip.on('data', (chunk: Buffer) => {
        if (!settled) collect(chunk);
      });
      gunzip.on('end', done);
      gunzip.on('error', (error: Error) => fail(new BodyError('bad_gzip', `body is not valid gzip (${error.message})`)));
    }
  });
}
