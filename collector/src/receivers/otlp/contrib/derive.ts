import type { Observation, Role } from '../../../model/types';
import type { ContribGroupOptions } from './contrib-config';
import { SAME_SCRAPE_MILLIS, type MemberFacts } from './member-facts';

/**
 * One group's contrib facts in, one observation per member out. Each system has its own rules
 * for what its receiver's metrics can and cannot say (README, "Collector contrib receivers");
 * what cannot be known is an `unknownReason`, never a healthy default. None of these receivers
 * exports anything when it cannot reach its database, so a dead node goes `unknown` after the
 * freshness window (its leader may still report its link down first).
 */
export function deriveGroup(members: ReadonlyMap<string, MemberFacts>, options: ContribGroupOptions, source: string): Observation[] {
  const bySystem = new Map<MemberFacts['system'], MemberFacts[]>();
  for (const facts of members.values()) {
    const peers = bySystem.get(facts.system);
    if (peers === undefined) bySystem.set(facts.system, [facts]);
    else peers.push(facts);
  }
  const observations: Observation[] = [];
  for (const facts of members.values()) {
    const observation = deriveMember(facts, bySystem.get(facts.system)!, options);
    if (observation !== undefined) observation.source = source;
    if (observation !== undefined) observations.push(observation);
  }
  return observations;
}

function deriveMember(facts: MemberFacts, peers: readonly MemberFacts[], options: ContribGroupOptions): Observation | undefined {
  switch (facts.system) {
    case 'redis':
      return redisMember(facts, peers, options);
    case 'postgresql':
      return postgresqlMember(facts, peers, options);
    case 'mysql':
      return mysqlMember(facts, options);
    case 'mongodb':
      return mongodbMember(facts, peers, options);
  }
}

function base(facts: MemberFacts, observedAtMillis = facts.lastAtMillis): Observation {
  // source: set by deriveGroup.
  const observation: Observation = { group: facts.group, member: facts.member, source: '', observedAtMillis, reachable: true };
  if (facts.dependencies !== undefined) observation.dependencies = facts.dependencies;
  return observation;
}

function claimedRole(facts: MemberFacts, options: ContribGroupOptions): Role | undefined {
  return facts.roleClaim ?? options.declaredRoles.get(facts.member);
}

// ---------------------------------------------------------------- redisreceiver

function redisMember(facts: MemberFacts, peers: readonly MemberFacts[], options: ContribGroupOptions): Observation {
  const observation = base(facts);
  const role = facts.redisRole?.value;
  if (role === undefined) {
    observation.unknownReason = 'no redis.role point: enable metrics.redis.role in the Collector redis receiver (disabled by default)';
    return observation;
  }
  if (role === 'primary') {
    observation.role = 'leader';
    observation.serving = true;
    if (facts.redisOffset !== undefined) observation.position = facts.redisOffset.value;
    return observation;
  }
  observation.role = 'replica';
  const offset = facts.redisReplicaOffset;
  if (offset === undefined) {
    // A replica's redis.replication.offset is its own copy of master_repl_offset, not the primary's progress seen from it.
    observation.unknownReason =
      'no redis.replication.replica_offset point: enable metrics.redis.replication.replica_offset in the Collector redis receiver (disabled by default)';
    return observation;
  }
  const primaryOffset = peers.find((p) => p.redisRole?.value === 'primary')?.redisOffset?.value;
  // Redis reports 0 or 1 before its first sync with the primary completes (a full resync, a fresh replica):
  // the primary's offset minus that would read as every byte ever written, not as how far behind it is.
  // (A primary with nothing written yet is at 0 or 1 too: then both are simply at the start.)
  const unsynced = offset.value <= 1 && primaryOffset !== undefined && primaryOffset > 1;
  if (!unsynced) {
    observation.position = offset.value;
    if (offset.atMillis < facts.lastAtMillis) observation.replicationObservedAtMillis = offset.atMillis;
  }
  const link = redisLinkVerdict(peers, options);
  if (link === 'down') observation.replicationLink = { up: false };
  else if (link !== undefined) observation.unknownReason = link;
  else if (unsynced)
    observation.replicationStoppedReason = `no sync with the primary completed yet (redis.replication.replica_offset ${offset.value}): full resync or first sync under way`;
  return observation;
}

/**
 * The redis receiver exports no per-replica link status, only the primary's count of connected
 * replicas. Fewer than the group's fresh replicas: every one is cut off (`down`) when none is
 * connected; otherwise which one cannot be told, and saying "converged" would be a guess.
 */
