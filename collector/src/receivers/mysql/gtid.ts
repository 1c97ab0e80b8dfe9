/**
 * GTID positions as numbers, and the transactions a replica has that its leader
 * lacks (errant transactions). Layouts: MariaDB `domain-server-seq` lists
 * (`0-1-57,1-3-9`), one entry per domain in `@@gtid_current_pos` and per
 * (domain, server) in `@@gtid_binlog_state`; MySQL `uuid:1-57:60-62` sets.
 */

/** One MariaDB GTID: `0-1-57` is domain 0, server 1, sequence 57. */
export interface MariadbGtid {
  domain: number;
  server: number;
  seq: number;
}

export function parseMariadbGtids(text: string | null | undefined): MariadbGtid[] {
  if (text === null || text === undefined || text.trim() === '') return [];
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(part);
    if (match === null) throw new Error(`not a MariaDB GTID list: "${text}"`);
    return { domain: Number(match[1]), server: Number(match[2]), seq: Number(match[3]) };
  });
}

export const formatMariadbGtid = (g: MariadbGtid): string => `${g.domain}-${g.server}-${g.seq}`;

/**
 * A MariaDB position as one number: the sum over domains of each domain's
 * sequence number. Sequences only grow within a domain (strict mode), so the
 * sum grows with every transaction applied anywhere: a monotonic position whose
 * difference between leader and replica is the transactions still to apply.
 */
export function mariadbPosition(perDomain: readonly MariadbGtid[]): number {
  const last = new Map<number, number>();
  for (const g of perDomain) last.set(g.domain, Math.max(last.get(g.domain) ?? 0, g.seq));
  let sum = 0;
  for (const seq of last.values()) sum += seq;
  return sum;
}

/**
 * Transactions written on the replica that the leader does not have: entries of
 * the replica's binlog state from a server other than the leader whose sequence
 * is beyond what the leader holds for that (domain, server), in its binlog state
 * or its own slave position (a promoted leader without log_slave_updates).
 * The leader's own server id is skipped: a replica only gets those from the
 * leader, and one committed between the two reads of a round is not errant.
 */
export function errantMariadbGtids(
  replicaBinlogState: readonly MariadbGtid[],
  leader: { binlogState: readonly MariadbGtid[]; slavePos: readonly MariadbGtid[]; serverId: number },
): MariadbGtid[] {
  const held = new Map<string, number>();
  for (const g of [...leader.binlogState, ...leader.slavePos]) {
    const key = `${g.domain}-${g.server}`;
    held.set(key, Math.max(held.get(key) ?? 0, g.seq));
  }
  return replicaBinlogState.filter((g) => g.server !== leader.serverId && g.seq > (held.get(`${g.domain}-${g.server}`) ?? 0));
}

/** A MySQL GTID set: source uuid → transaction intervals `[first, last]`, sorted, merged. */
export type MysqlGtidSet = Map<string, [number, number][]>;

export function parseMysqlGtidSet(text: string | null | undefined): MysqlGtidSet {
  const set: MysqlGtidSet = new Map();
  if (text === null || text === undefined || text.trim() === '') return set;
  for (const part of text.replace(/\s+/g, '').split(',')) {
    const [uuid, ...ranges] = part.split(':');
    if (uuid === undefined || uuid === '' || ranges.length === 0) throw new Error(`not a MySQL GTID set: "${text}"`);
    const intervals = set.get(uuid.toLowerCase()) ?? [];
    for (const range of ranges) {
      const match = /^(\d+)(?:-(\d+))?$/.exec(range);
      if (match === null) throw new Error(`not a MySQL GTID set: "${text}"`);
      intervals.push([Number(match[1]), Number(match[2] ?? match[1])]);
    }
    set.set(uuid.toLowerCase(), merge(intervals));
  }
  return set;
}

/** A MySQL position as one number: how many transactions the set holds (monotonic: sets only grow). */
export function mysqlPosition(set: MysqlGtidSet): number {
  let count = 0;
  for (const intervals of set.values()) for (const [a, b] of intervals) count += b - a + 1;
  return count;
}

/**
 * `GTID_SUBTRACT(replica, leader)` without the leader's own uuid (see
 * errantMariadbGtids for why), as MySQL writes sets: `uuid:3-4:9`. Empty when
 * the replica's set is a subset (`GTID_SUBSET`).
 */
export function errantMysqlGtids(replica: MysqlGtidSet, leader: MysqlGtidSet, leaderUuid: string | undefined): string {
  const parts: string[] = [];
  for (const [uuid, intervals] of replica) {
    if (uuid === leaderUuid?.toLowerCase()) continue;
    const missing = subtract(intervals, leader.get(uuid) ?? []);
    if (missing.length > 0) parts.push(`${uuid}:${missing.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(':')}`);
  }
  return parts.join(',');
}

function merge(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last !== undefined && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function subtract(from: readonly [number, number][], remove: readonly [number, number][]): [number, number][] {
  let rest: [number, number][] = from.map(([a, b]) => [a, b]);
  for (const [ra, rb] of remove) {
    rest = rest.flatMap(([a, b]): [number, number][] => {
      if (rb < a || ra > b) return [[a, b]];
      const pieces: [number, number][] = [];
      if (a < ra) pieces.push([a, ra - 1]);
      if (rb < b) pieces.push([rb + 1, b]);
      return pieces;
    });
  }
  return rest;
}
