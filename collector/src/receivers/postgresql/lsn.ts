/**
 * A WAL location as a byte position: `16/B374D848` → 0x16 × 2³² + 0xB374D848.
 * Exact below 2⁵³ bytes (8 PiB of WAL), far beyond any real cluster.
 */
export function lsnToBytes(lsn: string): number {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (match === null) throw new Error(`not a PostgreSQL LSN: "${lsn}"`);
  return parseInt(match[1]!, 16) * 2 ** 32 + parseInt(match[2]!, 16);
}

export function optionalLsnBytes(lsn: unknown): number | undefined {
  return typeof lsn === 'string' ? lsnToBytes(lsn) : undefined;
}
