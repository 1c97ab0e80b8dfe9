/** Loopback spellings that name the same host, so `localhost:6379` matches `127.0.0.1:6379`. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** `host:port` normalised for comparison: lower case, loopback spellings folded. */
export function normalizeHostPort(host: string, port: number | string): string {
  const lower = host.toLowerCase();
  // The brackets of an IPv6 literal; the test first, as every round compares addresses and most have none.
  const h = lower.startsWith('[') || lower.endsWith(']') ? lower.replace(/^\[|\]$/g, '') : lower;
  return `${LOOPBACK.has(h) ? 'loopback' : h}:${String(port)}`;
}

/**
 * The configured member a node says it follows (`master_host:master_port`,
 * `sender_host:sender_port`), or undefined when no configured node has that
 * address (then the receiver cannot tell, and says nothing rather than guess).
 */
export function memberAt(nodes: readonly { member: string; host: string; port: number }[], host: string, port: number | string): string | undefined {
  const wanted = normalizeHostPort(host, port);
  return nodes.find((n) => normalizeHostPort(n.host, n.port) === wanted)?.member;
}
