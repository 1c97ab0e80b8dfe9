import type { Observation } from '../../model/types';
import { chooseRoundLeader, splitBrainReason } from '../shared/leader-choice';
import type { PromSample } from './client';
import { hostOf, memberTargets, type ExporterObservations, type ExporterRound, type MemberTarget } from './member-samples';

/**
 * One pure function per exporter: a round's Prometheus answers in, observations
 * out. Each one handles the ways its exporter's metrics mislead (receiver README,
 * "Fidelity"); permissions are never observed through an exporter, so no
 * observation carries a permission fingerprint.
 */

// ---------------------------------------------------------------- redis_exporter

/** The primary's `slave_state` values that mean a full resync: its offset for that replica is 0, not "everything behind". */
const FULL_SYNC_STATES = new Set(['wait_bgsave', 'send_bulk']);

export function redisExporterObservations(round: ExporterRound): ExporterObservations {
  const targets = memberTargets(round, 'redis_up');
  const live = targets.filter((t) => t.decided === undefined);
  const roleOf = (t: MemberTarget): string | undefined => t.samples.labels('redis_instance_info')?.['role'];
  const portOf = (t: MemberTarget): string | undefined => t.samples.labels('redis_instance_info')?.['tcp_port'];
  const masters = live.filter((t) => roleOf(t) === 'master');

  /** The member a replica follows: the master at its master_port (by host too when several share the port). */
  const followedOf = (t: MemberTarget): string | undefined => {
    const link = t.samples.labels('redis_master_link_up', 'redis_slave_repl_offset');
    if (link === undefined || link['master_port'] === undefined) return undefined;
    const byPort = masters.filter((m) => portOf(m) === link['master_port']);
    const match = byPort.length > 1 ? byPort.filter((m) => hostOf(m.member) === link['master_host']) : byPort;
    if (match.length === 1) return match[0]!.member;
    // Nothing answering as master there: a dead master shows as the link being down, not as following a stranger.
    return masters.length === 0 ? undefined : `${link['master_host']}:${link['master_port']}`;
  };
  const followed = new Map<string, string>();
  for (const t of live) {
    if (roleOf(t) !== 'slave') continue;
    const master = followedOf(t);
    if (master !== undefined) followed.set(t.member, master);
  }
  const { leader, rivals } = chooseRoundLeader(
    live.map((t) => ({
      member: t.member,
      claimsLeader: roleOf(t) === 'master',
      ...(followed.has(t.member) ? { follows: followed.get(t.member)! } : {}),
      ...numberField('position', t.samples.value('redis_master_repl_offset')),
      hintedLeader: round.knownMembers.find((m) => m.member === t.member)?.role === 'leader',
    })),
    round.previousLeader,
  );
  const followersOfLeader = live.filter((t) => leader !== undefined && followed.get(t.member) === leader).map((t) => t.member);

  const observations = targets.map((t): Observation => {
    if (t.decided !== undefined) return t.decided;
    const role = roleOf(t);
    if (role === 'master') {
      const observation: Observation = {
        ...t.base,
        reachable: true,
        role: 'leader',
        serving: true,
        ...numberField('position', t.samples.value('redis_master_repl_offset')),
      };
      if (leader !== undefined && rivals.includes(t.member)) observation.divergedReason = splitBrainReason(t.member, leader, followersOfLeader);
      return observation;
    }
    if (role !== 'slave') return { ...t.base, reachable: true, unknownReason: `redis_instance_info has no role (got "${role ?? 'no series'}")` };
    return redisReplica(
      t,
      followed.get(t.member),
      masters.find((m) => m.member === followed.get(t.member)),
    );
  });
  return { observations, leader };
}

