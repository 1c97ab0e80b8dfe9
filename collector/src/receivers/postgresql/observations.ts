import { isIP } from 'node:net';
import type { Observation, ReplicationLink, Role } from '../../model/types';
import { chooseRoundLeader, splitBrainReason } from '../shared/leader-choice';
import { memberAt, normalizeHostPort } from '../shared/node-address';
import type { ProbeOutcome } from '../shared/probe-loop';
import type { PostgresqlNodeConfig } from './config';
import type { PostgresqlNodeAnswer, ReplicationRow } from './queries';
import { baseBackupOf, type RestoreMemory } from './restore-progress';

/** How one node's probe ended this round (`backing-off`: not probed, nothing new to say). */
export type PostgresqlOutcome = ProbeOutcome<PostgresqlNodeAnswer>;

export interface PostgresqlRound {
  group: string;
  source: string;
  nodes: readonly PostgresqlNodeConfig[];
  /** Outcome per member. */
  outcomes: ReadonlyMap<string, PostgresqlOutcome>;
  previousLeader: string | undefined;
  /** The role each member had when last answered, so a refusing node keeps showing as the primary or standby it was. */
  lastRoles?: ReadonlyMap<string, Role>;
  /** Standbys restoring without streaming, across rounds (restore-progress.ts); absent: no such memory. */
  restores?: RestoreMemory;
}

/**
 * One probe round's observations: the primary (not in recovery) is the leader at
 * pg_current_wal_lsn(); each standby is at its replay LSN, lagBytes behind the
 * leader's current LSN. Two nodes out of recovery is split brain: the one the
 * standbys stream from stays leader, the other is diverged. Nodes that timed out
 * or failed otherwise get no observation (they go `unknown` after freshness).
 */
export function observationsOfRound(round: PostgresqlRound): { observations: Observation[]; leader: string | undefined } {
  const answered = new Map<string, { answer: PostgresqlNodeAnswer; atMillis: number }>();
  for (const [member, outcome] of round.outcomes) if (outcome.kind === 'answered') answered.set(member, outcome);
  const follows = new Map<string, string>();
  for (const node of round.nodes) {
    const receiver = answered.get(node.member)?.answer.walReceiver;
    const followed = receiver?.senderHost && receiver.senderPort ? memberAt(round.nodes, receiver.senderHost, receiver.senderPort) : undefined;
    if (followed !== undefined) follows.set(node.member, followed);
  }
  const { leader, rivals } = chooseRoundLeader(
    round.nodes
      .filter((n) => answered.has(n.member))
      .map((n) => {
        const answer = answered.get(n.member)!.answer;
        return {
          member: n.member,
          claimsLeader: !answer.inRecovery,
          ...(follows.has(n.member) ? { follows: follows.get(n.member)! } : {}),
          ...(answer.currentLsnBytes !== undefined ? { position: answer.currentLsnBytes } : {}),
          hintedLeader: n.role === 'leader',
        };
      }),
    round.previousLeader,
  );
  const leaderAnswer = leader !== undefined ? answered.get(leader)?.answer : undefined;
  const followersOfLeader = [...follows].filter(([, f]) => f === leader).map(([m]) => m);
  const baseBackups = [...answered.values()].flatMap(({ answer }) => answer.baseBackups ?? []);

  const observations: Observation[] = [];
  for (const node of round.nodes) {
    const outcome = round.outcomes.get(node.member);
    const { group, source } = round;
    const { member, dependencies } = node;
    if (outcome?.kind === 'refused') {
      const role = round.lastRoles?.get(node.member);
      round.restores?.forget(node.member);
      // Refused because its data directory is being written by pg_basebackup: a full resync under way.
      const clone = baseBackupOf(node, round.nodes, baseBackups);
      observations.push({
        group,
        member,
        source,
        dependencies,
        observedAtMillis: outcome.atMillis,
        reachable: false,
        ...(role ? { role } : {}),
        ...(clone ? { fullResync: clone } : {}),
      });
      continue;
    }
    if (outcome?.kind !== 'answered') continue;
    const { answer, atMillis } = outcome;
    // One literal, the facts then set in place: a spread of a base object costs more per round than the rest of it.
    const observation: Observation = { group, member, source, dependencies, observedAtMillis: atMillis, reachable: true };
    if (answer.permissionFingerprint !== undefined) observation.permissionFingerprint = answer.permissionFingerprint;
    if (answer.permissionEntries !== undefined) observation.permissionEntries = answer.permissionEntries;
    if (answer.permissionReadAtMillis !== undefined && answer.permissionReadAtMillis < atMillis)
      observation.permissionObservedAtMillis = answer.permissionReadAtMillis;
    if (!answer.inRecovery) {
      round.restores?.forget(node.member);
      observation.role = 'leader';
      observation.serving = true;
      if (answer.currentLsnBytes !== undefined) observation.position = answer.currentLsnBytes;
      if (node.member === leader) {
        observation.lagBytes = 0;
        observation.lagSeconds = 0;
      } else if (rivals.includes(node.member) && leader !== undefined) {
        observation.divergedReason = splitBrainReason(node.member, leader, followersOfLeader);
      }
    } else {
      observation.role = standbyRole(node.role);
      if (answer.replayLsnBytes !== undefined) observation.position = answer.replayLsnBytes;
      const followed = follows.get(node.member);
      if (followed !== undefined) observation.followsLeader = followed;
      const fromLeader = followed === undefined || followed === leader;
      const row = leaderAnswer !== undefined && fromLeader ? replicationRowOf(node, leaderAnswer.replication, round.nodes) : undefined;
      const comparable = leaderAnswer?.currentLsnBytes !== undefined && answer.replayLsnBytes !== undefined && fromLeader;
      if (comparable) {
        // pg_wal_lsn_diff(primary's current, standby's replay), across the two servers.
        observation.lagBytes = Math.max(0, leaderAnswer!.currentLsnBytes! - answer.replayLsnBytes!);
        const seconds = lagSecondsOf(observation.lagBytes, row);
        if (seconds !== undefined) observation.lagSeconds = seconds;
      }
      observation.replicationLink = standbyLink(node, answer, fromLeader ? leaderAnswer : undefined, row, round.nodes);
      // Catching up without a WAL receiver (restore_command, a pg_wal backlog): replayed bytes, not "link down, behind by".
      const restore = round.restores?.progressOf(
        node.member,
        {
          ...(answer.replayLsnBytes !== undefined ? { replayLsnBytes: answer.replayLsnBytes } : {}),
          walReceiverRuns: answer.walReceiver !== undefined,
          ...(answer.recovery ? { recovery: answer.recovery } : {}),
        },
        fromLeader ? leaderAnswer?.currentLsnBytes : undefined,
      );
      if (restore !== undefined) observation.fullResync = restore;
    }
    observations.push(observation);
  }
  return { observations, leader };
}

