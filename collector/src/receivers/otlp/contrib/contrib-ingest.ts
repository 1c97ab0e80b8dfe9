import type { Observation, Role } from '../../../model/types';
import { ROLES } from '../../../model/types';
import { readAttributes } from '../attribute-facts';
import { GROUP_ATTRIBUTE, MEMBER_ATTRIBUTE, ROLE_ATTRIBUTE } from '../member-metrics';
import { hasOwn, int64ToNumber, type OtlpAnyValue, type OtlpKeyValue, type OtlpMetric, type OtlpMetricsRequest, type OtlpNumberDataPoint } from '../otlp-types';
import type { PointRefusalReason } from '../refusal';
import type { ContribOptions } from './contrib-config';
import {
  CONTRIB_METRICS,
  MONGO_LAG_TYPE_ATTRIBUTE,
  MONGO_MEMBER_NAME_ATTRIBUTE,
  MONGO_MEMBER_STATE_ATTRIBUTE,
  MYSQL_ENDPOINT_ATTRIBUTE,
  PG_OPERATION_ATTRIBUTE,
  PG_REPLICATION_CLIENT_ATTRIBUTE,
  REDIS_ROLE_ATTRIBUTE,
  SERVER_ADDRESS_ATTRIBUTE,
  SERVER_PORT_ATTRIBUTE,
  type ContribMetric,
  type ContribSystem,
} from './contrib-metrics';
import { deriveGroup } from './derive';
import { addChannel, newer, SAME_SCRAPE_MILLIS, type MemberFacts } from './member-facts';

type Refusals = Map<PointRefusalReason, { points: number; example: string }>;

/** The admission the OTLP ingest applies to every member (configured groups, limits, member_expiry). */
export interface ContribAdmission {
  admit(group: string, member: string, nowMillis: number): { reason: PointRefusalReason; example: string } | undefined;
}

export interface ContribIngestResult {
  observations: Observation[];
  pointsPerObservation: number[];
}

/** Who a resource's points are about. */
interface ResourceIdentity {
  group?: string;
  member?: string;
  endpoint?: string;
  role?: Role;
  dependencies?: Record<string, string>;
  problem?: { reason: PointRefusalReason; example: string };
}

/**
 * Reads the OpenTelemetry Collector contrib receivers' metrics (contrib-metrics.ts) out of an
 * OTLP request and keeps, per group, what each member's points said (member-facts.ts): a
 * PostgreSQL standby's lag arrives with its primary's points, not its own. After each request
 * every member of a group it touched gets a new observation from derive.ts.
 */
export class ContribIngest {
  private readonly factsByGroup = new Map<string, Map<string, MemberFacts>>();

  constructor(
    private readonly options: ContribOptions,
    private readonly limits: { maxAttributeValueLength: number; maxClockSkewMillis: number },
    /** `source` of the observations (the OTLP receiver's). */
    private readonly source: string,
  ) {}

