import { createHash } from 'node:crypto';

/** A stable short hash of permission facts (order as given: callers sort what is unordered). */
export function permissionHash(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\n');
  return hash.digest('hex').slice(0, 16);
}