/**
 * The standby's link to the primary, from both ends. Down: it runs no WAL receiver, or one that is
 * not `streaming`, or the primary answered and lists no walsender that can be this standby. Up but
 * silent: the primary has WAL the standby has not confirmed and no reply for that long (`reply_time`).
 * Not the standby's `last_msg_receipt_time`: an idle primary sends nothing for minutes on a healthy link.
 * Details hidden (no pg_read_all_stats: NULL status) say nothing either way.
 */
function standbyLink(
  node: PostgresqlNodeConfig,
  answer: PostgresqlNodeAnswer,
  primary: PostgresqlNodeAnswer | undefined,
  row: ReplicationRow | undefined,
  nodes: readonly PostgresqlNodeConfig[],
): ReplicationLink {
  const receiver = answer.walReceiver;
  if (receiver === undefined || (receiver.status !== null && receiver.status !== 'streaming')) return { up: false };
  if (primary !== undefined && missingFromPrimary(node, primary.replication, nodes)) return { up: false };
  const link: ReplicationLink = { up: true };
  if (row !== undefined && typeof row.reply_age_seconds === 'number' && (row.unflushed_bytes ?? 0) > 0) {
    link.silentForSeconds = Math.max(0, row.reply_age_seconds);
  }
  return link;
}

/**
 * True when none of the primary's pg_stat_replication rows can be this standby: none named for it
 * (application_name), and none that could be it by address (same host, a socket, or a standby
 * configured by host name, which an address cannot rule out) unless named for another member.
 */
function missingFromPrimary(node: PostgresqlNodeConfig, rows: readonly ReplicationRow[], nodes: readonly PostgresqlNodeConfig[]): boolean {
  if (rows.some((r) => r.state === null)) return false;
  const others = new Set(nodes.filter((n) => n.member !== node.member).map((n) => n.member));
  const addressCannotTell = isIP(node.host) === 0 && node.host.toLowerCase() !== 'localhost';
  const host = normalizeHostPort(node.host, 0);
  return !rows.some(
    (r) =>
      r.application_name === node.member ||
      (!others.has(r.application_name ?? '') && (addressCannotTell || r.client_addr === null || normalizeHostPort(r.client_addr, 0) === host)),
  );
}

function standbyRole(hint: Role | undefined): Role {
  return hint === 'replica' || hint === 'standby' ? hint : 'standby';
}

/**
 * Seconds behind: 0 when no bytes are missing; else the primary's replay_lag
 * for this standby. A NULL replay_lag while streaming means the primary has
 * been idle and the standby caught up, not "unknown"; with bytes missing the
 * standby is not caught up, so NULL then says nothing.
 */
function lagSecondsOf(lagBytes: number, row: ReplicationRow | undefined): number | undefined {
  if (lagBytes === 0) return 0;
  if (row === undefined || row.replay_lag_seconds === null) return undefined;
  return row.replay_lag_seconds;
}

/**
 * The primary's pg_stat_replication row for a standby: by application_name
 * equal to the member name (set `application_name` in primary_conninfo), else
 * the only row from the standby's host.
 */
function replicationRowOf(node: PostgresqlNodeConfig, rows: readonly ReplicationRow[], nodes: readonly PostgresqlNodeConfig[]): ReplicationRow | undefined {
  const byName = rows.find((r) => r.application_name === node.member);
  if (byName !== undefined) return byName;
  const host = normalizeHostPort(node.host, 0);
  const sameHostNodes = nodes.filter((n) => normalizeHostPort(n.host, 0) === host);
  const fromHost = rows.filter((r) => r.client_addr !== null && normalizeHostPort(r.client_addr, 0) === host);
  // Several standbys on one host (or the primary's host) cannot be told apart by address.
  return fromHost.length === 1 && sameHostNodes.length <= 2 ? fromHost[0] : undefined;
}
