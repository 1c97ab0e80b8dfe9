import type { Role } from '../../model/types';
import type { GroupAdmission } from './admission';
import { NO_FACTS as NO_FACTS_IMPORTED, type AttributeFacts } from './attribute-facts';
import type { OtlpServerConfig } from './config';
import { MemberMap } from './member-map';
import type { MemberField, MemberMetric } from './member-metrics';
import { int64ToNumber as int64ToNumberImported, type Int64 } from './otlp-types';
import { refuse as refuseImported, type Refusals } from './refusals';
import type { PointRefusalReason } from './refusal';

/** Slots of the numeric fields in MemberDraft.values / valueAtMillis. */
export const VALUE_SLOT: Readonly<Record<Exclude<MemberField, 'info'>, number>> = { position: 0, lagSeconds: 1, lagBytes: 2, up: 3, serving: 4, load: 5 };

/** One member's observation being assembled from the request's points. */
export interface MemberDraft {
  group: string;
  member: string;
  points: number;
  observedAtMillis: number;
  role?: Role;
  stateFingerprint?: string;
  permissionFingerprint?: string;
  dependencies?: Record<string, string>;
  /** The resource whose dependencies were last merged in (merged once per resource, not per point). */
  dependenciesFrom?: ResourceContext;
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
export interface ResourceContext {
  facts: AttributeFacts;
  draft?: MemberDraft;
}

/** What addPoint needs of a point's metric: the same for all its points. */
export interface PointMetric {
  name: string;
  field: MemberField;
  /** A delta sum (recovery.member.position only): added up, not replaced. */
  isDelta: boolean;
  /** To the base unit (seconds, bytes). */
  unitFactor: number;
  /** VALUE_SLOT of the field, looked up once per metric rather than per point (-1 for info). */
  slot: number;
}

/** Why a metric's points are all refused, before their count is known (a decoder counts them as it walks them). */
export interface MetricRefusal {
  reason: PointRefusalReason;
  example: string;
}

/** Local aliases: a module-local binding is cheaper to reach on the hot path than an imported one under some loaders (tsx). */
const NO_FACTS = NO_FACTS_IMPORTED;
const int64ToNumber = int64ToNumberImported;
const refuse = refuseImported;

/**
 * One request's data points gathered into member drafts (DESIGN.md §3.1), fed
 * either from a decoded request (map-request.ts) or straight off the protobuf
 * wire (map-protobuf.ts), resource by resource and point by point in the
 * order they were sent.
 *
 * Admission (unknown groups, max_groups, max_members_per_group) is asked only
 * in `commit`, once the whole body has decoded: a body found malformed halfway
 * must leave no group or member admitted. The answer is the same as asking at
 * each member's first usable point: within one request a member refused once is
 * refused again, so refusing all its points at that place counts the same,
 * and the refusals are replayed in the order they arose, so the first example
 * of each reason is the one that came first.
 */
export class RequestMapping {
  /** Every member with a usable point, admitted or not yet asked, in the order of their first point. */
  private readonly drafts = new MemberMap<MemberDraft>();
  /** Refusals and first-seen members in the order they arose (a draft: ask admission there). */
  private readonly log: (MemberDraft | { reason: PointRefusalReason; points: number; example: string })[] = [];
  private readonly maxAttributes: number;
  private readonly maxClockSkewMillis: number;

  constructor(
    server: Pick<OtlpServerConfig, 'maxAttributes' | 'maxClockSkewMillis'>,
    private readonly nowMillis: number,
  ) {
    this.maxAttributes = server.maxAttributes;
    this.maxClockSkewMillis = server.maxClockSkewMillis;
  }

  /** A resource's attribute facts, or a problem when it has more attributes than max_attributes. */
  resourceFacts(attributeCount: number, read: () => AttributeFacts): AttributeFacts {
    if (attributeCount > this.maxAttributes) {
      return {
        problem: { reason: 'too_many_attributes', example: `a resource has ${attributeCount} attributes (max_attributes is ${this.maxAttributes})` },
      };
    }
    return attributeCount > 0 ? read() : NO_FACTS;
  }

