import type { Observation, Role } from '../../model/types';
import type { ProbeOutcome } from '../probe-loop';
import { aclPermissionFingerprint } from './acl-fingerprint';
import type { RedisNodeConfig } from './config';
import type { ReplicationInfo } from './replication-info';

/** What one node answered in a round. */
export interface RedisNodeAnswer {
  replication: ReplicationInfo;
  /** `ACL LIST` lines; undefined when the monitoring user may not run it (no fingerprint then). */
  aclLines?: string[];
}

export interface RedisRoundInput {
  group: string;
  source: string;
  nodes: readonly RedisNodeConfig[];
  outcomes: readonly ProbeOutcome<RedisNodeAnswer>[];
  /** The role each node had when last seen, for a node that now refuses connections. */
  lastRoles: ReadonlyMap<string, Role>;
  tls: boolean;
}

/**
 * Turn one probe round into observations. Lag is computed after the round, from
 * the answer of the master each replica follows in the same round, so both ends
 * of the subtraction were read within one timeout of each other.
 * Timeouts and failures give no observation: the engine turns the member
 * `unknown` after the freshness window instead of us guessing.
 */
export function observationsOfRound(input: RedisRoundInput): Observation[] {
  const { nodes, outcomes } = input;
  const memberByAddress = new Map(nodes.map((n) => [normalizeAddress(n.host, n.port), n.member]));
  const answers = new Map<string, RedisNodeAnswer>();
  nodes.forEach((node, i) => {
    const outcome = outcomes[i];
    if (outcome?.kind === 'answered') answers.set(node.member, outcome.answer);
  });
  const observations: Observation[] = [];
  nodes.forEach((node, i) => {
    const outcome = outcomes[i]!;
    const base = { group: input.group, member: node.member, source: input.source, dependencies: node.dependencies };
    if (outcome.kind === 'refused') {
      const role = input.lastRoles.get(node.member);
      observations.push({ ...base, observedAtMillis: outcome.atMillis, reachable: false, ...(role ? { role } : {}) });
      return;
    }
    if (outcome.kind !== 'answered') return;
    const { replication, aclLines } = outcome.answer;
    const observation: Observation = { ...base, observedAtMillis: outcome.atMillis, reachable: true, position: replication.offset };
    if (aclLines !== undefined) observation.permissionFingerprint = aclPermissionFingerprint(aclLines, input.tls);
    if (replication.role === 'master') {
      observation.role = 'leader';
      observation.serving = true;
    } else {
      Object.assign(observation, replicaFacts(node, replication, memberByAddress, answers));
    }
    observations.push(observation);
  });
  return observations;
}

function replicaFacts(
  node: RedisNodeConfig,
  replication: ReplicationInfo,
  memberByAddress: ReadonlyMap<string, string>,
  answers: ReadonlyMap<string, RedisNodeAnswer>,
): Partial<Observation> {
  const facts: Partial<Observation> = { role: 'replica' };
  if (replication.masterHost === undefined || replication.masterPort === undefined) return facts;
  const masterAddress = normalizeAddress(replication.masterHost, replication.masterPort);
  // A master we were not told about is named by its address: following it is following the wrong leader.
  const followed = memberByAddress.get(masterAddress) ?? masterAddress;
  facts.followsLeader = followed;
  const master = answers.get(followed)?.replication;
  if (master?.role === 'master') {
    facts.lagBytes = Math.max(0, master.offset - replication.offset);
    const line = master.replicas.find((r) => normalizeAddress(r.ip, r.port) === normalizeAddress(node.host, node.port));
    if (line !== undefined && replication.linkUp) facts.lagSeconds = line.lagSeconds;
  }
  // A broken link or a full sync means the offset is not advancing: report how long it has been down.
  if (!replication.linkUp && replication.linkDownSinceSeconds !== undefined) facts.lagSeconds = replication.linkDownSinceSeconds;
  return facts;
}

/** `localhost:6379` and `127.0.0.1:6379` are the same node; replicas report IPs. */
export function normalizeAddress(host: string, port: number): string {
  const h = host.toLowerCase() === 'localhost' || host === '::1' ? '127.0.0.1' : host.toLowerCase();
  return `${h}:${port}`;
}