function redisReplica(t: MemberTarget, followed: string | undefined, master: MemberTarget | undefined): Observation {
  // The replica's own position is redis_slave_repl_offset; its redis_master_repl_offset is a copy that is not what the primary has.
  const position = t.samples.value('redis_slave_repl_offset');
  const observation: Observation = { ...t.base, reachable: true, role: 'replica', ...numberField('position', position) };
  if (followed !== undefined) observation.followsLeader = followed;
  const linkUp = t.samples.value('redis_master_link_up');
  const syncing = t.samples.value('redis_master_sync_in_progress') === 1;
  const line =
    master === undefined ? undefined : replicaLineOf(master.samples.all('redis_connected_slave_offset_bytes', 'redis_connected_slave_lag_seconds'), t);
  if (syncing || (line !== undefined && FULL_SYNC_STATES.has(line.state))) {
    // The primary's offset for it is 0 and the copy restarts from nothing: neither offset says how far behind it is
    // (leader offset − 0 would read as the whole dataset of lag), so no position until it is online again.
    delete observation.position;
    observation.replicationStoppedReason = `full resync in progress (${line !== undefined && FULL_SYNC_STATES.has(line.state) ? `slave_state ${line.state}` : 'master_sync_in_progress 1'})`;
    observation.replicationLink = { up: false };
    return observation;
  }
  if (linkUp !== 1) {
    // The model says "replication link down for Ns" and keeps the lag growing (shared/link-memory.ts).
    if (linkUp === undefined) observation.replicationStoppedReason = 'replication link not reported (no redis_master_link_up)';
    // A restarted replica reports offset 0 until its first sync: not a position in the leader's
    // history, so the leader's offset − 0 would read as the whole dataset of lag.
    if (position === 0) delete observation.position;
    observation.replicationLink = { up: false };
    return observation;
  }
  const masterOffset = master?.samples.value('redis_master_repl_offset');
  // Both offsets come from the same Prometheus instant; scrapes are up to one scrape interval apart.
  if (masterOffset !== undefined && position !== undefined) observation.lagBytes = Math.max(0, masterOffset - position);
  // redis_connected_slave_lag_seconds is the age of the replica's last ACK, not how far behind it is: a link sign, never lag.
  const ackAge = master === undefined ? undefined : replicaLineOf(master.samples.all('redis_connected_slave_lag_seconds'), t)?.sample.value;
  observation.replicationLink = { up: true, ...numberField('silentForSeconds', ackAge) };
  return observation;
}

interface ReplicaLine {
  sample: PromSample;
  state: string;
}

/**
 * The primary's `slaveN` series of this replica, matched by slave_port = its tcp_port
 * (then slave_ip = its exporter's host when several share the port). `slave_state` is part of
 * the series identity, so a replica can have two (the old state's, the new one's): a
 * resync state wins, as the cautious reading.
 */
function replicaLineOf(lines: readonly PromSample[], t: MemberTarget): ReplicaLine | undefined {
  const port = t.samples.labels('redis_instance_info')?.['tcp_port'];
  if (port === undefined) return undefined;
  let matching = lines.filter((l) => l.labels['slave_port'] === port);
  if (new Set(matching.map((l) => l.labels['slave_ip'])).size > 1) matching = matching.filter((l) => l.labels['slave_ip'] === hostOf(t.member));
  if (matching.length === 0) return undefined;
  const sample = matching.find((l) => FULL_SYNC_STATES.has(l.labels['slave_state'] ?? '')) ?? matching[0]!;
  return { sample, state: sample.labels['slave_state'] ?? '' };
}

// ---------------------------------------------------------------- postgres_exporter

