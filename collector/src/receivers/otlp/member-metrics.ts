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
  ['recovery.member.position', { field: 'position' }],
  ['recovery.member.lag', { field: 'lagSeconds', units: { s: 1, ms: 0.001, '': 1 } }],
  ['recovery.member.lag_bytes', { field: 'lagBytes', units: { By: 1, KiB: 1024, MiB: 1024 * 1024, '': 1 } }],
  ['recovery.member.up', { field: 'up' }],
  ['recovery.member.serving', { field: 'serving' }],
  ['recovery.member.load', { field: 'load' }],
  ['recovery.member.info', { field: 'info' }],
]);

/** Identity attributes, read from the data point's attributes or else the resource's. */
export const GROUP_ATTRIBUTE = 'recovery.group';
export const MEMBER_ATTRIBUTE = 'recovery.member';
export const ROLE_ATTRIBUTE = 'recovery.member.role';
/** Resource attributes used when the recovery.* ones are absent. */
export const GROUP_FALLBACK_ATTRIBUTE = 'service.name';
export const MEMBER_FALLBACK_ATTRIBUTE = 'service.instance.id';

/** Fingerprints, on `recovery.member.info` points (or the resource). */
export const STATE_FINGERPRINT_ATTRIBUTE = 'recovery.state.fingerprint';
export const PERMISSION_FINGERPRINT_ATTRIBUTE = 'recovery.permission.fingerprint';

/**
 * Resource attributes that are failure-domain dimensions (DESIGN.md §2), by
 * their OpenTelemetry semantic-convention names. Anything else — rack, power,
 * network, config or credential source — comes as `recovery.dependency.<dimension>`.
 */
export const DEPENDENCY_RESOURCE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'cloud.region',
  'cloud.availability_zone',
  'host.name',
  'k8s.node.name',
  'service.version',
]);
export const DEPENDENCY_PREFIX = 'recovery.dependency.';
