import { OTLP_ATTRIBUTES, OTLP_DEPENDENCY_PREFIX, OTLP_DEPENDENCY_RESOURCE_ATTRIBUTES, OTLP_MEMBER_METRICS } from '@rebound/contract';

/**
 * What the OTLP receiver reads (DESIGN.md §3.1, contract): metric names,
 * identity attributes and dependency attributes. One table; the README lists
 * the same names.
 */

/** Which Observation field a `recovery.member.*` metric fills. */
export type MemberField = 'position' | 'lagSeconds' | 'lagBytes' | 'up' | 'serving' | 'load' | 'info';

export interface MemberMetric {
  field: MemberField;
  /**
   * Units accepted, with the factor that converts a value to the Observation's
   * unit ('' = no unit given). Absent: any unit, taken as is.
   */
  units?: Readonly<Record<string, number>>;
}

export const MEMBER_METRICS: ReadonlyMap<string, MemberMetric> = new Map<string, MemberMetric>([
  [OTLP_MEMBER_METRICS.position, { field: 'position' }],
  [OTLP_MEMBER_METRICS.lagSeconds, { field: 'lagSeconds', units: { s: 1, ms: 0.001, '': 1 } }],
  [OTLP_MEMBER_METRICS.lagBytes, { field: 'lagBytes', units: { By: 1, KiB: 1024, MiB: 1024 * 1024, '': 1 } }],
  [OTLP_MEMBER_METRICS.up, { field: 'up' }],
  [OTLP_MEMBER_METRICS.serving, { field: 'serving' }],
  [OTLP_MEMBER_METRICS.load, { field: 'load' }],
  [OTLP_MEMBER_METRICS.info, { field: 'info' }],
]);

/** Identity attributes, read from the data point's attributes or else the resource's. */
export const GROUP_ATTRIBUTE = OTLP_ATTRIBUTES.group;
export const MEMBER_ATTRIBUTE = OTLP_ATTRIBUTES.member;
export const ROLE_ATTRIBUTE = OTLP_ATTRIBUTES.role;
/** Resource attributes used when the recovery.* ones are absent. */
export const GROUP_FALLBACK_ATTRIBUTE = OTLP_ATTRIBUTES.groupFallback;
export const MEMBER_FALLBACK_ATTRIBUTE = OTLP_ATTRIBUTES.memberFallback;

/** Fingerprints, on `recovery.member.info` points (or the resource). */
export const STATE_FINGERPRINT_ATTRIBUTE = OTLP_ATTRIBUTES.stateFingerprint;
export const PERMISSION_FINGERPRINT_ATTRIBUTE = OTLP_ATTRIBUTES.permissionFingerprint;

/**
 * Resource attributes that are failure-domain dimensions (DESIGN.md §2), by
 * their OpenTelemetry semantic-convention names. Anything else — rack, power,
 * network, config or credential source — comes as `recovery.dependency.<dimension>`.
 */
export const DEPENDENCY_RESOURCE_ATTRIBUTES: ReadonlySet<string> = new Set(OTLP_DEPENDENCY_RESOURCE_ATTRIBUTES);
export const DEPENDENCY_PREFIX = OTLP_DEPENDENCY_PREFIX;
