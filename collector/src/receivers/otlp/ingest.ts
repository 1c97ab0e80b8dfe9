import { ROLES, type Observation, type Role } from '../../model/types';
import type { OtlpServerConfig } from './config';
import {
  DEPENDENCY_PREFIX,
  DEPENDENCY_RESOURCE_ATTRIBUTES,
  GROUP_ATTRIBUTE,
  GROUP_FALLBACK_ATTRIBUTE,
  MEMBER_ATTRIBUTE,
  MEMBER_FALLBACK_ATTRIBUTE,
  MEMBER_METRICS,
  PERMISSION_FINGERPRINT_ATTRIBUTE,
  ROLE_ATTRIBUTE,
  STATE_FINGERPRINT_ATTRIBUTE,
  type MemberField,
} from './member-metrics';
import {
  hasOwn as hasOwnImported,
  int64ToNumber as int64ToNumberImported,
  TEMPORALITY_DELTA,
  type OtlpAnyValue,
  type OtlpKeyValue,
  type OtlpMetricsRequest,
  type OtlpNumberDataPoint,
} from './otlp-types';
import type { PointRefusalReason } from './refusal';

export const OTLP_SOURCE = 'otlp';

/** What one request turned into: one observation per member, and what was refused. */
export interface IngestResult {
  observations: Observation[];
  /** Data points behind each observation (same index), so a sink refusal can be counted in points. */
  pointsPerObservation: number[];
  rejectedDataPoints: number;
  refusals: Map<PointRefusalReason, { points: number; example: string }>;
}

export interface IngestOptions {
  /** Groups configured with `otlp:`. */
  groups: ReadonlySet<string>;
  server: OtlpServerConfig;
  /** Members declared in config per group: they count toward max_members_per_group from the start. */
  declaredMembers?: ReadonlyMap<string, readonly string[]>;
}

/** Identity and dependency attributes found on a resource or a data point. */
interface AttributeFacts {
  group?: string;
  member?: string;
  role?: Role;
  stateFingerprint?: string;
  permissionFingerprint?: string;
  dependencies?: Record<string, string>;
  /** Set when an attribute Rebound reads is unusable: every point it applies to is refused. */
  problem?: { reason: PointRefusalReason; example: string };
}

/** Slots of the numeric fields in MemberDraft.values / valueAtMillis. */
const VALUE_SLOT: Readonly<Record<Exclude<MemberField, 'info'>, number>> = { position: 0, lagSeconds: 1, lagBytes: 2, up: 3, serving: 4, load: 5 };
const VALUE_SLOTS = 6;

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
  /** Latest value per slot with its time: a later point wins, whatever order they came in. NaN = not seen. */
  values: Float64Array;
  valueAtMillis: Float64Array;
  /** Sum of delta `position` points in this request. */
  positionDelta?: number;
}

/** Per resource: its facts, and the draft of the member it names (points without identity attributes reuse it). */
interface ResourceContext {
  facts: AttributeFacts;
  draft?: MemberDraft;
}

const NO_FACTS: AttributeFacts = Object.freeze({});
/** Local alias: a module-local binding is cheaper to reach on the hot path than an imported one under some loaders. */
const METRICS_BY_NAME = MEMBER_METRICS;
const hasOwn = hasOwnImported;
const int64ToNumber = int64ToNumberImported;

/**
 * Turns decoded OTLP requests into observations (DESIGN.md §3.1). Keeps the
 * little state that spans requests: members seen per group (for the limits)
 * and running totals of delta `recovery.member.position` sums.
 */
export class OtlpIngest {
  private readonly membersByGroup = new Map<string, Set<string>>();
  private dynamicGroups = 0;
  private readonly deltaPositionTotals = new Map<string, number>();

  constructor(private readonly options: IngestOptions) {
    for (const group of options.groups) {
      this.membersByGroup.set(group, new Set(options.declaredMembers?.get(group) ?? []));
    }
  }