  ingest(request: OtlpMetricsRequest, nowMillis: number, admission: ContribAdmission, refusals: Refusals): ContribIngestResult {
    const pointsByMember = new Map<MemberFacts, number>();
    const touchedGroups = new Set<string>();
    for (const resourceMetrics of request.resourceMetrics) {
      let identity: ResourceIdentity | undefined;
      // A resource is one receiver instance's, about one database: admitted once per request.
      let resourceFacts: MemberFacts | undefined;
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          const definition = CONTRIB_METRICS.get(metric.name);
          if (definition === undefined) continue;
          const points = metric.gauge?.dataPoints ?? metric.sum?.dataPoints;
          if (points === undefined) {
            const count = (metric.histogram ?? metric.exponentialHistogram ?? metric.summary)?.dataPoints.length ?? 0;
            if (count > 0)
              refuse(
                refusals,
                'unsupported_metric_type',
                count,
                `${metric.name} arrived as a histogram or summary; the contrib receiver sends a gauge or a sum`,
              );
            continue;
          }
          if (points.length === 0) continue;
          if (definition.unit !== undefined && metric.unit !== definition.unit) {
            refuse(
              refusals,
              'invalid_value',
              points.length,
              `${metric.name} has unit "${metric.unit}"; the Collector contrib receiver sends "${definition.unit}" (a renamed or converted metric is not read)`,
            );
            continue;
          }
          identity ??= this.identify(resourceMetrics.resource?.attributes ?? []);
          const facts =
            resourceFacts?.system === definition.system
              ? resourceFacts
              : this.factsOf(identity, definition.system, metric.name, points.length, nowMillis, admission, refusals);
          if (facts === undefined) continue;
          resourceFacts = facts;
          touchedGroups.add(facts.group);
          for (const point of points) this.addPoint(metric, definition, point, facts, nowMillis, admission, refusals, pointsByMember);
        }
      }
    }
    const observations: Observation[] = [];
    const pointsPerObservation: number[] = [];
    for (const group of touchedGroups) {
      const members = this.factsByGroup.get(group)!;
      for (const observation of deriveGroup(members, this.options.groups.get(group) ?? DEFAULT_GROUP, this.source)) {
        observations.push(observation);
        pointsPerObservation.push(pointsByMember.get(members.get(observation.member)!) ?? 0);
      }
    }
    return { observations, pointsPerObservation };
  }

  /** A retired member (member_expiry) is forgotten here too: back, it is learned anew. */
  forget(group: string, member: string): void {
    this.factsByGroup.get(group)?.delete(member);
  }

  /**
   *   [{server.address: "10.0.0.1"}, {server.port: 5432}, {recovery.group: "orders-db"}] → orders-db / 10.0.0.1:5432
   * service.name and service.instance.id are not read: the contrib receivers set them to their
   * own defaults ("unknown_service:postgresql", a UUID).
   */
  private identify(attributes: readonly OtlpKeyValue[]): ResourceIdentity {
    const identity: ResourceIdentity = {};
    let address: string | undefined;
    let port: string | undefined;
    for (const { key, value } of attributes) {
      if (!IDENTITY_KEYS.has(key)) continue;
      const text = scalarText(value);
      if (text === undefined || text.length === 0) continue;
      if (text.length > this.limits.maxAttributeValueLength) {
        return {
          problem: {
            reason: 'attribute_too_long',
            example: `attribute ${key} is ${text.length} characters long (max_attribute_value_length is ${this.limits.maxAttributeValueLength})`,
          },
        };
      }
      if (key === GROUP_ATTRIBUTE) identity.group = text;
      else if (key === MEMBER_ATTRIBUTE) identity.member = text;
      else if (key === SERVER_ADDRESS_ATTRIBUTE) address = text;
      else if (key === SERVER_PORT_ATTRIBUTE) port = text;
      else if (key === MYSQL_ENDPOINT_ATTRIBUTE) identity.endpoint = text;
      else if (key === ROLE_ATTRIBUTE) {
        if (!(ROLES as readonly string[]).includes(text)) {
          return { problem: { reason: 'invalid_attribute', example: `recovery.member.role "${text.slice(0, 40)}" is not one of ${ROLES.join(', ')}` } };
        }
        identity.role = text as Role;
      }
    }
    if (identity.endpoint === undefined && address !== undefined) identity.endpoint = port === undefined ? address : `${address}:${port}`;
    identity.group ??= identity.endpoint === undefined ? undefined : this.options.groupOfEndpoint.get(identity.endpoint);
    if (identity.group !== undefined && identity.member === undefined && identity.endpoint !== undefined) {
      identity.member = this.options.groups.get(identity.group)?.members[identity.endpoint] ?? identity.endpoint;
    }
    const dependencies = readAttributes(attributes, true, this.limits.maxAttributeValueLength).dependencies;
    if (dependencies !== undefined) identity.dependencies = dependencies;
    return identity;
  }

  private factsOf(
    identity: ResourceIdentity,
    system: ContribSystem,
    metricName: string,
    points: number,
    nowMillis: number,
    admission: ContribAdmission,
    refusals: Refusals,
  ): MemberFacts | undefined {
    if (identity.problem) return void refuse(refusals, identity.problem.reason, points, identity.problem.example);
    const from = identity.endpoint === undefined ? 'a resource without server.address (or mysql.instance.endpoint)' : `endpoint ${identity.endpoint}`;
    if (identity.group === undefined) {
      return void refuse(
        refusals,
        'missing_identity',
        points,
        `${metricName} points from ${from} name no group: set recovery.group on the resource (the Collector's resource processor, see the OTLP receiver README) or list the endpoint under a group's otlp.contrib.members`,
      );
    }
    if (identity.member === undefined) {
      return void refuse(
        refusals,
        'missing_identity',
        points,
        `${metricName} points of group "${identity.group}" name no member: enable the receiver's server.address and server.port resource attributes, or set recovery.member on the resource`,
      );
    }
    const facts = this.memberFacts(identity.group, identity.member, system, nowMillis, admission, refusals, points);
    if (facts === undefined) return undefined;
    if (identity.endpoint !== undefined) facts.endpoint = identity.endpoint;
    if (identity.role !== undefined) facts.roleClaim = identity.role;
    if (identity.dependencies !== undefined) facts.dependencies = identity.dependencies;
    return facts;
  }

  private memberFacts(
    group: string,
    member: string,
    system: ContribSystem,
    nowMillis: number,
    admission: ContribAdmission,
    refusals: Refusals,
    points: number,
  ): MemberFacts | undefined {
    const refusal = admission.admit(group, member, nowMillis);
    if (refusal) return void refuse(refusals, refusal.reason, points, refusal.example);
    let members = this.factsByGroup.get(group);
    if (members === undefined) this.factsByGroup.set(group, (members = new Map()));
    let facts = members.get(member);
    if (facts === undefined || facts.system !== system) members.set(member, (facts = { group, member, system, lastAtMillis: 0 }));
    return facts;
  }

  private addPoint(
    metric: OtlpMetric,
    definition: ContribMetric,
    point: OtlpNumberDataPoint,
    facts: MemberFacts,
    nowMillis: number,
    admission: ContribAdmission,
    refusals: Refusals,
    pointsByMember: Map<MemberFacts, number>,
  ): void {
    const raw = hasOwn(point, 'asDouble') ? point.asDouble : hasOwn(point, 'asInt') ? int64ToNumber(point.asInt) : undefined;
    const where = `a ${metric.name} point of ${facts.group}/${facts.member}`;
    if (raw === undefined || !Number.isFinite(raw))
      return refuse(refusals, 'invalid_value', 1, `${where} has ${raw === undefined ? 'no value' : `value ${raw}`}`);
    let atMillis = int64ToNumber(point.timeUnixNano) / 1e6;
    if (atMillis === 0) atMillis = nowMillis;
    else if (!(atMillis > 0)) return refuse(refusals, 'invalid_value', 1, `${where} has a time before 1970`);
    else if (atMillis > nowMillis + this.limits.maxClockSkewMillis)
      return refuse(refusals, 'future_timestamp', 1, `${where} is stamped beyond max_clock_skew ahead of now; check the sender's clock`);
    else if (atMillis > nowMillis) atMillis = nowMillis;

    const attribute = (key: string): string | undefined => {
      const kv = point.attributes.find((a) => a.key === key);
      return scalarText(kv?.value);
    };
    let counted: MemberFacts = facts;
    switch (definition.field) {
      case 'alive':
        break;
      case 'redisRole': {
        const role = attribute(REDIS_ROLE_ATTRIBUTE);
        if (role !== 'primary' && role !== 'replica')
          return refuse(refusals, 'invalid_attribute', 1, `${where} has role "${String(role).slice(0, 40)}"; the redis receiver sends primary or replica`);
        if (raw === 1) facts.redisRole = newer(facts.redisRole, role, atMillis);
        break;
      }
      case 'redisOffset':
        facts.redisOffset = newer(facts.redisOffset, raw, atMillis);
        break;
      case 'redisReplicaOffset':
        facts.redisReplicaOffset = newer(facts.redisReplicaOffset, raw, atMillis);
        break;
      case 'redisReplicasConnected':
        facts.redisReplicasConnected = newer(facts.redisReplicasConnected, raw, atMillis);
        break;
      case 'mysqlSqlDelay':
        facts.mysqlSqlDelay = addChannel(facts.mysqlSqlDelay, raw, atMillis);
        break;
      case 'mysqlBehindSource':
        facts.mysqlBehindSource = addChannel(facts.mysqlBehindSource, raw, atMillis);
        break;
      case 'mongoMemberStatus': {
        const state = attribute(MONGO_MEMBER_STATE_ATTRIBUTE);
        if (state === undefined) return refuse(refusals, 'invalid_attribute', 1, `${where} has no ${MONGO_MEMBER_STATE_ATTRIBUTE} attribute`);
        if (raw === 1) facts.mongoState = newer(facts.mongoState, state, atMillis);
        break;
      }
      case 'pgDataDelay':
      case 'pgWalLag':
      case 'pgWalDelay':
      case 'mongoLag': {
        const isPg = definition.system === 'postgresql';
        // Write and flush lag say less than replay lag, durable less than applied: they only show the row is there.
        const isWalLag = definition.field === 'pgWalLag' || definition.field === 'pgWalDelay';
        const presenceOnly =
          (isWalLag && attribute(PG_OPERATION_ATTRIBUTE) !== 'replay') ||
          (definition.field === 'mongoLag' && attribute(MONGO_LAG_TYPE_ATTRIBUTE) === 'durable');
        const keyAttribute = isPg ? PG_REPLICATION_CLIENT_ATTRIBUTE : MONGO_MEMBER_NAME_ATTRIBUTE;
        const key = attribute(keyAttribute);
        if (key === undefined) return refuse(refusals, 'invalid_attribute', 1, `${where} has no ${keyAttribute} attribute`);
        const replicaMember = this.replicaOf(facts.group, key, facts.member);
        if (replicaMember === undefined) {
          const shown = withoutNetmask(key).slice(0, 60);
          return refuse(
            refusals,
            'missing_identity',
            1,
            `${where} names ${keyAttribute} "${key.slice(0, 60)}", which maps to no member: add "${shown}: <member>" under group "${facts.group}"'s otlp.contrib.replication_clients`,
          );
        }
        const replica = this.memberFacts(facts.group, replicaMember, definition.system, nowMillis, admission, refusals, 1);
        if (replica === undefined) return;
        if (facts.view === undefined || atMillis > facts.view.atMillis + SAME_SCRAPE_MILLIS) facts.view = { atMillis, rows: new Map() };
        if (atMillis < facts.view.atMillis - SAME_SCRAPE_MILLIS) break;
        const row = facts.view.rows.get(replicaMember) ?? { key };
        if (definition.field === 'pgDataDelay') row.lagBytes = Math.max(0, raw);
        else if (presenceOnly) {
          // nothing to read
        } else if (definition.field === 'pgWalDelay' || row.lagSeconds === undefined || definition.field === 'mongoLag') row.lagSeconds = Math.max(0, raw);
        facts.view.rows.set(replicaMember, row);
        replica.seenAsReplicaAtMillis = Math.max(replica.seenAsReplicaAtMillis ?? 0, atMillis);
        counted = replica;
        break;
      }
    }
    if (atMillis > facts.lastAtMillis) facts.lastAtMillis = atMillis;
    pointsByMember.set(counted, (pointsByMember.get(counted) ?? 0) + 1);
  }

  /**
   * The member a leader's row names: the configured replication_clients entry, else the member
   * with that endpoint or name, else the one member whose endpoint's host it is. PostgreSQL's
   * client_addr arrives as text with its netmask ("10.0.0.2/32"), which is dropped first.
   */
  private replicaOf(group: string, key: string, leader: string): string | undefined {
    const host = withoutNetmask(key);
    const options = this.options.groups.get(group);
    const configured = options?.replicationClients[key] ?? options?.replicationClients[host];
    if (configured !== undefined) return configured;
    // A leader's rows never name the leader itself.
    const members = [...(this.factsByGroup.get(group)?.values() ?? [])].filter((m) => m.member !== leader);
    const exact = members.find((m) => m.member === host || m.endpoint === host);
    if (exact !== undefined) return exact.member;
    const byHost = members.filter((m) => m.endpoint !== undefined && hostOf(m.endpoint) === hostOf(host));
    return byHost.length === 1 ? byHost[0]!.member : undefined;
  }
}

