import type { Observation, Role } from '../../model/types';
import { chooseRoundLeader, splitBrainReason } from '../shared/leader-choice';
import { memberAt } from '../shared/node-address';
import type { ProbeOutcome } from '../shared/probe-loop';
import { lagBytesFromBinaryLogs } from './binlog';
import type { MysqlNodeConfig } from './config';
import { errantMariadbGtids, errantMysqlGtids, formatMariadbGtid, mariadbPosition, mysqlPosition, parseMariadbGtids, parseMysqlGtidSet } from './gtid';
import type { MysqlNodeAnswer } from './queries';
import { stoppedReasonOf, type ReplicationChannel } from './replica-status';

/** How one node's probe ended this round (`backing-off`: not probed, nothing new to say). */
export type MysqlOutcome = ProbeOutcome<MysqlNodeAnswer>;

export interface MysqlRound {
  group: string;
  source: string;
  nodes: readonly MysqlNodeConfig[];
  /** Outcome per member. */
  outcomes: ReadonlyMap<string, MysqlOutcome>;
  previousLeader: string | undefined;
  /** The role each member had when last answered, so a refusing node keeps showing as the primary or replica it was. */
  lastRoles?: ReadonlyMap<string, Role>;
  /** `Questions` per second since the member's previous answer, where known. */
  loadPerSecond?: ReadonlyMap<string, number>;
  /** The leader's positions in earlier rounds, oldest first (see LeaderHistory). */
  leaderHistory?: LeaderHistory;
}

/**
 * Where the leader was in earlier rounds: `{ leader: 'db-1', entries: [{ atMillis, position }, …] }`.
 * A replica that has not applied what the leader held at time t is at least now − t
 * behind, whatever its threads say: the lag keeps growing while the link is
 * down or silent, instead of reading NULL or restarting at 0.
 */
export interface LeaderHistory {
  leader: string;
  entries: readonly { atMillis: number; position: number }[];
}

/** Seconds since the leader first held a position beyond `applied`, by the history; 0 when it never did. */
export function secondsBehindHistory(history: LeaderHistory | undefined, leader: string | undefined, applied: number, nowMillis: number): number | undefined {
  if (history === undefined || history.leader !== leader || history.entries.length === 0) return undefined;
  const first = history.entries.find((e) => e.position > applied);
  return first === undefined ? 0 : Math.max(0, (nowMillis - first.atMillis) / 1000);
}

type Answered = { answer: MysqlNodeAnswer; atMillis: number };

/**
 * One probe round's observations (the receiver README's table says which field
 * comes from what). A node without replication channels is a primary; the
 * writable one is the leader; two writable primaries are split brain, resolved
 * by the shared leader choice. A node whose replication status could not be
 * read is `unknown` with the reason, never a leader.
 */