  /** How a recovery.member.* metric's points are read, or why all of them are refused. */
  pointMetric(name: string, unit: string, memberMetric: MemberMetric, isDelta: boolean): PointMetric | MetricRefusal {
    if (isDelta && memberMetric.field !== 'position') {
      return { reason: 'invalid_value', example: `${name} arrived as a delta sum; only recovery.member.position may be a delta sum` };
    }
    const unitFactor = memberMetric.units === undefined ? 1 : memberMetric.units[unit];
    if (unitFactor === undefined) {
      const expected = Object.keys(memberMetric.units!)
        .map((u) => `"${u}"`)
        .join(', ');
      return { reason: 'invalid_value', example: `${name} has unit "${unit}"; expected one of ${expected}` };
    }
    const field = memberMetric.field;
    return { name, field, isDelta, unitFactor, slot: field === 'info' ? -1 : VALUE_SLOT[field] };
  }

  /** The example of a recovery metric that arrived as a histogram, exponential histogram or summary. */
  unsupportedKind(name: string, kind: 'histogram' | 'exponential histogram' | 'summary'): MetricRefusal {
    return { reason: 'unsupported_metric_type', example: `${name} arrived as a ${kind}; send it as a gauge or a sum` };
  }

  /** `points` may be 0 (a metric refused with no points): the reason is still reported, as it always was. */
  refuse(reason: PointRefusalReason, points: number, example: string): void {
    this.log.push({ reason, points, example });
  }

  /**
   * One data point into its member's draft, or counted as refused.
   * `pointFacts`: its attributes read (NO_FACTS without any; ignored when there are more than max_attributes).
   * `raw`: as_double if sent, else as_int, else undefined.
   */
  addPoint(
    metric: PointMetric,
    resource: ResourceContext,
    attributeCount: number,
    pointFacts: AttributeFacts,
    timeUnixNano: Int64,
    raw: number | undefined,
  ): void {
    const { name: metricName, field } = metric;
    const resourceFacts = resource.facts;
    if (resourceFacts.problem) return this.refuse(resourceFacts.problem.reason, 1, resourceFacts.problem.example);
    if (attributeCount > this.maxAttributes) {
      return this.refuse('too_many_attributes', 1, `a ${metricName} point has ${attributeCount} attributes (max_attributes is ${this.maxAttributes})`);
    }
    if (pointFacts.problem) return this.refuse(pointFacts.problem.reason, 1, pointFacts.problem.example);
    const group = pointFacts.group ?? resourceFacts.group;
    const member = pointFacts.member ?? resourceFacts.member;
    if (group === undefined || member === undefined) {
      const missing = group === undefined ? 'group (recovery.group or resource service.name)' : 'member (recovery.member or resource service.instance.id)';
      return this.refuse('missing_identity', 1, `a ${metricName} point names no ${missing}`);
    }
    let value = 1;
    if (field !== 'info') {
      if (raw === undefined || !Number.isFinite(raw)) {
        return this.refuse('invalid_value', 1, `a ${metricName} point of ${group}/${member} has ${raw === undefined ? 'no value' : `value ${raw}`}`);
      }
      value = raw * metric.unitFactor;
      if (!Number.isFinite(value)) {
        return this.refuse('invalid_value', 1, `a ${metricName} point of ${group}/${member} has value ${raw} that overflows once converted to the base unit`);
      }
    }
    const atMillis = this.pointMillis(metricName, group, member, timeUnixNano);
    if (atMillis === undefined) return;
    this.intoDraft(metric, resource, pointFacts, group, member, atMillis, value);
  }