  ingest(request: OtlpMetricsRequest, nowMillis: number): IngestResult {
    const refusals = new Map<PointRefusalReason, { points: number; example: string }>();
    const drafts = new Map<string, MemberDraft>();
    const { maxAttributes, maxClockSkewMillis } = this.options.server;

    for (const resourceMetrics of request.resourceMetrics) {
      const resourceAttributes = resourceMetrics.resource?.attributes ?? [];
      const resource: ResourceContext = { facts: NO_FACTS };
      if (resourceAttributes.length > maxAttributes) {
        resource.facts = { problem: { reason: 'too_many_attributes', example: `a resource has ${resourceAttributes.length} attributes (max_attributes is ${maxAttributes})` } };
      } else if (resourceAttributes.length > 0) {
        resource.facts = this.readAttributes(resourceAttributes, true);
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
            refuse(refusals, 'invalid_value', points.length, `${metric.name} has unit "${metric.unit}"; expected one of ${Object.keys(memberMetric.units!).map((u) => `"${u}"`).join(', ')}`);
            continue;
          }
          for (const point of points) {
            this.addPoint(point, memberMetric.field, isDelta, unitFactor, metric.name, resource, drafts, refusals, nowMillis, maxClockSkewMillis);
          }
        }
      }
    }
    return this.finish(drafts, refusals);
  }

  private addPoint(
    point: OtlpNumberDataPoint,
    field: MemberField,
    isDelta: boolean,
    unitFactor: number,
    metricName: string,
    resource: ResourceContext,
    drafts: Map<string, MemberDraft>,
    refusals: IngestResult['refusals'],
    nowMillis: number,
    maxClockSkewMillis: number,
  ): void {
    const resourceFacts = resource.facts;
    if (resourceFacts.problem) return refuse(refusals, resourceFacts.problem.reason, 1, resourceFacts.problem.example);
    let pointFacts = NO_FACTS;
    if (point.attributes.length > this.options.server.maxAttributes) {
      return refuse(refusals, 'too_many_attributes', 1, `a ${metricName} point has ${point.attributes.length} attributes (max_attributes is ${this.options.server.maxAttributes})`);
    }
    if (point.attributes.length > 0) {
      pointFacts = this.readAttributes(point.attributes, false);
      if (pointFacts.problem) return refuse(refusals, pointFacts.problem.reason, 1, pointFacts.problem.example);
    }
    const group = pointFacts.group ?? resourceFacts.group;
    const member = pointFacts.member ?? resourceFacts.member;
    if (group === undefined || member === undefined) {
      return refuse(refusals, 'missing_identity', 1, `a ${metricName} point names no ${group === undefined ? 'group (recovery.group or resource service.name)' : 'member (recovery.member or resource service.instance.id)'}`);
    }

    let value = 1;
    if (field !== 'info') {
      const raw = hasOwn(point, 'asDouble') ? point.asDouble : hasOwn(point, 'asInt') ? int64ToNumber(point.asInt) : undefined;
      if (raw === undefined || !Number.isFinite(raw)) {
        return refuse(refusals, 'invalid_value', 1, `a ${metricName} point of ${group}/${member} has ${raw === undefined ? 'no value' : `value ${raw}`}`);
      }
      value = raw * unitFactor;
    }
    let atMillis = int64ToNumber(point.timeUnixNano) / 1e6;
    if (atMillis <= 0) atMillis = nowMillis;
    else if (atMillis > nowMillis + maxClockSkewMillis) {
      return refuse(refusals, 'future_timestamp', 1, `a ${metricName} point of ${group}/${member} is stamped ${new Date(atMillis).toISOString()}, beyond max_clock_skew ahead of now; check the sender's clock`);
    } else if (atMillis > nowMillis) atMillis = nowMillis;

    const namedByResource = pointFacts.group === undefined && pointFacts.member === undefined;
    let draft = namedByResource ? resource.draft : undefined;
    if (draft === undefined) {
      const key = `${group}\u0000${member}`;
      draft = drafts.get(key);
      if (draft === undefined) {
        const admission = this.admit(group, member);
        if (admission) return refuse(refusals, admission.reason, 1, admission.example);
        draft = { key, group, member, points: 0, observedAtMillis: atMillis, values: new Float64Array(VALUE_SLOTS).fill(NaN), valueAtMillis: new Float64Array(VALUE_SLOTS) };
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
    const slot = VALUE_SLOT[field];
    if (Number.isNaN(draft.values[slot]!) || atMillis >= draft.valueAtMillis[slot]!) {
      draft.values[slot] = value;
      draft.valueAtMillis[slot] = atMillis;
    }
  }

  /** Apply dynamic_groups, max_groups and max_members_per_group; remember what is admitted. */
  private admit(group: string, member: string): { reason: PointRefusalReason; example: string } | undefined {
    let members = this.membersByGroup.get(group);
    if (members === undefined) {
      const { dynamicGroups, maxGroups } = this.options.server;
      if (!dynamicGroups) {
        return { reason: 'unknown_group', example: `group "${group}" is not configured: add it under groups: with otlp: {}, or set otlp.dynamic_groups: true` };
      }
      if (this.dynamicGroups >= maxGroups) {
        return { reason: 'too_many_groups', example: `group "${group}" would exceed otlp.max_groups (${maxGroups})` };
      }
      members = new Set();
      this.membersByGroup.set(group, members);
      this.dynamicGroups++;
    }
    if (!members.has(member)) {
      const max = this.options.server.maxMembersPerGroup;
      if (members.size >= max) {
        return { reason: 'too_many_members', example: `member "${member}" would exceed otlp.max_members_per_group (${max}) in group "${group}"` };
      }
      members.add(member);
    }
    return undefined;
  }

  /**
   * Read the attributes Rebound cares about. On a resource: identity
   * (recovery.* or service.name / service.instance.id), fingerprints and
   * dependency dimensions. On a data point: only the recovery.* ones.
   */
  private readAttributes(attributes: readonly OtlpKeyValue[], onResource: boolean): AttributeFacts {
    const facts: AttributeFacts = {};
    let fallbackGroup: string | undefined;
    let fallbackMember: string | undefined;
    const maxLength = this.options.server.maxAttributeValueLength;
    for (const { key, value } of attributes) {
      let kind = ATTRIBUTE_KIND.get(key);
      if (kind === undefined) {
        if (!key.startsWith(DEPENDENCY_PREFIX) || key.length === DEPENDENCY_PREFIX.length) continue; // not ours to read
        kind = 'recoveryDependency';
      } else if (!onResource && RESOURCE_ONLY_KINDS.has(kind)) continue;
      const text = scalarText(value);
      if (text === undefined) {
        facts.problem = { reason: 'invalid_attribute', example: `attribute ${key} must be a string, number or boolean` };
        return facts;
      }
      if (text.length > maxLength) {
        facts.problem = { reason: 'attribute_too_long', example: `attribute ${key} is ${text.length} characters long (max_attribute_value_length is ${maxLength})` };
        return facts;
      }
      switch (kind) {
        case 'group':
          facts.group = text;
          break;
        case 'member':
          facts.member = text;
          break;
        case 'groupFallback':
          fallbackGroup = text;
          break;
        case 'memberFallback':
          fallbackMember = text;
          break;
        case 'role':
          if (!(ROLES as readonly string[]).includes(text)) {
            facts.problem = { reason: 'invalid_attribute', example: `recovery.member.role "${text.slice(0, 40)}" is not one of ${ROLES.join(', ')}` };
            return facts;
          }
          facts.role = text as Role;
          break;
        case 'stateFingerprint':
          facts.stateFingerprint = text;
          break;
        case 'permissionFingerprint':
          facts.permissionFingerprint = text;
          break;
        case 'resourceDependency':
          (facts.dependencies ??= {})[key] = text;
          break;
        case 'recoveryDependency':
          (facts.dependencies ??= {})[key.slice(DEPENDENCY_PREFIX.length)] = text;
          break;
      }
    }
    if (facts.group === undefined && fallbackGroup !== undefined) facts.group = fallbackGroup;
    if (facts.member === undefined && fallbackMember !== undefined) facts.member = fallbackMember;
    if (facts.group === '' || facts.member === '') {
      facts.problem = { reason: 'missing_identity', example: 'recovery.group and recovery.member must not be empty' };
    }
    return facts;
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
      if (seen(v, VALUE_SLOT.load)) observation.load = v[VALUE_SLOT.load];
      if (draft.stateFingerprint !== undefined) observation.stateFingerprint = draft.stateFingerprint;
      if (draft.permissionFingerprint !== undefined) observation.permissionFingerprint = draft.permissionFingerprint;
      if (draft.dependencies !== undefined) observation.dependencies = draft.dependencies;
      observations.push(observation);
      pointsPerObservation.push(draft.points);
    }
    let rejectedDataPoints = 0;
    for (const { points } of refusals.values()) rejectedDataPoints += points;
    return { observations, pointsPerObservation, rejectedDataPoints, refusals };
  }
}

