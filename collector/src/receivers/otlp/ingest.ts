import type { Observation } from '../../model/types';
import { GroupAdmission, type RetiredMember } from './admission';
import { MemberMap } from './member-map';
import type { OtlpServerConfig } from './config';
import type { DecodeBudget } from './decode-budget';
import { decodeProtobufRequest } from './decode-protobuf';
import { mapProtobufRequest } from './map-protobuf';
import { mapRequest } from './map-request';
import type { OtlpMetricsRequest } from './otlp-types';
import { type Refusals } from './refusals';
import { RequestMapping, VALUE_SLOT as VALUE_SLOT_IMPORTED, type MemberDraft } from './request-mapping';
import type { ContribOptions } from './contrib/contrib-config';
import { ContribIngest } from './contrib/contrib-ingest';

export { describeRefusals } from './refusals';

export const OTLP_SOURCE = 'otlp';

/** What one request turned into: one observation per member, and what was refused. */
export interface IngestResult {
  observations: Observation[];
  /** Data points behind each observation (same index), so a sink refusal can be counted in points. */
  pointsPerObservation: number[];
  rejectedDataPoints: number;
  refusals: Refusals;
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

/** Local alias: read per member, and an imported binding is a getter call under some loaders (tsx). */
const VALUE_SLOT = VALUE_SLOT_IMPORTED;

/** The slots that tell how far a member is behind (position, lagSeconds, lagBytes): carried between requests with their time. */
const REPLICATION_SLOTS = 3;

/** The Observation field of each replication slot, in slot order. */
const REPLICATION_FIELDS = ['position', 'lagSeconds', 'lagBytes'] as const;

/** A member's last replication values (NaN = never sent) and when each was measured. */
interface ReplicationFacts {
  values: Float64Array;
  atMillis: Float64Array;
}

/**
 * Turns decoded OTLP requests into observations (DESIGN.md §3.1). Keeps the
 * little state that spans requests: which groups and members were admitted
 * and when (for the limits and member_expiry) and running totals of delta `recovery.member.position` sums.
 */
export class OtlpIngest {
  private readonly admission: GroupAdmission;
  private readonly deltaPositionTotals = new MemberMap<number>();
  /**
   * Per member, the replication values last received. A request without them (e.g. only
   * `recovery.member.up`, from another exporter) carries them on with their own time, so a
   * fresh `up` never makes an old lag look current: the model ignores them once older than freshness.
   */
  private readonly lastReplication = new MemberMap<ReplicationFacts>();

  private readonly contrib: ContribIngest | undefined;

  constructor(private readonly options: IngestOptions) {
    this.admission = new GroupAdmission(options.groups, options.server, options.declaredMembers);
    this.contrib = options.contrib && new ContribIngest(options.contrib, options.server, OTLP_SOURCE);
  }

  /** A decoded request (OTLP/JSON, or protobuf decoded to objects). */
  ingest(request: OtlpMetricsRequest, nowMillis: number): IngestResult {
    const mapping = new RequestMapping(this.options.server, nowMillis);
    mapRequest(request, mapping, this.options.server.maxAttributeValueLength);
    return this.finish(mapping, request, nowMillis);
  }

  /**
   * A protobuf body, decoded and mapped in one pass (map-protobuf.ts) without building the
   * request's objects; with contrib, which reads other metrics of the same request, decoded to
   * objects first. Throws what decodeProtobufRequest throws, before anything is admitted.
   */
  ingestProtobuf(body: Uint8Array, budget: DecodeBudget, nowMillis: number): IngestResult {
    if (this.contrib) return this.ingest(decodeProtobufRequest(body, budget), nowMillis);
    const mapping = new RequestMapping(this.options.server, nowMillis);
    mapProtobufRequest(body, budget, mapping, this.options.server);
    return this.finish(mapping, undefined, nowMillis);
  }

  /** Admit the request's members, then one observation per admitted member (and contrib's, which reads `request`). */
  private finish(mapping: RequestMapping, request: OtlpMetricsRequest | undefined, nowMillis: number): IngestResult {
    const { drafts, refusals } = mapping.commit(this.admission);
    const contrib = request && this.contrib?.ingest(request, nowMillis, this.admission, refusals);
    const observations: Observation[] = [];
    const pointsPerObservation: number[] = [];
    for (const draft of drafts) {
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
        const total = (this.deltaPositionTotals.get(draft.group, draft.member) ?? 0) + draft.positionDelta;
        this.deltaPositionTotals.set(draft.group, draft.member, total);
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
    if (contrib) {
      observations.push(...contrib.observations);
      pointsPerObservation.push(...contrib.pointsPerObservation);
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
    let facts = this.lastReplication.get(draft.group, draft.member);
    const any = observation.position !== undefined || observation.lagSeconds !== undefined || observation.lagBytes !== undefined;
    if (!any && facts === undefined) return;
    if (facts === undefined) {
      facts = { values: new Float64Array(REPLICATION_SLOTS), atMillis: new Float64Array(REPLICATION_SLOTS) };
      this.lastReplication.set(draft.group, draft.member, facts);
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
      this.deltaPositionTotals.delete(group, member);
      this.lastReplication.delete(group, member);
      this.contrib?.forget(group, member);
    }
    return retired;
  }
}

function seen(values: ArrayLike<number>, slot: number): boolean {
  return !Number.isNaN(values[slot]!);
}