export function observationsOfRound(round: MysqlRound): { observations: Observation[]; leader: string | undefined } {
  const answered = new Map<string, Answered>();
  for (const [member, outcome] of round.outcomes) if (outcome.kind === 'answered') answered.set(member, outcome);
  const readable = [...answered].filter(([, a]) => a.answer.replicationStatusDenied === undefined);
  const serverIds = new Map(readable.map(([member, a]) => [a.answer.serverId, member]));
  const channels = new Map<string, ReplicationChannel>();
  const follows = new Map<string, string>();
  for (const [member, { answer }] of readable) {
    const [channel, followed] = mainChannelOf(answer.channels, round.nodes, serverIds);
    if (channel !== undefined) channels.set(member, channel);
    if (followed !== undefined) follows.set(member, followed);
  }
  const primaries = readable.filter(([, a]) => a.answer.channels.length === 0);
  const anyWritable = primaries.some(([, a]) => writable(a.answer));
  // A read-only primary is the leader only when no writable one exists: a promoted replica left read_only.
  const claims = (answer: MysqlNodeAnswer): boolean => answer.channels.length === 0 && (writable(answer) || !anyWritable);
  const { leader, rivals } = chooseRoundLeader(
    round.nodes
      .filter((n) => answered.has(n.member) && answered.get(n.member)!.answer.replicationStatusDenied === undefined)
      .map((n) => {
        const answer = answered.get(n.member)!.answer;
        return {
          member: n.member,
          claimsLeader: claims(answer),
          ...(follows.has(n.member) ? { follows: follows.get(n.member)! } : {}),
          hintedLeader: n.role === 'leader',
        };
      }),
    round.previousLeader,
  );
  const leaderAnswer = leader !== undefined ? answered.get(leader)?.answer : undefined;
  const followersOfLeader = [...follows].filter(([, f]) => f === leader).map(([m]) => m);
  const positionOf = positionMapping(leaderAnswer);

  const observations: Observation[] = [];
  for (const node of round.nodes) {
    const outcome = round.outcomes.get(node.member);
    const { group, source } = round;
    const { member } = node;
    const lastRole = round.lastRoles?.get(node.member) ?? node.role;
    if (outcome?.kind === 'refused') {
      observations.push({
        group,
        member,
        source,
        dependencies: node.dependencies,
        observedAtMillis: outcome.atMillis,
        reachable: false,
        ...(lastRole ? { role: lastRole } : {}),
      });
      continue;
    }
    if (outcome?.kind !== 'answered') continue;
    const { answer, atMillis } = outcome;
    // One literal, the facts then set in place: a spread of a base object costs more per round than the rest of it.
    const observation: Observation = {
      group,
      member,
      source,
      observedAtMillis: atMillis,
      reachable: true,
      // A fleet on one version is one failure domain; a configured service.version wins.
      dependencies: { 'service.version': answer.version, ...node.dependencies },
    };
    if (answer.permissionFingerprint !== undefined) observation.permissionFingerprint = answer.permissionFingerprint;
    if (answer.permissionEntries !== undefined) observation.permissionEntries = answer.permissionEntries;
    if (answer.permissionReadAtMillis !== undefined && answer.permissionReadAtMillis < atMillis)
      observation.permissionObservedAtMillis = answer.permissionReadAtMillis;
    const load = round.loadPerSecond?.get(node.member);
    if (load !== undefined) observation.load = load;
    if (answer.replicationStatusDenied !== undefined) {
      if (lastRole !== undefined && lastRole !== 'leader') observation.role = lastRole;
      observation.unknownReason = `cannot tell its role: the monitoring account may not read the replication status (${answer.replicationStatusDenied}); grant it SLAVE MONITOR (MariaDB ≥ 10.5) or REPLICATION CLIENT (MySQL)`;
      observations.push(observation);
      continue;
    }
    const position = positionOf(answer, channels.get(node.member));
    if (answer.channels.length === 0 && node.member === leader) {
      observation.role = 'leader';
      observation.serving = writable(answer);
      if (position !== undefined) observation.position = position;
      observation.lagBytes = 0;
      observation.lagSeconds = 0;
    } else if (answer.channels.length === 0 && rivals.includes(node.member) && leader !== undefined) {
      // A second writable primary: split brain.
      observation.role = 'leader';
      observation.serving = writable(answer);
      observation.divergedReason = splitBrainReason(node.member, leader, followersOfLeader);
    } else if (answer.channels.length === 0) {
      // Read-only without a channel beside a writable primary: detached, applying nothing.
      observation.role = replicaRole(node.role);
      observation.replicationStoppedReason = `replicates from no one (no replication channel) and is read-only beside the writable ${leader ?? 'primary'}`;
    } else {
      observeReplica(observation, {
        node,
        answer,
        channel: channels.get(node.member),
        followed: follows.get(node.member),
        leader,
        leaderAnswer,
        position,
        history: round.leaderHistory,
      });
    }
    observations.push(observation);
  }
  return { observations, leader };
}

interface ReplicaContext {
  node: MysqlNodeConfig;
  answer: MysqlNodeAnswer;
  channel: ReplicationChannel | undefined;
  followed: string | undefined;
  leader: string | undefined;
  leaderAnswer: MysqlNodeAnswer | undefined;
  /** Applied position, in the round's kind (GTID or binlog coordinates). */
  position: number | undefined;
  history: LeaderHistory | undefined;
}

