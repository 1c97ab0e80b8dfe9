import type { Observation, PermissionEntry, ReplicationLink, Role } from '../../model/types';
import type { ProbeOutcome } from '../shared/probe-loop';
import { aclPermissionEntries, aclPermissionFingerprint } from './acl-fingerprint';
import type { RedisNodeConfig } from './config';
import type { ConnectedReplica, ReplicationInfo } from './replication-info';
import { chooseRoundLeader, splitBrainReason } from '../shared/leader-choice';
import { memberAt, normalizeHostPort } from '../shared/node-address';

/** Redis' default `repl-ping-replica-period`: a healthy idle master sends its replicas nothing for up to this long. */
const REPL_PING_REPLICA_PERIOD_SECONDS = 10;

/** What one node answered in a round. */
export interface RedisNodeAnswer {
  replication: ReplicationInfo;
  /** `ACL LIST` lines; undefined when the monitoring user may not run it (no fingerprint then). */
  aclLines?: string[];
  /** When `aclLines` were read, if in an earlier round (carried between `permissions_interval` reads: shared/permission-cadence.ts). */
  aclReadAtMillis?: number;
  /** The IP the probe connected to: a master lists its replicas by IP, the config may name them by host name. */
  remoteAddress?: string;
}

export interface RedisRoundInput {
  group: string;
  source: string;
  nodes: readonly RedisNodeConfig[];
  outcomes: readonly ProbeOutcome<RedisNodeAnswer>[];
  /** The role each node had when last seen, for a node that now refuses connections. */
  lastRoles: ReadonlyMap<string, Role>;
  /** The reference leader of the previous round, so a split brain does not flap between claimants. */
  previousLeader: string | undefined;
  tls: boolean;
  /**
   * Replicas whose `slaveN:` line a master has shown before (so matching works for them). Once its
   * line is gone from the answering master while the replica still says `up`, the master dropped it.
   * Updated in place; absent: no such memory (each round on its own).
   */
  listedByMaster?: Set<string>;
  /**
   * Replicas in a full resync and the size of their transfer (0: not announced), kept after the
   * transfer until the link is up: while the replica loads the copy its offset still says nothing.
   * Updated in place; absent: no such memory.
   */
  fullResyncs?: Map<string, number>;
}

export interface RedisRound {
  observations: Observation[];
  /** The master this round's replicas are compared to; undefined when no node answered as master. */
  leader: string | undefined;
}

/**
 * Turn one probe round into observations. Lag is computed after the round, from
 * the answer of the master each replica follows in the same round, so both ends
 * of the subtraction were read within one timeout of each other.
 * Timeouts and failures give no observation: the engine turns the member
 * `unknown` after the freshness window instead of us guessing. Two masters in
 * one group is split brain: the one the replicas follow stays the reference and
 * the other gets a `divergedReason` naming both.
 */
export function observationsOfRound(input: RedisRoundInput): RedisRound {
  const { nodes, outcomes } = input;
  const answers = new Map<string, RedisNodeAnswer>();
  nodes.forEach((node, i) => {
    const outcome = outcomes[i];
    if (outcome?.kind === 'answered') answers.set(node.member, outcome.answer);
  });
  const followed = new Map<string, string>();
  for (const node of nodes) {
    const replication = answers.get(node.member)?.replication;
    if (replication?.role === 'slave') {
      const master = followedMaster(replication, nodes, answers);
      if (master !== undefined) followed.set(node.member, master);
    }
  }
  const { leader, rivals } = chooseRoundLeader(
    nodes
      .filter((n) => answers.has(n.member))
      .map((n) => ({
        member: n.member,
        claimsLeader: answers.get(n.member)!.replication.role === 'master',
        ...(followed.has(n.member) ? { follows: followed.get(n.member)! } : {}),
        position: answers.get(n.member)!.replication.offset,
        hintedLeader: n.role === 'leader',
      })),
    input.previousLeader,
  );
  const followersOfLeader = nodes.filter((n) => leader !== undefined && followed.get(n.member) === leader).map((n) => n.member);

  const observations: Observation[] = [];
  nodes.forEach((node, i) => {
    const outcome = outcomes[i]!;
    const { group, source } = input;
    const { member, dependencies } = node;
    if (outcome.kind === 'refused') {
      const role = input.lastRoles.get(member);
      observations.push({ group, member, source, dependencies, observedAtMillis: outcome.atMillis, reachable: false, ...(role ? { role } : {}) });
      return;
    }
    if (outcome.kind !== 'answered') return;
    const { replication, aclLines, aclReadAtMillis } = outcome.answer;
    // One literal, then the facts set in place: every round builds these, a spread and Object.assign cost more than the rest of it.
    const observation: Observation = { group, member, source, dependencies, observedAtMillis: outcome.atMillis, reachable: true, position: replication.offset };
    if (aclLines !== undefined) {
      const { fingerprint, entries } = aclFactsOf(aclLines, input.tls);
      observation.permissionFingerprint = fingerprint;
      observation.permissionEntries = entries;
      if (aclReadAtMillis !== undefined && aclReadAtMillis < outcome.atMillis) observation.permissionObservedAtMillis = aclReadAtMillis;
    }
    if (replication.role === 'master') {
      observation.role = 'leader';
      observation.serving = true;
      if (leader !== undefined && rivals.includes(node.member)) observation.divergedReason = splitBrainReason(node.member, leader, followersOfLeader);
    } else {
      setReplicaFacts(observation, node, replication, {
        followed: followed.get(node.member),
        answers,
        listedByMaster: input.listedByMaster,
        fullResyncs: input.fullResyncs,
      });
    }
    observations.push(observation);
  });
  return { observations, leader };
}

