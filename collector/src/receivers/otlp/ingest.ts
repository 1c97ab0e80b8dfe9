import type { Observation, Role } from '../../model/types';
import { GroupAdmission, type RetiredMember } from './admission';
import { NO_FACTS as NO_FACTS_IMPORTED, readAttributes as readAttributesImported, type AttributeFacts } from './attribute-facts';
import type { OtlpServerConfig } from './config';
import { MEMBER_METRICS, type MemberField } from './member-metrics';
import {
  hasOwn as hasOwnImported,
  int64ToNumber as int64ToNumberImported,
  TEMPORALITY_DELTA as TEMPORALITY_DELTA_IMPORTED,
  type OtlpMetricsRequest,
  type OtlpNumberDataPoint,
} from './otlp-types';
import type { PointRefusalReason } from './refusal';
import type { ContribOptions } from './contrib/contrib-config';
import { ContribIngest } from './contrib/contrib-ingest';

export const OTLP_SOURCE = 'otlp';

/** What one request turned into: one observation per member, and what was refused. */
export interface IngestResult {
  observations: Observation[];
  /** Data points behind each observation (same index), so a sink refusal can be counted in points. */
  pointsPerObservation: number[];
  rejectedDataPoints: number;
  refusals: Map<PointRefusalReason, { points: number; example: string }>;
  /** Members retired (member_expiry) to free a slot while admitting this request: tell the sink before the observations. */
  retired: RetiredMember[];
}

export interface IngestOptions {
  /** Groups configured with `otlp:`. */
  groups: ReadonlySet<string>;
  server: OtlpServerConfig;
  /** Members declared in config per group: they count toward max_members_per_group from the start. */
  declaredMembers?: ReadonlyMap<string, readonly string[]>;
  /** Also read the Collector contrib receivers' metrics, mapped to members by these tables (contrib/). */
  contrib?: ContribOptions;
}

/** Slots of the numeric fields in MemberDraft.values / valueAtMillis. */
const VALUE_SLOT: Readonly<Record<Exclude<MemberField, 'info'>, number>> = { position: 0, lagSeconds: 1, lagBytes: 2, up: 3, serving: 4, load: 5 };
/** The slots that tell how far a member is behind (position, lagSeconds, lagBytes): carried between requests with their time. */
const REPLICATION_SLOTS = 3;

/** The Observation field of each replication slot, in slot order. */
const REPLICATION_FIELDS = ['position', 'lagSeconds', 'lagBytes'] as const;

/** A member's last replication values (NaN = never sent) and when each was measured. */
interface ReplicationFacts {
  values: Float64Array;
  atMillis: Float64Array;
}

/** One member's observation being assembled from the request's points. */
interface MemberDraft {
  key: string;
  group: string;
  member: string;
  points: number;
  observedAtMillis: number;
  role?: Role;
  stateFingerprint?: string;
  permissionFingerprint?: string;
  dependencies?: Record<string, string>;
  /** The resource whose dependencies were last merged in (merged once per resource, not per point). */
  dependenciesFrom?: AttributeFacts;
  /**
   * Latest value per slot with its time: a later point wins, whatever order they came in. NaN = not seen.
   * Plain arrays of doubles: one per member and request, and a typed array costs several times as much to make.
   */
  values: number[];
  valueAtMillis: number[];
  /** Sum of delta `position` points in this request. */
  positionDelta?: number;
}

/** Per resource: its facts, and the draft of the member it names (points without identity attributes reuse it). */
interface ResourceContext {
  facts: AttributeFacts;
  draft?: MemberDraft;
}

/** Local aliases: a module-local binding is cheaper to reach on the hot path than an imported one under some loaders (tsx). */
const METRICS_BY_NAME = MEMBER_METRICS;
const NO_FACTS = NO_FACTS_IMPORTED;
const readAttributes = readAttributesImported;
const hasOwn = hasOwnImported;
const int64ToNumber = int64ToNumberImported;
const TEMPORALITY_DELTA = TEMPORALITY_DELTA_IMPORTED;