function redisLinkVerdict(peers: readonly MemberFacts[], options: ContribGroupOptions): 'down' | string | undefined {
  const primaries = peers.filter((p) => p.redisRole?.value === 'primary');
  if (primaries.length !== 1) return undefined;
  const connected = primaries[0]!.redisReplicasConnected;
  if (connected === undefined) return undefined;
  const replicas = peers.filter((p) => p.redisRole?.value === 'replica' && p.redisRole.atMillis >= connected.atMillis - options.freshnessMillis);
  const missing = replicas.length - connected.value;
  if (missing <= 0) return undefined;
  if (connected.value <= 0) return 'down';
  return `the primary ${primaries[0]!.member} reports ${connected.value} of the group's ${replicas.length} replicas connected (redis.slaves.connected); the redis receiver exports no per-replica link status, so which one is cut off cannot be told`;
}

// ---------------------------------------------------------------- postgresqlreceiver

/**
 * The postgresql receiver exports no role: the primary is the member whose pg_stat_replication
 * has rows (its `view`), or the one declared `role: leader`; standbys are the members its rows
 * name. The rows are the only replication facts: a standby missing from the primary's latest
 * scrape has lost its link, even while its own receiver still reaches it.
 */
function postgresqlMember(facts: MemberFacts, peers: readonly MemberFacts[], options: ContribGroupOptions): Observation {
  const leaders = pgLeaders(peers, options);
  if (leaders.includes(facts)) {
    const observation = base(facts);
    observation.role = 'leader';
    observation.serving = true;
    return observation;
  }
  const claimed = claimedRole(facts, options);
  const leader = newestView(leaders);
  const observedAtMillis = Math.max(facts.lastAtMillis, leader?.lastAtMillis ?? 0);
  const observation = base(facts, observedAtMillis);
  const knownStandby = facts.seenAsReplicaAtMillis !== undefined || claimed === 'standby' || claimed === 'replica';
  if (!knownStandby) {
    observation.unknownReason =
      leader === undefined
        ? 'the postgresql receiver exports no role and no member reports replication rows yet: declare the primary under otlp.members (role: leader)'
        : `not among the primary ${leader.member}'s replication rows (postgresql.replication.data_delay): its link is down, or its replication_client maps to no member (otlp.contrib.replication_clients)`;
    return observation;
  }
  observation.role = 'standby';
  return withLeaderRow(observation, facts, leader, options, 'no primary reports replication rows: its replication link is not observed');
}

/**
 * The primaries: members with replication rows not named in a newer leader's rows, whose rows are
 * within the freshness window of the newest rows (a demoted primary's old rows do not keep it
 * leader). With rows nowhere yet, the declared or resource-claimed leader.
 */
function pgLeaders(peers: readonly MemberFacts[], options: ContribGroupOptions): MemberFacts[] {
  const viewers = peers.filter((p) => p.view !== undefined && !(p.seenAsReplicaAtMillis !== undefined && p.seenAsReplicaAtMillis >= p.view.atMillis));
  if (viewers.length > 0) {
    const newest = Math.max(...viewers.map((v) => v.view!.atMillis));
    return viewers.filter((v) => v.view!.atMillis >= newest - options.freshnessMillis);
  }
  return peers.filter((p) => claimedRole(p, options) === 'leader' && p.seenAsReplicaAtMillis === undefined);
}

/** The leader whose view is the newest (several only in a split brain, which the model judges). */
function newestView(leaders: readonly MemberFacts[]): MemberFacts | undefined {
  let best: MemberFacts | undefined;
  for (const l of leaders) if (best === undefined || l.lastAtMillis > best.lastAtMillis) best = l;
  return best;
}