function observeReplica(observation: Observation, r: ReplicaContext): void {
  const { node, answer, channel, followed, leader, leaderAnswer, position } = r;
  observation.role = replicaRole(node.role);
  if (followed !== undefined) observation.followsLeader = followed;
  // Every channel counts: one stopped source of a multi-source replica is data not arriving.
  const stopped = answer.channels
    .map(stoppedReasonOf)
    .filter((reason) => reason !== undefined)
    .join('; ');
  if (stopped !== '') observation.replicationStoppedReason = stopped;
  // The link is the IO thread (issue 17): not running — `No`, or `Connecting` to a source it cannot
  // reach — is a link down on any channel; the reason above names the thread and its error.
  if (answer.channels.length > 0) observation.replicationLink = { up: answer.channels.every((c) => c.ioRunning === 'Yes') };
  if (leaderAnswer !== undefined && leader !== undefined) {
    const errant = errantTransactionsOf(answer, leaderAnswer);
    if (errant !== '') observation.divergedReason = `errant transactions on ${node.member} that the leader ${leader} does not have: ${errant}`;
    else if (channel !== undefined && followed === undefined) {
      const serverId = channel.sourceServerId !== 0 ? ` (server id ${channel.sourceServerId})` : '';
      observation.divergedReason = `replicates from ${channel.sourceHost}:${channel.sourcePort}${serverId}, no member of this group; the leader is ${leader}`;
    }
  }
  if (channel === undefined || leader === undefined || followed !== leader) return;
  // Exact bytes from the leader's own binary logs; without them nothing is guessed (and no position: see the README).
  const lagBytes =
    leaderAnswer?.binaryLogs !== undefined ? lagBytesFromBinaryLogs(leaderAnswer.binaryLogs, channel.execSourceLogFile, channel.execSourceLogPos) : undefined;
  if (lagBytes !== undefined) {
    observation.lagBytes = lagBytes;
    if (position !== undefined) observation.position = position;
  }
  if (lagBytes === 0) {
    observation.lagSeconds = 0;
    return;
  }
  // Seconds_Behind_Master only while both threads run (NULL, a stopped thread, is never 0); the
  // leader's history gives a lower bound that keeps growing while the link is down or silent.
  const sinceHistory = position !== undefined ? secondsBehindHistory(r.history, leader, position, observation.observedAtMillis) : undefined;
  const running = stopped === '' ? channel.secondsBehindSource : null;
  const seconds = Math.max(running ?? 0, sinceHistory ?? 0);
  if (running !== null || seconds > 0) observation.lagSeconds = seconds;
}

function errantTransactionsOf(replica: MysqlNodeAnswer, leader: MysqlNodeAnswer): string {
  if (replica.flavor === 'mariadb' && leader.flavor === 'mariadb') {
    const errant = errantMariadbGtids(parseMariadbGtids(replica.gtidBinlogState), {
      binlogState: parseMariadbGtids(leader.gtidBinlogState),
      slavePos: parseMariadbGtids(leader.gtidSlavePos),
      serverId: leader.serverId,
    });
    return errant.map(formatMariadbGtid).join(',');
  }
  if (replica.flavor === 'mysql' && leader.flavor === 'mysql') {
    return errantMysqlGtids(parseMysqlGtidSet(replica.gtidExecuted), parseMysqlGtidSet(leader.gtidExecuted), leader.serverUuid);
  }
  return '';
}

/**
 * Positions of one round: GTID-based when the leader has GTIDs (MariaDB: sum of
 * per-domain sequence numbers; MySQL: transaction count), else binlog
 * coordinates (file number × 2³² + offset). One kind per round, so leader and
 * replicas compare.
 */
function positionMapping(leader: MysqlNodeAnswer | undefined): (answer: MysqlNodeAnswer, channel: ReplicationChannel | undefined) => number | undefined {
  const gtid = leader !== undefined && leader.gtidExecuted.trim() !== '';
  return (answer, channel) => {
    if (gtid) {
      const text = channel !== undefined ? channel.appliedGtid : answer.gtidExecuted;
      if (text.trim() === '') return undefined;
      return answer.flavor === 'mariadb' ? mariadbPosition(parseMariadbGtids(text)) : mysqlPosition(parseMysqlGtidSet(text));
    }
    if (channel !== undefined) return binlogCoordinate(channel.execSourceLogFile, channel.execSourceLogPos);
    const newest = answer.binaryLogs?.at(-1);
    return newest !== undefined ? binlogCoordinate(newest.name, newest.sizeBytes) : undefined;
  };
}

function binlogCoordinate(file: string, offset: number): number | undefined {
  const number = /\.(\d+)$/.exec(file)?.[1];
  return number !== undefined ? Number(number) * 2 ** 32 + offset : undefined;
}

/** The channel that replicates from a configured member (else the first) and that member. */
function mainChannelOf(
  channels: readonly ReplicationChannel[],
  nodes: readonly MysqlNodeConfig[],
  serverIds: ReadonlyMap<number, string>,
): [ReplicationChannel | undefined, string | undefined] {
  for (const channel of channels) {
    const byAddress = memberAt(nodes, channel.sourceHost, channel.sourcePort);
    const byServerId = channel.sourceServerId !== 0 ? serverIds.get(channel.sourceServerId) : undefined;
    if (byAddress !== undefined || byServerId !== undefined) return [channel, byAddress ?? byServerId];
  }
  return [channels[0], undefined];
}

function writable(answer: MysqlNodeAnswer): boolean {
  return !answer.readOnly && answer.superReadOnly !== true;
}

function replicaRole(hint: Role | undefined): Role {
  return hint === 'replica' || hint === 'standby' ? hint : 'replica';
}