const IDENTITY_KEYS: ReadonlySet<string> = new Set([
  GROUP_ATTRIBUTE,
  MEMBER_ATTRIBUTE,
  ROLE_ATTRIBUTE,
  SERVER_ADDRESS_ATTRIBUTE,
  SERVER_PORT_ATTRIBUTE,
  MYSQL_ENDPOINT_ATTRIBUTE,
]);

const DEFAULT_GROUP = { members: {}, replicationClients: {}, freshnessMillis: 180_000, declaredRoles: new Map<string, Role>() };

/** PostgreSQL's `cast(client_addr as varchar)` keeps a host's netmask: "10.0.0.2/32" → "10.0.0.2". */
function withoutNetmask(key: string): string {
  return key.replace(/\/(32|128)$/, '');
}

/**
 * `{stringValue: "10.0.0.1"}` → "10.0.0.1", `{intValue: 5432}` → "5432". Presence is an own
 * property: protobufjs puts the defaults ('' and 0) on the prototype.
 */
function scalarText(value: OtlpAnyValue | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (hasOwn(value, 'stringValue')) return value.stringValue;
  if (hasOwn(value, 'intValue')) return String(int64ToNumber(value.intValue));
  return undefined;
}

/** "10.0.0.2:5432" → "10.0.0.2"; "[::1]:5432" → "::1". */
function hostOf(endpoint: string): string {
  const match = /^\[?([^\]]*?)\]?(?::\d+)?$/.exec(endpoint);
  return match?.[1] ?? endpoint;
}

function refuse(refusals: Refusals, reason: PointRefusalReason, points: number, example: string): void {
  const entry = refusals.get(reason);
  if (entry) entry.points += points;
  else refusals.set(reason, { points, example });
}
