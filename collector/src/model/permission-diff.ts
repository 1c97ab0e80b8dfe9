import type { PermissionEntry } from './types';

/** At most this many differences are named per member; the count of the rest follows. */
export const MAX_PERMISSION_DIFFERENCES = 3;

/**
 * What differs between a drifted member's permissions and the reference member's,
 * in words, first few only:
 * `user auditor exists only on cache-a`, `user app on cache-b: +get instead of +@all`,
 * `user app on cache-b: password differs`. Password digests are compared, never shown.
 */
export function permissionDifferences(
  reference: { member: string; entries: readonly PermissionEntry[] },
  drifted: { member: string; entries: readonly PermissionEntry[] },
  max = MAX_PERMISSION_DIFFERENCES,
): string[] {
  const theirs = bySubject(reference.entries);
  const ours = bySubject(drifted.entries);
  const differences: string[] = [];
  for (const [subject, rules] of theirs) {
    const mine = ours.get(subject);
    if (mine === undefined) differences.push(`${subject} exists only on ${reference.member}`);
    else if (mine !== rules) differences.push(`${subject} on ${drifted.member}: ${ruleDifference(rules, mine)}`);
  }
  for (const subject of ours.keys()) if (!theirs.has(subject)) differences.push(`${subject} exists only on ${drifted.member}`);
  if (differences.length <= max) return differences;
  return [...differences.slice(0, max), `and ${differences.length - max} more`];
}

function bySubject(entries: readonly PermissionEntry[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of [...entries].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0))) {
    map.set(e.subject, map.has(e.subject) ? `${map.get(e.subject)!} | ${e.rules}` : e.rules);
  }
  return map;
}

/** `+get instead of +@all`, `password differs`, `lacks +@write`, `has extra +flushall`. */
function ruleDifference(reference: string, drifted: string): string {
  const refTokens = reference.split(/\s+/).filter((t) => t.length > 0);
  const ourTokens = drifted.split(/\s+/).filter((t) => t.length > 0);
  const secret = (t: string) => t.startsWith('password:');
  const parts: string[] = [];
  if (refTokens.filter(secret).join(' ') !== ourTokens.filter(secret).join(' ')) parts.push('password differs');
  const missing = refTokens.filter((t) => !secret(t) && !ourTokens.includes(t));
  const extra = ourTokens.filter((t) => !secret(t) && !refTokens.includes(t));
  if (missing.length > 0 && extra.length > 0) parts.push(`${clip(extra)} instead of ${clip(missing)}`);
  else if (missing.length > 0) parts.push(`lacks ${clip(missing)}`);
  else if (extra.length > 0) parts.push(`has extra ${clip(extra)}`);
  // Same tokens, another order: for ACL categories and HBA rules the order is the meaning.
  if (parts.length === 0) parts.push('same rules in another order');
  return parts.join(', ');
}

function clip(tokens: string[]): string {
  const shown = tokens.slice(0, 3).join(' ');
  const text = shown.length > 80 ? `${shown.slice(0, 79)}…` : shown;
  return tokens.length > 3 ? `${text} …` : text;
}
