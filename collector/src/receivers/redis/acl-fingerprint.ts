import { createHash } from 'node:crypto';
import type { PermissionEntry } from '../../model/types';

/**
 * Stable hash of who may do what on a node, from `ACL LIST`, e.g.
 * `user default on nopass ~* &* +@all`. Lines are sorted (Redis already sorts by
 * user; sorting again makes the hash independent of that), and whether the
 * default user needs a password is spelled out, so a node that lets anyone in
 * differs from one that does not even if someone edits the rule text format.
 * Password hashes (`#…`) are part of the lines: a changed password is drift too.
 */
export function aclPermissionFingerprint(aclLines: readonly string[], tls: boolean): string {
  const lines = aclLines
    .map(canonicalAclLine)
    .filter((line) => line.length > 0)
    .sort();
  const canonical = [`default-user-requires-password:${defaultUserRequiresPassword(lines)}`, `tls:${tls}`, ...lines].join('\n');
  return 'sha256:' + createHash('sha256').update(canonical).digest('hex');
}

/** False when `user default on nopass …` lets any client in; true when the default user is off or has a password. */
export function defaultUserRequiresPassword(aclLines: readonly string[]): boolean {
  const line = aclLines.find((l) => l.startsWith('user default '));
  if (line === undefined) return true;
  const words = line.split(/\s+/);
  return !(words.includes('on') && words.includes('nopass'));
}

/**
 * `user app on #05… ~app:* resetchannels -@all +set +get` with each run of
 * order-free tokens sorted. Redis lists single commands (`+get +set`), passwords
 * and patterns in its own dict order, which differs between nodes holding the
 * same rules (seen on Redis 7.0). Category rules (`+@all`, `-@write`) keep their
 * order: there, a later rule overrides an earlier one.
 */
export function canonicalAclLine(line: string): string {
  const tokens = line
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0);
  const out: string[] = [];
  let run: string[] = [];
  let runClass = '';
  const flush = (): void => {
    out.push(...run.sort());
    run = [];
  };
  for (const token of tokens) {
    const cls = orderFreeClass(token);
    if (cls === undefined || cls !== runClass) flush();
    runClass = cls ?? '';
    if (cls === undefined) out.push(token);
    else run.push(token);
  }
  flush();
  return out.join(' ');
}

/** Tokens whose relative order in a run means nothing: single commands, password hashes, key and channel patterns. */
function orderFreeClass(token: string): string | undefined {
  if (/^[+-][^@]/.test(token)) return 'command';
  const first = token[0];
  if (first === '#' || first === '>' || first === '~' || first === '&' || first === '%') return first;
  return undefined;
}

/**
 * `ACL LIST` as one entry per user, for naming what drifted: `user auditor` →
 * `on ~* resetchannels -@all +@read`. Password hashes (`#…`) are secrets: they
 * become one `password:<digest>` token (equal hashes, equal token), so a
 * changed password is seen as one without any hash being shown.
 */
export function aclPermissionEntries(aclLines: readonly string[]): PermissionEntry[] {
  const entries: PermissionEntry[] = [];
  for (const line of aclLines) {
    const words = canonicalAclLine(line).split(' ');
    if (words[0] !== 'user' || words[1] === undefined) continue;
    const secrets = words.slice(2).filter((w) => w.startsWith('#') || w.startsWith('>') || w.startsWith('<'));
    const rules = words.slice(2).filter((w) => !secrets.includes(w));
    if (secrets.length > 0) rules.push(`password:${createHash('sha256').update(secrets.sort().join(' ')).digest('hex').slice(0, 12)}`);
    entries.push({ subject: `user ${words[1]}`, rules: rules.join(' ') });
  }
  return entries;
}
