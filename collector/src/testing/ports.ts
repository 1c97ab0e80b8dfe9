import { sparePort } from './processes';

/** A loopback port nothing listens on right now (the OS picks it from the ephemeral range: never 6379/5432). */
export const spareLoopbackPort = sparePort;
