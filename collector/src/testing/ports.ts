import { createServer } from 'node:net';

/** A loopback port nothing listens on right now (the OS picks it; never 6379/5432). */
export async function spareLoopbackPort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    if (port !== 6379 && port !== 5432 && port !== 0) return port;
  }
}

/** Poll `check` until it returns true or `timeoutMillis` passes; the error says what was awaited. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMillis = 20_000, everyMillis = 50): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMillis));
  }
  throw new Error(`timed out after ${timeoutMillis}ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}