/** What addPoint needs of a point's metric: the same for all its points. */
interface PointMetric {
  name: string;
  field: MemberField;
  /** A delta sum (recovery.member.position only): added up, not replaced. */
  isDelta: boolean;
  /** To the base unit (seconds, bytes). */
  unitFactor: number;
  /** VALUE_SLOT of the field, looked up once per metric rather than per point (-1 for info). */
  slot: number;
}

/** What one request's points are gathered into. */
interface PointBatch {
  drafts: Map<string, MemberDraft>;
  refusals: IngestResult['refusals'];
  nowMillis: number;
  maxClockSkewMillis: number;
}

/**
 * Turns decoded OTLP requests into observations (DESIGN.md §3.1). Keeps the
 * little state that spans requests: which groups and members were admitted
 * and when (for the limits and member_expiry) and running totals of delta `recovery.member.position` sums.
 */
export class OtlpIngest {
  private readonly admission: GroupAdmission;
  private readonly deltaPositionTotals = new Map<string, number>();
  /**
   * Per member, the replication values last received. A request without them (e.g. only
   * `recovery.member.up`, from another exporter) carries them on with their own time, so a
   * fresh `up` never makes an old lag look current: the model ignores them once older than freshness.
   */
  private readonly lastReplication = new Map<string, ReplicationFacts>();

  private readonly contrib: ContribIngest | undefined;

  constructor(private readonly options: IngestOptions) {
    this.admission = new GroupAdmission(options.groups, options.server, options.declaredMembers);
    this.contrib = options.contrib && new ContribIngest(options.contrib, options.server, OTLP_SOURCE);
  }

