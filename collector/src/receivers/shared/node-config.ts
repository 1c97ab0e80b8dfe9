import { ConfigError } from '../../config/config-error';
import { joinKey, readArray, readObject, readOptionalString, readString, readStringMap } from '../../config/fields';
import { ROLES, type Dependencies, type MemberDeclaration, type Role } from '../../model/types';
import { quoteValue } from '../../config/quote';

/** What every probed node has in config, whatever the system: `member`, `dependencies`, optional `role` hint. */
export interface ProbedNodeConfig {
  member: string;
  dependencies: Dependencies;
  /** A hint only: the probe reports the role the node really has. Used to break split-brain ties. */
  role?: Role;
}

/**
 * Read `nodes:` (a non-empty list of mappings with `member`, the system's
 * address key, `dependencies`, `role`), rejecting duplicate members.
 */
export function readNodes<T extends ProbedNodeConfig>(
  raw: unknown,
  keyPath: string,
  addressKey: string,
  readAddress: (raw: unknown, keyPath: string) => Omit<T, keyof ProbedNodeConfig>,
): T[] {
  const nodesKey = joinKey(keyPath, 'nodes');
  const list = readArray(raw, nodesKey);
  if (list.length === 0) throw new ConfigError(nodesKey, `expected at least one node: a list of { member, ${addressKey} }`);
  const seen = new Set<string>();
  return list.map((item, index) => {
    const nodeKey = joinKey(nodesKey, index);
    const o = readObject(item, nodeKey, ['member', addressKey, 'dependencies', 'role']);
    const member = readString(o['member'], joinKey(nodeKey, 'member'));
    if (seen.has(member)) throw new ConfigError(joinKey(nodeKey, 'member'), `${quoteValue(member)} is listed twice; each node needs its own member name`);
    seen.add(member);
    const role = readOptionalString(o['role'], joinKey(nodeKey, 'role'));
    if (role !== undefined && !(ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(joinKey(nodeKey, 'role'), `expected one of ${ROLES.join(', ')} (got ${quoteValue(role)})`);
    }
    const node = {
      member,
      dependencies: readStringMap(o['dependencies'], joinKey(nodeKey, 'dependencies')),
      ...readAddress(o[addressKey], joinKey(nodeKey, addressKey)),
    } as T;
    if (role !== undefined) node.role = role as Role;
    return node;
  });
}

/** Declarations for `sink.declare`, so configured nodes show `unknown` until first probed. */
export function declarationsOf(nodes: readonly ProbedNodeConfig[]): MemberDeclaration[] {
  return nodes.map((n) => ({ member: n.member, dependencies: n.dependencies, ...(n.role ? { role: n.role } : {}) }));
}
