import { sparePort, waitFor as waitForValue } from './processes';

/** A loopback port nothing listens on right now (the OS picks it from the ephemeral range: never 6379/5432). */
export const spareLoopbackPort = sparePort;

/** Poll `check` until it returns true or `timeoutMillis` passes; the error says what was awaited. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMillis = 20_000, everyMillis = 50): Promise<void> {
  await waitForValue(what, timeoutMillis, async () => ((await check()) ? true : undefined), everyMillis);
}
