import { createHash } from 'node:crypto';

/**
 * Stable hash of who may do what on a node, from `ACL LIST`, e.g.
 * `user default on nopass ~* &* +@all`. Lines are sorted (Redis already sorts by
 * user; sorting again makes the hash independent of that), and whether the
 * default user needs a password is spelled out, so a node that lets anyone in
 * differs from one that does not even if someone edits the rule text format.
 * Password hashes (`#…`) are part of the lines: a changed password is drift too.
 */
export function aclPermissionFingerprint(aclLines: readonly string[], tls: boolean): string {
  const lines = aclLines.map((line) => line.trim()).filter((line) => line.length > 0).sort();
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
