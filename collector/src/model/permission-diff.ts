import type { PermissionChange } from '@rebound/contract';
import type { PermissionEntry } from './types';

/** At most this many differences are named per member in a finding's text; the count of the rest follows. */
export const MAX_PERMISSION_DIFFERENCES = 3;

/**
 * One subject whose permissions differ between a drifted member and the reference member:
 * `missing` (the reference has it, this member not), `extra` (only this member has it) or
 * `changed` (both have it, with other rules; `detail` says how: `lacks +set`, `password differs`).
 * `subject` is what the source names the entry by (`user auditor`, `hba rule #4 hostssl reports
 * auditor 10.0.2.0/24`, `role app`): never a rule, so never a password or its digest.
 */
export interface PermissionDifference {
  change: PermissionChange;
  subject: string;
  detail?: string;
}

/**
 * Every difference between a drifted member's permissions and the reference member's, in the
 * order they are named: subjects of the reference (missing or changed) by name, then extra ones.
 * Password digests are compared, never shown.
 */
export function permissionDifferenceList(reference: readonly PermissionEntry[], drifted: readonly PermissionEntry[]): PermissionDifference[] {
  const theirs = bySubject(reference);
  const ours = bySubject(drifted);
  const differences: PermissionDifference[] = [];
  for (const [subject, rules] of theirs) {
    const mine = ours.get(subject);
    if (mine === undefined) differences.push({ change: 'missing', subject });
    else if (mine !== rules) differences.push({ change: 'changed', subject, detail: ruleDifference(rules, mine) });
  }
  for (const subject of ours.keys()) if (!theirs.has(subject)) differences.push({ change: 'extra', subject });
  return differences;
}

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
  return describePermissionDifferences(permissionDifferenceList(reference.entries, drifted.entries), reference.member, drifted.member, max);
}

/** The words for a list from `permissionDifferenceList`: the first `max`, then `and N more`. */
export function describePermissionDifferences(
  differences: readonly PermissionDifference[],
  reference: string,
  drifted: string,
  max = MAX_PERMISSION_DIFFERENCES,
): string[] {
  const words = differences
    .slice(0, max)
    .map((d) =>
      d.change === 'missing'
        ? `${d.subject} exists only on ${reference}`
        : d.change === 'extra'
          ? `${d.subject} exists only on ${drifted}`
          : `${d.subject} on ${drifted}: ${d.detail}`,
    );
  return differences.length <= max ? words : [...words, `and ${differences.length - max} more`];
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