/**
 * The configured member a replica follows: the node at its `master_host:master_port`,
 * else the master whose replication ID it carries (a replica may know its master by
 * another name or IP than the config does). Undefined when neither matches: then the
 * address itself is reported, so following an unknown master shows as divergence.
 */
function followedMaster(replication: ReplicationInfo, nodes: readonly RedisNodeConfig[], answers: ReadonlyMap<string, RedisNodeAnswer>): string | undefined {
  if (replication.masterHost === undefined || replication.masterPort === undefined) return undefined;
  const byAddress = memberAt(nodes, replication.masterHost, replication.masterPort);
  if (byAddress !== undefined) return byAddress;
  const byReplicationId = nodes.find((n) => {
    const other = answers.get(n.member)?.replication;
    return other?.role === 'master' && other.replicationId !== undefined && other.replicationId === replication.replicationId;
  });
  return byReplicationId?.member ?? `${replication.masterHost}:${replication.masterPort}`;
}

/** A replica's role, link, lag and resync, set on its observation. */
function setReplicaFacts(
  facts: Observation,
  node: RedisNodeConfig,
  replication: ReplicationInfo,
  round: {
    /** The configured member it follows, if one matches. */
    followed: string | undefined;
    answers: ReadonlyMap<string, RedisNodeAnswer>;
    listedByMaster: Set<string> | undefined;
    fullResyncs: Map<string, number> | undefined;
  },
): void {
  const { followed, answers, listedByMaster, fullResyncs } = round;
  facts.role = 'replica';
  const link: ReplicationLink = { up: replication.linkUp === true };
  facts.replicationLink = link;
  // A broken link means the offset is not advancing: at least this long behind (the round memory adds the lag it had).
  if (!link.up && replication.linkDownSinceSeconds !== undefined) {
    link.downForSeconds = facts.lagSeconds = replication.linkDownSinceSeconds;
  }
  const resync = fullResyncOf(node.member, replication, link.up, fullResyncs);
  if (resync !== undefined) facts.fullResync = resync;
  if (followed === undefined) return;
  facts.followsLeader = followed;
  const master = answers.get(followed)?.replication;
  let ackLine: ConnectedReplica | undefined;
  if (master?.role === 'master') {
    // Both offsets come from this round, read within one probe timeout of each other.
    facts.lagBytes = Math.max(0, master.offset - replication.offset);
    ackLine = master.replicas.find((r) => isReplicaLineOf(r, node, answers.get(node.member)?.remoteAddress));
    if (ackLine !== undefined) listedByMaster?.add(node.member);
    // The master timed the replica out (its repl-timeout) before the replica noticed: down from the master's side.
    else if (link.up && listedByMaster?.has(node.member)) link.up = false;
    if (ackLine !== undefined && link.up) facts.lagSeconds = ackLine.lagSeconds;
  }
  if (link.up) {
    // The master's `lag=` (seconds since the last ACK, sent every second) is the earliest sign of a cut link.
    // Without it, what the replica last heard, only beyond the master's ping period: an idle master is silent that long.
    const lastIo = replication.lastIoSecondsAgo;
    const silentFor = ackLine?.lagSeconds ?? (lastIo !== undefined && lastIo > REPL_PING_REPLICA_PERIOD_SECONDS ? lastIo : undefined);
    if (silentFor !== undefined) link.silentForSeconds = silentFor;
  }
}

/**
 * A full resync: the bytes of the copy received so far (`master_sync_read_bytes` of
 * `master_sync_total_bytes`); after the transfer, until the link is up, the replica
 * loads the copy (`loading`): still a full resync, not "behind by" its stale offset.
 */
function fullResyncOf(member: string, replication: ReplicationInfo, linkUp: boolean, memory: Map<string, number> | undefined): Observation['fullResync'] {
  if (replication.syncInProgress) {
    memory?.set(member, replication.syncTotalBytes ?? 0);
    const transferredBytes = replication.syncReadBytes ?? 0;
    return replication.syncTotalBytes === undefined ? { transferredBytes } : { transferredBytes, totalBytes: replication.syncTotalBytes };
  }
  const total = memory?.get(member);
  if (total === undefined) return undefined;
  if (linkUp) {
    memory!.delete(member);
    return undefined;
  }
  return total > 0 ? { transferredBytes: total, totalBytes: total, loading: true } : { transferredBytes: 0, loading: true };
}

/** The master's `slaveN:ip=…,port=…` line of this node: by configured address, else by the IP the probe reached. */
function isReplicaLineOf(line: ConnectedReplica, node: RedisNodeConfig, remoteAddress: string | undefined): boolean {
  if (normalizeHostPort(line.ip, line.port) === normalizeHostPort(node.host, node.port)) return true;
  return remoteAddress !== undefined && line.port === node.port && normalizeHostPort(line.ip, 0) === normalizeHostPort(remoteAddress, 0);
}

/** Fingerprint and entries per ACL LIST answer: carried lines (the same array each round) are hashed once. */
const aclFacts = new WeakMap<readonly string[], { tls: boolean; fingerprint: string; entries: PermissionEntry[] }>();

function aclFactsOf(aclLines: readonly string[], tls: boolean): { fingerprint: string; entries: PermissionEntry[] } {
  const known = aclFacts.get(aclLines);
  if (known !== undefined && known.tls === tls) return known;
  const facts = { tls, fingerprint: aclPermissionFingerprint(aclLines, tls), entries: aclPermissionEntries(aclLines) };
  aclFacts.set(aclLines, facts);
  return facts;
}