export function postgresExporterObservations(round: ExporterRound): ExporterObservations {
  const targets = memberTargets(round, 'pg_up');
  const live = targets.filter((t) => t.decided === undefined);
  const standbyFlag = (t: MemberTarget): number | undefined => t.samples.value('pg_settings_in_hot_standby', 'pg_replication_is_replica');
  const primaries = live.filter((t) => standbyFlag(t) === 0);
  const standbys = round.standbys ?? {};
  /** The member a pg_stat_replication row stands for: the configured application_name or client_addr, else application_name = member. */
  const memberOfRow = (labels: Readonly<Record<string, string>>): string | undefined =>
    standbys[labels['application_name'] ?? ''] ?? standbys[labels['client_addr'] ?? ''] ?? labels['application_name'];
  /** Rows keyed by member: the slot_name label carries a walsender PID that changes on reconnect, so it is never the key. */
  const rowsOf = (primary: MemberTarget): Map<string, PromSample> => {
    const rows = new Map<string, PromSample>();
    for (const row of primary.samples.all('pg_stat_replication_pg_wal_lsn_diff')) {
      const member = memberOfRow(row.labels);
      if (member !== undefined) rows.set(member, row);
    }
    return rows;
  };
  const rowsByPrimary = new Map(primaries.map((p) => [p.member, rowsOf(p)]));
  const followedOf = (member: string): string | undefined => [...rowsByPrimary].find(([, rows]) => rows.has(member))?.[0];
  const { leader, rivals } = chooseRoundLeader(
    live.map((t) => ({
      member: t.member,
      claimsLeader: standbyFlag(t) === 0,
      ...(followedOf(t.member) !== undefined ? { follows: followedOf(t.member)! } : {}),
      hintedLeader: round.knownMembers.find((m) => m.member === t.member)?.role === 'leader',
    })),
    round.previousLeader,
  );
  const observations = targets.map((t): Observation => {
    if (t.decided !== undefined) return t.decided;
    const flag = standbyFlag(t);
    if (flag === undefined) {
      const scrapeError = t.samples.value('pg_exporter_last_scrape_error') === 1 ? ' (pg_exporter_last_scrape_error 1)' : '';
      return { ...t.base, reachable: true, unknownReason: `exporter shows no role: pg_settings_in_hot_standby absent${scrapeError}` };
    }
    if (flag === 0) {
      const position = t.samples.value('pg_stat_replication_pg_current_wal_lsn_bytes');
      const observation: Observation = { ...t.base, reachable: true, role: 'leader', serving: true, ...numberField('position', position) };
      if (leader !== undefined && rivals.includes(t.member)) observation.divergedReason = splitBrainReason(t.member, leader, []);
      return observation;
    }
    const observation: Observation = { ...t.base, reachable: true, role: 'standby' };
    const primary = followedOf(t.member);
    const row = primary === undefined ? undefined : rowsByPrimary.get(primary)?.get(t.member);
    if (row === undefined) {
      // A standby whose primary is gone still says pg_up 1 (and its pg_replication_lag grows): only the
      // primary's missing row shows the link is gone. With no primary answering, the link is not observed.
      if (leader !== undefined) observation.replicationLink = { up: false };
      else observation.unknownReason = 'no primary answering: its replication link is not observed';
      return observation;
    }
    observation.followsLeader = primary!;
    // Bytes from the primary's own view, one scrape. pg_replication_lag (now − last replayed commit) is
    // not read as lag: it grows on an idle, caught-up standby.
    observation.lagBytes = Math.max(0, row.value);
    // A walsender in `catchup` is behind by its byte lag, which says how far: no rule of its own.
    observation.replicationLink = { up: true };
    return observation;
  });
  return { observations, leader };
}

// ---------------------------------------------------------------- mysqld_exporter