function refuse(refusals: IngestResult['refusals'], reason: PointRefusalReason, points: number, example: string): void {
  const entry = refusals.get(reason);
  if (entry) entry.points += points;
  else refusals.set(reason, { points, example });
}

function seen(values: Float64Array, slot: number): boolean {
  return !Number.isNaN(values[slot]!);
}

/** What an attribute Rebound reads is for; one Map lookup per attribute on the hot path. */
type AttributeKind =
  | 'group'
  | 'member'
  | 'groupFallback'
  | 'memberFallback'
  | 'role'
  | 'stateFingerprint'
  | 'permissionFingerprint'
  | 'resourceDependency'
  | 'recoveryDependency';

const ATTRIBUTE_KIND: ReadonlyMap<string, AttributeKind> = new Map<string, AttributeKind>([
  [GROUP_ATTRIBUTE, 'group'],
  [MEMBER_ATTRIBUTE, 'member'],
  [GROUP_FALLBACK_ATTRIBUTE, 'groupFallback'],
  [MEMBER_FALLBACK_ATTRIBUTE, 'memberFallback'],
  [ROLE_ATTRIBUTE, 'role'],
  [STATE_FINGERPRINT_ATTRIBUTE, 'stateFingerprint'],
  [PERMISSION_FINGERPRINT_ATTRIBUTE, 'permissionFingerprint'],
  ...[...DEPENDENCY_RESOURCE_ATTRIBUTES].map((key): [string, AttributeKind] => [key, 'resourceDependency']),
]);
/** Read on the resource only: on a data point, service.name or host.name are the app's own labels. */
const RESOURCE_ONLY_KINDS: ReadonlySet<AttributeKind> = new Set(['groupFallback', 'memberFallback', 'resourceDependency']);

/** `{stringValue: "eu-1a"}` → "eu-1a"; ints, doubles and booleans as text; arrays, maps, bytes, empty: undefined. */
function scalarText(value: OtlpAnyValue | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (hasOwn(value, 'stringValue')) return value.stringValue!;
  if (hasOwn(value, 'intValue')) return String(int64ToNumber(value.intValue));
  if (hasOwn(value, 'doubleValue')) return String(value.doubleValue);
  if (hasOwn(value, 'boolValue')) return String(value.boolValue);
  return undefined;
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