  ingest(request: OtlpMetricsRequest, nowMillis: number): IngestResult {
    const refusals = new Map<PointRefusalReason, { points: number; example: string }>();
    const drafts = new Map<string, MemberDraft>();
    const { maxAttributes, maxClockSkewMillis } = this.options.server;
    const batch: PointBatch = { drafts, refusals, nowMillis, maxClockSkewMillis };

    for (const resourceMetrics of request.resourceMetrics) {
      const resourceAttributes = resourceMetrics.resource?.attributes ?? [];
      const resource: ResourceContext = { facts: NO_FACTS };
      if (resourceAttributes.length > maxAttributes) {
        resource.facts = {
          problem: { reason: 'too_many_attributes', example: `a resource has ${resourceAttributes.length} attributes (max_attributes is ${maxAttributes})` },
        };
      } else if (resourceAttributes.length > 0) {
        resource.facts = readAttributes(resourceAttributes, true, this.options.server.maxAttributeValueLength);
      }
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          const memberMetric = METRICS_BY_NAME.get(metric.name);
          if (memberMetric === undefined) continue; // not a recovery.member.* metric: not ours to read
          const { gauge, sum } = metric;
          if (!gauge && !sum) {
            const other = metric.histogram ? 'histogram' : metric.exponentialHistogram ? 'exponential histogram' : metric.summary ? 'summary' : undefined;
            const count = (metric.histogram ?? metric.exponentialHistogram ?? metric.summary)?.dataPoints.length ?? 0;
            if (other && count > 0) refuse(refusals, 'unsupported_metric_type', count, `${metric.name} arrived as a ${other}; send it as a gauge or a sum`);
            continue;
          }
          const points = gauge ? gauge.dataPoints : sum!.dataPoints;
          const isDelta = !gauge && sum!.aggregationTemporality === TEMPORALITY_DELTA;
          if (isDelta && memberMetric.field !== 'position') {
            refuse(refusals, 'invalid_value', points.length, `${metric.name} arrived as a delta sum; only recovery.member.position may be a delta sum`);
            continue;
          }
          const unitFactor = memberMetric.units === undefined ? 1 : memberMetric.units[metric.unit];
          if (unitFactor === undefined) {
            refuse(
              refusals,
              'invalid_value',
              points.length,
              `${metric.name} has unit "${metric.unit}"; expected one of ${Object.keys(memberMetric.units!)
                .map((u) => `"${u}"`)
                .join(', ')}`,
            );
            continue;
          }
          const field = memberMetric.field;
          const pointMetric: PointMetric = { name: metric.name, field, isDelta, unitFactor, slot: field === 'info' ? -1 : VALUE_SLOT[field] };
          for (const point of points) this.addPoint(point, pointMetric, resource, batch);
        }
      }
    }
    const contrib = this.contrib?.ingest(request, nowMillis, this.admission, refusals);
    const result = this.finish(drafts, refusals);
    if (contrib) {
      result.observations.push(...contrib.observations);
      result.pointsPerObservation.push(...contrib.pointsPerObservation);
    }
    return result;
  }

  /** One data point into its member's draft, or counted as refused. The objects are made once per metric and per request, not per point. */
  private addPoint(point: OtlpNumberDataPoint, metric: PointMetric, resource: ResourceContext, batch: PointBatch): void {
    const { name: metricName, field, isDelta, unitFactor } = metric;
    const { drafts, refusals, nowMillis, maxClockSkewMillis } = batch;
    const resourceFacts = resource.facts;
    if (resourceFacts.problem) return refuse(refusals, resourceFacts.problem.reason, 1, resourceFacts.problem.example);
    let pointFacts = NO_FACTS;
    if (point.attributes.length > this.options.server.maxAttributes) {
      return refuse(
        refusals,
        'too_many_attributes',
        1,
        `a ${metricName} point has ${point.attributes.length} attributes (max_attributes is ${this.options.server.maxAttributes})`,
      );
    }
    if (point.attributes.length > 0) {
      pointFacts = readAttributes(point.attributes, false, this.options.server.maxAttributeValueLength);
      if (pointFacts.problem) return refuse(refusals, pointFacts.problem.reason, 1, pointFacts.problem.example);
    }
    const group = pointFacts.group ?? resourceFacts.group;
    const member = pointFacts.member ?? resourceFacts.member;
    if (group === undefined || member === undefined) {
      return refuse(
        refusals,
        'missing_identity',
        1,
        `a ${metricName} point names no ${group === undefined ? 'group (recovery.group or resource service.name)' : 'member (recovery.member or resource service.instance.id)'}`,
      );
    }

    let value = 1;
    if (field !== 'info') {
      const raw = hasOwn(point, 'asDouble') ? point.asDouble : hasOwn(point, 'asInt') ? int64ToNumber(point.asInt) : undefined;
      if (raw === undefined || !Number.isFinite(raw)) {
        return refuse(refusals, 'invalid_value', 1, `a ${metricName} point of ${group}/${member} has ${raw === undefined ? 'no value' : `value ${raw}`}`);
      }
      value = raw * unitFactor;
      if (!Number.isFinite(value)) {
        return refuse(
          refusals,
          'invalid_value',
          1,
          `a ${metricName} point of ${group}/${member} has value ${raw} that overflows once converted to the base unit`,
        );
      }
    }
    let atMillis = int64ToNumber(point.timeUnixNano) / 1e6;
    if (atMillis === 0) atMillis = nowMillis;
    else if (!(atMillis > 0)) {
      return refuse(
        refusals,
        'invalid_value',
        1,
        `a ${metricName} point of ${group}/${member} has time_unix_nano ${String(point.timeUnixNano).slice(0, 40)}, not a time since 1970`,
      );
    } else if (atMillis > nowMillis + maxClockSkewMillis) {
      return refuse(
        refusals,
        'future_timestamp',
        1,
        `a ${metricName} point of ${group}/${member} is stamped ${describeTime(atMillis)}, beyond max_clock_skew ahead of now; check the sender's clock`,
      );
    } else if (atMillis > nowMillis) atMillis = nowMillis;

    const namedByResource = pointFacts.group === undefined && pointFacts.member === undefined;
    let draft = namedByResource ? resource.draft : undefined;
    if (draft === undefined) {
      const key = `${group}\u0000${member}`;
      draft = drafts.get(key);
      if (draft === undefined) {
        const admission = this.admission.admit(group, member, nowMillis);
        if (admission) return refuse(refusals, admission.reason, 1, admission.example);
        draft = {
          key,
          group,
          member,
          points: 0,
          observedAtMillis: atMillis,
          values: [NaN, NaN, NaN, NaN, NaN, NaN], // one per VALUE_SLOT
          valueAtMillis: [NaN, NaN, NaN, NaN, NaN, NaN], // read only where a value was seen
        };
        drafts.set(key, draft);
      }
      if (namedByResource) resource.draft = draft;
    }
    draft.points++;
    if (atMillis > draft.observedAtMillis) draft.observedAtMillis = atMillis;
    const role = pointFacts.role ?? resourceFacts.role;
    if (role !== undefined) draft.role = role;
    if (draft.dependenciesFrom !== resourceFacts) {
      draft.dependenciesFrom = resourceFacts;
      if (resourceFacts.dependencies) draft.dependencies = Object.assign(draft.dependencies ?? {}, resourceFacts.dependencies);
    }
    if (pointFacts.dependencies) draft.dependencies = Object.assign(draft.dependencies ?? {}, pointFacts.dependencies);
    // Fingerprints come on recovery.member.info points, or on the resource for every point.
    const infoFacts = field === 'info' ? pointFacts : NO_FACTS;
    const state = infoFacts.stateFingerprint ?? resourceFacts.stateFingerprint;
    const permission = infoFacts.permissionFingerprint ?? resourceFacts.permissionFingerprint;
    if (state !== undefined) draft.stateFingerprint = state;
    if (permission !== undefined) draft.permissionFingerprint = permission;
    if (field === 'info') return;
    if (isDelta) {
      draft.positionDelta = (draft.positionDelta ?? 0) + value;
      return;
    }
    const slot = metric.slot;
    if (Number.isNaN(draft.values[slot]!) || atMillis >= draft.valueAtMillis[slot]!) {
      draft.values[slot] = value;
      draft.valueAtMillis[slot] = atMillis;
    }
  }

  private finish(drafts: Map<string, MemberDraft>, refusals: IngestResult['refusals']): IngestResult {
    const observations: Observation[] = [];
    const pointsPerObservation: number[] = [];
    for (const draft of drafts.values()) {
      const v = draft.values;
      const observation: Observation = {
        group: draft.group,
        member: draft.member,
        source: OTLP_SOURCE,
        observedAtMillis: draft.observedAtMillis,
        // A member that sends recovery.* metrics is reachable unless it says up = 0.
        reachable: !seen(v, VALUE_SLOT.up) || v[VALUE_SLOT.up] !== 0,
      };
      if (draft.role !== undefined) observation.role = draft.role;
      if (seen(v, VALUE_SLOT.serving)) observation.serving = v[VALUE_SLOT.serving] !== 0;
      if (seen(v, VALUE_SLOT.position)) observation.position = v[VALUE_SLOT.position];
      else if (draft.positionDelta !== undefined) {
        const total = (this.deltaPositionTotals.get(draft.key) ?? 0) + draft.positionDelta;
        this.deltaPositionTotals.set(draft.key, total);
        observation.position = total;
      }
      if (seen(v, VALUE_SLOT.lagSeconds)) observation.lagSeconds = v[VALUE_SLOT.lagSeconds];
      if (seen(v, VALUE_SLOT.lagBytes)) observation.lagBytes = v[VALUE_SLOT.lagBytes];
      this.carryReplication(draft, observation);
      if (seen(v, VALUE_SLOT.load)) observation.load = v[VALUE_SLOT.load];
      if (draft.stateFingerprint !== undefined) observation.stateFingerprint = draft.stateFingerprint;
      if (draft.permissionFingerprint !== undefined) observation.permissionFingerprint = draft.permissionFingerprint;
      if (draft.dependencies !== undefined) observation.dependencies = draft.dependencies;
      observations.push(observation);
      pointsPerObservation.push(draft.points);
    }
    let rejectedDataPoints = 0;
    for (const { points } of refusals.values()) rejectedDataPoints += points;
    return { observations, pointsPerObservation, rejectedDataPoints, refusals, retired: this.takeRetired() };
  }

  /**
   * A request with a position or lag: remember them, and stamp the observation with the oldest of
   * their point times when older than the observation (a stale gauge beside a fresh `up`). A request
   * with none of them (only `up`, say, from another exporter): carry the last ones on, with their time.
   */
  private carryReplication(draft: MemberDraft, observation: Observation): void {
    const fields = REPLICATION_FIELDS;
    let facts = this.lastReplication.get(draft.key);
    const any = observation.position !== undefined || observation.lagSeconds !== undefined || observation.lagBytes !== undefined;
    if (!any && facts === undefined) return;
    if (facts === undefined) {
      facts = { values: new Float64Array(REPLICATION_SLOTS), atMillis: new Float64Array(REPLICATION_SLOTS) };
      this.lastReplication.set(draft.key, facts);
    }
    let oldest = observation.observedAtMillis;
    for (let slot = 0; slot < REPLICATION_SLOTS; slot++) {
      const field = fields[slot]!;
      if (any) {
        const value = observation[field];
        facts.values[slot] = value ?? NaN;
        if (value === undefined) continue;
        // A delta position has no point time of its own: the request's.
        facts.atMillis[slot] = seen(draft.values, slot) ? draft.valueAtMillis[slot]! : observation.observedAtMillis;
      } else {
        if (Number.isNaN(facts.values[slot]!)) continue;
        observation[field] = facts.values[slot]!;
      }
      if (facts.atMillis[slot]! < oldest) oldest = facts.atMillis[slot]!;
    }
    if (oldest < observation.observedAtMillis) observation.replicationObservedAtMillis = oldest;
  }

  /** Retire the learned members silent for member_expiry (none when it is unset) and return them. */
  retireSilentMembers(nowMillis: number): RetiredMember[] {
    this.admission.retireSilentMembers(nowMillis);
    return this.takeRetired();
  }

  /** A retired member that comes back starts a new delta position total, like after a restart. */
  private takeRetired(): RetiredMember[] {
    const retired = this.admission.takeRetired();
    for (const { group, member } of retired) {
      this.deltaPositionTotals.delete(`${group}\u0000${member}`);
      this.lastReplication.delete(`${group}\u0000${member}`);
      this.contrib?.forget(group, member);
    }
    return retired;
  }
}

function refuse(refusals: IngestResult['refusals'], reason: PointRefusalReason, points: number, example: string): void {
  const entry = refusals.get(reason);
  if (entry) entry.points += points;
  else refusals.set(reason, { points, example });
}

/** Date covers ±8.64e15 ms; a time beyond (never valid here) is shown as its number rather than throwing. */
function describeTime(atMillis: number): string {
  return Math.abs(atMillis) <= 8.64e15 ? new Date(atMillis).toISOString() : `${atMillis * 1e6} ns since 1970`;
}

function seen(values: ArrayLike<number>, slot: number): boolean {
  return !Number.isNaN(values[slot]!);
}

/** "refused 3 of the data points: unknown_group ×2 (group "x" is not configured…); …" for partial_success.error_message. */
export function describeRefusals(refusals: IngestResult['refusals']): string {
  const parts: string[] = [];
  let total = 0;
  for (const [reason, { points, example }] of refusals) {
    total += points;
    parts.push(`${reason} ×${points} (e.g. ${example})`);
  }
  return `refused ${total} data point${total === 1 ? '' : 's'}: ${parts.join('; ')}`;
}
