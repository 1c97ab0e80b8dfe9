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
  int64ToNumber,
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

/** One member's observation being assembled from the request's points. */
interface MemberDraft {
  group: string;
  member: string;
  points: number;
  observedAtMillis: number;
  role?: Role;
  stateFingerprint?: string;
  permissionFingerprint?: string;
  dependencies?: Record<string, string>;
  /** Latest value per field, with its time: a later point wins, whatever order they came in. */
  values: Partial<Record<MemberField, { value: number; atMillis: number }>>;
  /** Sum of delta `position` points in this request. */
  positionDelta?: number;
}

const NO_FACTS: AttributeFacts = Object.freeze({});

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
    const refuse = (reason: PointRefusalReason, points: number, example: string): void => {
      const entry = refusals.get(reason);
      if (entry) entry.points += points;
      else refusals.set(reason, { points, example });
    };
    const drafts = new Map<string, MemberDraft>();
    const { maxAttributes, maxClockSkewMillis } = this.options.server;

    for (const resourceMetrics of request.resourceMetrics) {
      const resourceAttributes = resourceMetrics.resource?.attributes ?? [];
      let resourceFacts = NO_FACTS;
      if (resourceAttributes.length > maxAttributes) {
        resourceFacts = { problem: { reason: 'too_many_attributes', example: `a resource has ${resourceAttributes.length} attributes (max_attributes is ${maxAttributes})` } };
      } else if (resourceAttributes.length > 0) {
        resourceFacts = this.readAttributes(resourceAttributes, true);
      }
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          const memberMetric = MEMBER_METRICS.get(metric.name);
          if (memberMetric === undefined) continue; // not a recovery.member.* metric: not ours to read
          const kind = metric.data;
          if (kind !== 'gauge' && kind !== 'sum') {
            const count = kind ? (metric[kind]?.dataPoints.length ?? 0) : 0;
            if (count > 0) refuse('unsupported_metric_type', count, `${metric.name} arrived as a ${kind}; send it as a gauge or a sum`);
            continue;
          }
          const points = kind === 'gauge' ? metric.gauge!.dataPoints : metric.sum!.dataPoints;
          const isDelta = kind === 'sum' && metric.sum!.aggregationTemporality === TEMPORALITY_DELTA;
          if (isDelta && memberMetric.field !== 'position') {
            refuse('invalid_value', points.length, `${metric.name} arrived as a delta sum; only recovery.member.position may be a delta sum`);
            continue;
          }
          const unitFactor = memberMetric.units === undefined ? 1 : memberMetric.units[metric.unit];
          if (unitFactor === undefined) {
            refuse('invalid_value', points.length, `${metric.name} has unit "${metric.unit}"; expected one of ${Object.keys(memberMetric.units!).map((u) => `"${u}"`).join(', ')}`);
            continue;
          }
          for (const point of points) {
            this.addPoint(point, memberMetric.field, isDelta, unitFactor, metric.name, resourceFacts, drafts, refuse, nowMillis, maxClockSkewMillis);
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
    resourceFacts: AttributeFacts,
    drafts: Map<string, MemberDraft>,
    refuse: (reason: PointRefusalReason, points: number, example: string) => void,
    nowMillis: number,
    maxClockSkewMillis: number,
  ): void {
    if (resourceFacts.problem) return refuse(resourceFacts.problem.reason, 1, resourceFacts.problem.example);
    let pointFacts = NO_FACTS;
    if (point.attributes.length > this.options.server.maxAttributes) {
      return refuse('too_many_attributes', 1, `a ${metricName} point has ${point.attributes.length} attributes (max_attributes is ${this.options.server.maxAttributes})`);
    }
    if (point.attributes.length > 0) {
      pointFacts = this.readAttributes(point.attributes, false);
      if (pointFacts.problem) return refuse(pointFacts.problem.reason, 1, pointFacts.problem.example);
    }
    const group = pointFacts.group ?? resourceFacts.group;
    const member = pointFacts.member ?? resourceFacts.member;
    if (group === undefined || member === undefined) {
      return refuse('missing_identity', 1, `a ${metricName} point names no ${group === undefined ? 'group (recovery.group or resource service.name)' : 'member (recovery.member or resource service.instance.id)'}`);
    }

    let value = 1;
    if (field !== 'info') {
      const raw = point.value === 'asDouble' ? point.asDouble : point.value === 'asInt' ? int64ToNumber(point.asInt) : undefined;
      if (raw === undefined || !Number.isFinite(raw)) {
        return refuse('invalid_value', 1, `a ${metricName} point of ${group}/${member} has ${raw === undefined ? 'no value' : `value ${raw}`}`);
      }
      value = raw * unitFactor;
    }
    let atMillis = int64ToNumber(point.timeUnixNano) / 1e6;
    if (atMillis <= 0) atMillis = nowMillis;
    else if (atMillis > nowMillis + maxClockSkewMillis) {
      return refuse('future_timestamp', 1, `a ${metricName} point of ${group}/${member} is stamped ${new Date(atMillis).toISOString()}, beyond max_clock_skew ahead of now; check the sender's clock`);
    } else if (atMillis > nowMillis) atMillis = nowMillis;

    const admission = this.admit(group, member);
    if (admission) return refuse(admission.reason, 1, admission.example);

    const key = `${group}\u0000${member}`;
    let draft = drafts.get(key);
    if (draft === undefined) {
      draft = { group, member, points: 0, observedAtMillis: atMillis, values: {} };
      drafts.set(key, draft);
    }
    draft.points++;
    if (atMillis > draft.observedAtMillis) draft.observedAtMillis = atMillis;
    const role = pointFacts.role ?? resourceFacts.role;
    if (role !== undefined) draft.role = role;
    if (resourceFacts.dependencies || pointFacts.dependencies) {
      draft.dependencies = { ...draft.dependencies, ...resourceFacts.dependencies, ...pointFacts.dependencies };
    }
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
    const previous = draft.values[field];
    if (previous === undefined || atMillis >= previous.atMillis) draft.values[field] = { value, atMillis };
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
      const isRecovery = key.startsWith('recovery.');
      if (!isRecovery && !(onResource && (key === GROUP_FALLBACK_ATTRIBUTE || key === MEMBER_FALLBACK_ATTRIBUTE || DEPENDENCY_RESOURCE_ATTRIBUTES.has(key)))) {
        continue;
      }
      if (isRecovery && !isKnownRecoveryAttribute(key)) continue;
      const text = scalarText(value);
      if (text === undefined) {
        facts.problem = { reason: 'invalid_attribute', example: `attribute ${key} must be a string, number or boolean` };
        return facts;
      }
      if (text.length > maxLength) {
        facts.problem = { reason: 'attribute_too_long', example: `attribute ${key} is ${text.length} characters long (max_attribute_value_length is ${maxLength})` };
        return facts;
      }
      if (key === GROUP_ATTRIBUTE) facts.group = text;
      else if (key === MEMBER_ATTRIBUTE) facts.member = text;
      else if (key === GROUP_FALLBACK_ATTRIBUTE) fallbackGroup = text;
      else if (key === MEMBER_FALLBACK_ATTRIBUTE) fallbackMember = text;
      else if (key === ROLE_ATTRIBUTE) {
        if (!(ROLES as readonly string[]).includes(text)) {
          facts.problem = { reason: 'invalid_attribute', example: `recovery.member.role "${text.slice(0, 40)}" is not one of ${ROLES.join(', ')}` };
          return facts;
        }
        facts.role = text as Role;
      } else if (key === STATE_FINGERPRINT_ATTRIBUTE) facts.stateFingerprint = text;
      else if (key === PERMISSION_FINGERPRINT_ATTRIBUTE) facts.permissionFingerprint = text;
      else {
        const dimension = isRecovery ? key.slice(DEPENDENCY_PREFIX.length) : key;
        (facts.dependencies ??= {})[dimension] = text;
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
    for (const [key, draft] of drafts) {
      const observation: Observation = {
        group: draft.group,
        member: draft.member,
        source: OTLP_SOURCE,
        observedAtMillis: draft.observedAtMillis,
        // A member that sends recovery.* metrics is reachable unless it says up = 0.
        reachable: draft.values.up === undefined || draft.values.up.value !== 0,
      };
      if (draft.role !== undefined) observation.role = draft.role;
      const v = draft.values;
      if (v.serving !== undefined) observation.serving = v.serving.value !== 0;
      if (v.position !== undefined) observation.position = v.position.value;
      else if (draft.positionDelta !== undefined) {
        const total = (this.deltaPositionTotals.get(key) ?? 0) + draft.positionDelta;
        this.deltaPositionTotals.set(key, total);
        observation.position = total;
      }
      if (v.lagSeconds !== undefined) observation.lagSeconds = v.lagSeconds.value;
      if (v.lagBytes !== undefined) observation.lagBytes = v.lagBytes.value;
      if (v.load !== undefined) observation.load = v.load.value;
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

function isKnownRecoveryAttribute(key: string): boolean {
  return (
    key === GROUP_ATTRIBUTE ||
    key === MEMBER_ATTRIBUTE ||
    key === ROLE_ATTRIBUTE ||
    key === STATE_FINGERPRINT_ATTRIBUTE ||
    key === PERMISSION_FINGERPRINT_ATTRIBUTE ||
    (key.startsWith(DEPENDENCY_PREFIX) && key.length > DEPENDENCY_PREFIX.length)
  );
}

/** `{stringValue: "eu-1a"}` → "eu-1a"; ints, doubles and booleans as text; arrays, maps and bytes: undefined. */
function scalarText(value: OtlpAnyValue | null | undefined): string | undefined {
  switch (value?.value) {
    case 'stringValue':
      return value.stringValue!;
    case 'intValue':
      return String(int64ToNumber(value.intValue));
    case 'doubleValue':
      return String(value.doubleValue);
    case 'boolValue':
      return String(value.boolValue);
    default:
      return undefined;
  }
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