/** A replica's lag and link from its leader's latest scrape; no row in it → link down. */
function withLeaderRow(
  observation: Observation,
  facts: MemberFacts,
  leader: MemberFacts | undefined,
  options: ContribGroupOptions,
  noLeaderReason: string,
): Observation {
  if (leader === undefined) {
    observation.unknownReason = noLeaderReason;
    return observation;
  }
  const leaderSilentMillis = observation.observedAtMillis - leader.lastAtMillis;
  if (leaderSilentMillis > options.freshnessMillis) {
    // Its own receiver still reaches it, but nothing fresh says whether its link carries anything.
    observation.unknownReason = `the leader ${leader.member} last reported ${Math.round(leaderSilentMillis / 1000)}s ago: the replication link is not observed`;
    return observation;
  }
  observation.followsLeader = leader.member;
  const view = leader.view;
  const current = view !== undefined && view.atMillis >= leader.lastAtMillis - SAME_SCRAPE_MILLIS;
  const row = current ? view.rows.get(facts.member) : undefined;
  if (row === undefined) {
    observation.replicationLink = { up: false };
    return observation;
  }
  if (row.lagBytes !== undefined) observation.lagBytes = row.lagBytes;
  // PostgreSQL keeps showing the last measured replay_lag for a while after the standby caught up:
  // with nothing left to replay (0 bytes), that delay is about WAL already applied, not lag now.
  if (row.lagSeconds !== undefined && row.lagBytes !== 0) observation.lagSeconds = row.lagSeconds;
  if (row.lagBytes === undefined && row.lagSeconds === undefined) {
    // PostgreSQL: replay_lsn NULL (the standby has not reported yet); MongoDB: no optime.
    observation.unknownReason = `the leader ${leader.member}'s row for it (${row.key}) has no lag yet`;
    return observation;
  }
  observation.replicationLink = { up: true };
  if (view!.atMillis < observation.observedAtMillis) observation.replicationObservedAtMillis = view!.atMillis;
  return observation;
}

// ---------------------------------------------------------------- mysqlreceiver

/**
 * A replica is a member with a SHOW REPLICA STATUS row (`mysql.replica.sql_delay`, one per channel
 * and scrape). `mysql.replica.time_behind_source` is absent, not 0, when Seconds_Behind_Source is
 * NULL: a thread stopped or the IO thread connecting. A member without a row may be the source, or
 * a replica whose receiver has the replica metrics disabled or lacks REPLICATION CLIENT: only a
 * declared role makes it the leader.
 */
function mysqlMember(facts: MemberFacts, options: ContribGroupOptions): Observation {
  const observation = base(facts);
  const delay = facts.mysqlSqlDelay;
  if (delay !== undefined && delay.atMillis >= facts.lastAtMillis - SAME_SCRAPE_MILLIS) {
    observation.role = 'replica';
    const behind = facts.mysqlBehindSource;
    if (behind === undefined || Math.abs(behind.atMillis - delay.atMillis) > SAME_SCRAPE_MILLIS || behind.points < delay.points) {
      observation.replicationStoppedReason =
        'Seconds_Behind_Source is NULL (no mysql.replica.time_behind_source point in the latest scrape): the IO or SQL thread is stopped, or the IO thread is connecting; the mysql receiver does not say which';
      return observation;
    }
    // The configured SQL_Delay is lag by design: a delayed replica is caught up at its delay.
    observation.lagSeconds = Math.max(0, behind.max - delay.max);
    return observation;
  }
  if (claimedRole(facts, options) === 'leader') {
    observation.role = 'leader';
    observation.serving = true;
    return observation;
  }
  observation.unknownReason =
    delay !== undefined
      ? 'no replica status in the latest scrape, though it had one: replication was reset, or the receiver lost REPLICATION CLIENT; declare role: leader under otlp.members if it is the source now'
      : 'the mysql receiver sends no replica status for it: it is the source, or a replica whose mysql.replica.* metrics are disabled (the default) or whose user lacks REPLICATION CLIENT; declare the source under otlp.members (role: leader)';
  return observation;
}

// ---------------------------------------------------------------- mongodbreceiver

/** Role from the member's own `mongodb.replica_set.member.status`; lag only from the primary's `mongodb.replica_set.lag`. */
function mongodbMember(facts: MemberFacts, peers: readonly MemberFacts[], options: ContribGroupOptions): Observation | undefined {
  const state = facts.mongoState?.value;
  if (state === 'arbiter') return undefined; // holds no data: not a member whose recovery matters
  const primary = newestView(peers.filter((p) => p.mongoState?.value === 'primary'));
  if (state === 'primary') {
    const observation = base(facts);
    observation.role = 'leader';
    observation.serving = true;
    return observation;
  }
  const observation = base(facts, Math.max(facts.lastAtMillis, primary?.lastAtMillis ?? 0));
  if (state === undefined && facts.seenAsReplicaAtMillis === undefined) {
    observation.unknownReason = 'no mongodb.replica_set.member.status point: enable it in the Collector mongodb receiver';
    return observation;
  }
  observation.role = 'replica';
  if (state !== undefined && state !== 'secondary') {
    observation.replicationStoppedReason = `replica set member state ${state}`;
    return observation;
  }
  return withLeaderRow(observation, facts, primary, options, 'no primary reports replica set lag: its replication is not observed');
}