export function mysqldExporterObservations(round: ExporterRound): ExporterObservations {
  const targets = memberTargets(round, 'mysql_up');
  const replicaSeries = (t: MemberTarget): boolean =>
    t.samples.all(
      'mysql_slave_status_slave_io_running',
      'mysql_slave_status_replica_io_running',
      'mysql_slave_status_slave_sql_running',
      'mysql_slave_status_replica_sql_running',
    ).length > 0;
  const canSee = (t: MemberTarget): boolean => replicaSeries(t) || t.samples.value('mysql_exporter_last_scrape_error') !== 1;
  const claimants = targets.filter(
    (t) => t.decided === undefined && canSee(t) && !replicaSeries(t) && t.samples.value('mysql_global_variables_read_only') !== 1,
  );
  const { leader, rivals } = chooseRoundLeader(
    claimants.map((t) => ({ member: t.member, claimsLeader: true, hintedLeader: round.knownMembers.find((m) => m.member === t.member)?.role === 'leader' })),
    round.previousLeader,
  );
  const observations = targets.map((t): Observation => {
    if (t.decided !== undefined) return t.decided;
    if (!canSee(t)) {
      // No slave series and a failed scrape: the exporter's user may lack REPLICATION CLIENT / SLAVE MONITOR. Never "leader".
      return {
        ...t.base,
        reachable: true,
        unknownReason:
          'exporter cannot see replication (mysql_exporter_last_scrape_error 1, no mysql_slave_status_* series): grant it REPLICATION CLIENT (MariaDB: SLAVE MONITOR)',
      };
    }
    if (!replicaSeries(t)) {
      if (t.samples.value('mysql_global_variables_read_only') === 1) {
        return { ...t.base, reachable: true, role: 'replica', replicationStoppedReason: 'read_only but not replicating from anyone (no slave status)' };
      }
      const observation: Observation = { ...t.base, reachable: true, role: 'leader', serving: true };
      if (leader !== undefined && rivals.includes(t.member)) observation.divergedReason = splitBrainReason(t.member, leader, []);
      return observation;
    }
    return mysqlReplica(t);
  });
  return { observations, leader };
}

function mysqlReplica(t: MemberTarget): Observation {
  const s = t.samples;
  const observation: Observation = { ...t.base, reachable: true, role: 'replica' };
  // Every channel counts: one stopped thread on any channel is a stopped replica.
  const io = s.all('mysql_slave_status_slave_io_running', 'mysql_slave_status_replica_io_running');
  const sql = s.all('mysql_slave_status_slave_sql_running', 'mysql_slave_status_replica_sql_running');
  const errno = (name: string, labels: Readonly<Record<string, string>>): string => {
    const value = s.all(name).find((e) => sameChannel(e.labels, labels))?.value;
    return value !== undefined && value !== 0 ? ` (${name.replace('mysql_slave_status_', '')} ${value})` : '';
  };
  const ioDown = io.find((x) => x.value !== 1);
  const sqlDown = sql.find((x) => x.value !== 1);
  if (ioDown !== undefined || io.length === 0) {
    observation.replicationStoppedReason = `IO thread not running: replication link down${ioDown ? errno('mysql_slave_status_last_io_errno', ioDown.labels) : ''}`;
    observation.replicationLink = { up: false };
  }
  if (sqlDown !== undefined || sql.length === 0) {
    const why = `SQL thread stopped: relay log not applied${sqlDown ? errno('mysql_slave_status_last_sql_errno', sqlDown.labels) : ''}`;
    observation.replicationStoppedReason = observation.replicationStoppedReason === undefined ? why : `${observation.replicationStoppedReason}; ${why}`;
  }
  if (observation.replicationStoppedReason !== undefined) return observation;
  observation.replicationLink = { up: true };
  // Absent (NULL in SHOW SLAVE STATUS) is never 0: it is no measurement.
  const behind = s.all('mysql_slave_status_seconds_behind_master', 'mysql_slave_status_seconds_behind_source');
  if (behind.length === 0) {
    observation.unknownReason = 'threads running but Seconds_Behind_Master absent: lag not observed';
    return observation;
  }
  // Which primary it follows is not in the metrics (master_host only, no port): not claimed.
  observation.lagSeconds = Math.max(...behind.map((b) => b.value));
  return observation;
}

function sameChannel(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return (a['channel_name'] ?? '') === (b['channel_name'] ?? '') && (a['connection_name'] ?? '') === (b['connection_name'] ?? '');
}

/** `{ [key]: value }` when the value is a finite number, else nothing (absent is "not observed", never 0). */
function numberField<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return value !== undefined && Number.isFinite(value) ? ({ [key]: value } as { [P in K]?: number }) : {};
}
