/**
 * Permission consistency (DESIGN.md §2.4): which members' permission
 * fingerprints differ from the leader's (or the majority's without a leader).
 */
export interface PermissionConsistency {
  /** Members matching ÷ members with a fingerprint; null when none has one. */
  ratio: number | null;
  drifted: string[];
}

export function permissionConsistency(fingerprints: ReadonlyMap<string, string>, leader: string | null): PermissionConsistency {
  if (fingerprints.size === 0) return { ratio: null, drifted: [] };
  const reference = (leader !== null ? fingerprints.get(leader) : undefined) ?? majority(fingerprints);
  const drifted: string[] = [];
  for (const [member, fingerprint] of fingerprints) if (fingerprint !== reference) drifted.push(member);
  drifted.sort();
  return { ratio: (fingerprints.size - drifted.length) / fingerprints.size, drifted };
}

/** Most common fingerprint; ties go to the smallest value so the answer is stable. */
function majority(fingerprints: ReadonlyMap<string, string>): string {
  const counts = new Map<string, number>();
  for (const fingerprint of fingerprints.values()) counts.set(fingerprint, (counts.get(fingerprint) ?? 0) + 1);
  let best = '';
  let bestCount = -1;
  for (const [fingerprint, count] of counts) {
    if (count > bestCount || (count === bestCount && fingerprint < best)) {
      best = fingerprint;
      bestCount = count;
    }
  }
  return best;
}
