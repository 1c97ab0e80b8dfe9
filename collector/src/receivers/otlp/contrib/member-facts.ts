import type { Dependencies, Role } from '../../../model/types';
import type { ContribSystem } from './contrib-metrics';

/**
 * Points this close in time belong to one scrape. A contrib scraper stamps every point of a scrape
 * with one time; an SDK stamps each instrument as it collects it, microseconds apart. Scrapes are
 * at least a second apart (collection_interval).
 */
export const SAME_SCRAPE_MILLIS = 500;

/** A value with the time of the point it came from. */
export interface Fact<T = number> {
  value: T;
  atMillis: number;
}

/**
 * What a leader reports about its replicas in one scrape (PostgreSQL `pg_stat_replication` rows,
 * MongoDB's replica-set lags), keyed by the replica member they were mapped to. Every point of a
 * contrib scrape carries the scrape's time, so rows older than the leader's newest point are
 * rows that scrape did not have.
 */
export interface LeaderView {
  atMillis: number;
  rows: Map<string, ReplicaRow>;
}

export interface ReplicaRow {
  lagBytes?: number;
  lagSeconds?: number;
  /** The key the leader named it by (replication_client, member name), for the reason texts. */
  key: string;
}

/**
 * Everything the contrib points said about one member, kept across requests: the points of one
 * database arrive in one request, its leader's view of it in another.
 */
export interface MemberFacts {
  group: string;
  member: string;
  system: ContribSystem;
  /** The endpoint it was identified by (server.address[:server.port], mysql.instance.endpoint). */
  endpoint?: string;
  /** Newest point of any contrib metric of this member: when its receiver last reached it. */
  lastAtMillis: number;
  /** `recovery.member.role` on its resource. */
  roleClaim?: Role;
  dependencies?: Dependencies;
  // redis
  redisRole?: Fact<'primary' | 'replica'>;
  redisOffset?: Fact;
  redisReplicaOffset?: Fact;
  redisReplicasConnected?: Fact;
  // mysql: one point per replication channel and scrape; counted to see a channel without Seconds_Behind_Source.
  mysqlSqlDelay?: ChannelFacts;
  mysqlBehindSource?: ChannelFacts;
  // mongodb
  mongoState?: Fact<string>;
  /** postgresql, mongodb: this member's view of its replicas, when it has one. */
  view?: LeaderView;
  /** When a leader's rows last named this member (postgresql, mongodb): it is a replica. */
  seenAsReplicaAtMillis?: number;
}

/** The points of one scrape across channels: their count and the worst (largest) value. */
export interface ChannelFacts {
  atMillis: number;
  points: number;
  max: number;
}

/** Keep the newer of two facts (a later point wins, whatever order they came in). */
export function newer<T>(current: Fact<T> | undefined, value: T, atMillis: number): Fact<T> {
  return current === undefined || atMillis >= current.atMillis ? { value, atMillis } : current;
}

/** Add one channel's point: a newer scrape starts over, the same scrape adds up. */
export function addChannel(current: ChannelFacts | undefined, value: number, atMillis: number): ChannelFacts {
  if (current === undefined || atMillis > current.atMillis + SAME_SCRAPE_MILLIS) return { atMillis, points: 1, max: value };
  if (atMillis < current.atMillis - SAME_SCRAPE_MILLIS) return current;
  current.points++;
  if (value > current.max) current.max = value;
  return current;
}