  /** A point's time in milliseconds (0: now; a small skew ahead: clamped to now), or undefined when refused. */
  private pointMillis(metricName: string, group: string, member: string, timeUnixNano: Int64): number | undefined {
    const nowMillis = this.nowMillis;
    const atMillis = int64ToNumber(timeUnixNano) / 1e6;
    if (atMillis === 0) return nowMillis;
    if (!(atMillis > 0)) {
      const time = String(timeUnixNano).slice(0, 40);
      this.refuse('invalid_value', 1, `a ${metricName} point of ${group}/${member} has time_unix_nano ${time}, not a time since 1970`);
      return undefined;
    }
    if (atMillis > nowMillis + this.maxClockSkewMillis) {
      const example = `a ${metricName} point of ${group}/${member} is stamped ${describeTime(atMillis)}, beyond max_clock_skew ahead of now; check the sender's clock`;
      this.refuse('future_timestamp', 1, example);
      return undefined;
    }
    return atMillis > nowMillis ? nowMillis : atMillis;
  }

  private intoDraft(
    metric: PointMetric,
    resource: ResourceContext,
    pointFacts: AttributeFacts,
    group: string,
    member: string,
    atMillis: number,
    value: number,
  ) {
    const resourceFacts = resource.facts;
    const field = metric.field;
    const namedByResource = pointFacts.group === undefined && pointFacts.member === undefined;
    let draft = namedByResource ? resource.draft : undefined;
    if (draft === undefined) {
      draft = this.drafts.get(group, member);
      if (draft === undefined) {
        draft = {
          group,
          member,
          points: 0,
          observedAtMillis: atMillis,
          values: [NaN, NaN, NaN, NaN, NaN, NaN], // one per VALUE_SLOT
          valueAtMillis: [NaN, NaN, NaN, NaN, NaN, NaN], // read only where a value was seen
        };
        this.drafts.set(group, member, draft);
        this.log.push(draft);
      }
      if (namedByResource) resource.draft = draft;
    }
    draft.points++;
    if (atMillis > draft.observedAtMillis) draft.observedAtMillis = atMillis;
    const role = pointFacts.role ?? resourceFacts.role;
    if (role !== undefined) draft.role = role;
    if (draft.dependenciesFrom !== resource) {
      draft.dependenciesFrom = resource;
      const dependencies = resourceFacts.dependencies;
      if (dependencies) draft.dependencies = draft.dependencies === undefined ? { ...dependencies } : Object.assign(draft.dependencies, dependencies);
    }
    if (pointFacts.dependencies) draft.dependencies = Object.assign(draft.dependencies ?? {}, pointFacts.dependencies);
    // Fingerprints come on recovery.member.info points, or on the resource for every point.
    const infoFacts = field === 'info' ? pointFacts : NO_FACTS;
    const state = infoFacts.stateFingerprint ?? resourceFacts.stateFingerprint;
    const permission = infoFacts.permissionFingerprint ?? resourceFacts.permissionFingerprint;
    if (state !== undefined) draft.stateFingerprint = state;
    if (permission !== undefined) draft.permissionFingerprint = permission;
    if (field === 'info') return;
    if (metric.isDelta) {
      draft.positionDelta = (draft.positionDelta ?? 0) + value;
      return;
    }
    const slot = metric.slot;
    if (Number.isNaN(draft.values[slot]!) || atMillis >= draft.valueAtMillis[slot]!) {
      draft.values[slot] = value;
      draft.valueAtMillis[slot] = atMillis;
    }
  }

  /** Ask admission for every member, in the order of their first point; returns the admitted drafts and all refusals. */
  commit(admission: GroupAdmission): { drafts: MemberDraft[]; refusals: Refusals } {
    const refusals: Refusals = new Map();
    const drafts: MemberDraft[] = [];
    const nowMillis = this.nowMillis;
    for (const entry of this.log) {
      if (!('group' in entry)) {
        refuse(refusals, entry.reason, entry.points, entry.example);
        continue;
      }
      const refused = admission.admit(entry.group, entry.member, nowMillis);
      if (refused) refuse(refusals, refused.reason, entry.points, refused.example);
      else drafts.push(entry);
    }
    return { drafts, refusals };
  }
}

/** Date covers ±8.64e15 ms; a time beyond (never valid here) is shown as its number rather than throwing. */
function describeTime(atMillis: number): string {
  return Math.abs(atMillis) <= 8.64e15 ? new Date(atMillis).toISOString() : `${atMillis * 1e6} ns since 1970`;
}
