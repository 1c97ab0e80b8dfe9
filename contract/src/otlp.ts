/**
 * What the collector's OTLP/HTTP receiver reads (DESIGN.md §3.1, contract): the member metrics an
 * application or an OpenTelemetry Collector sends, the identity and fingerprint attributes, and
 * the failure-domain (dependency) attributes. The names the collector *exports* over OTLP are
 * `otlpName(METRICS.…)` (metrics.ts).
 */

/** `recovery.member.*` metrics, by the Observation field each one fills. */
export const OTLP_MEMBER_METRICS = {
  /** Replication position (gauge or sum): offset, LSN, sequence. */
  position: 'recovery.member.position',
  /** Seconds behind the leader (gauge, unit `s`; `ms` accepted). */
  lagSeconds: 'recovery.member.lag',
  /** Bytes behind the leader (gauge, unit `By`; `KiB`, `MiB` accepted). */
  lagBytes: 'recovery.member.lag_bytes',
  /** Reachable (gauge 0/1). */
  up: 'recovery.member.up',
  /** Serving traffic (gauge 0/1). */
  serving: 'recovery.member.serving',
  /** Operations/s or connections (gauge). */
  load: 'recovery.member.load',
  /** Gauge 1 carrying the fingerprint attributes. */
  info: 'recovery.member.info',
} as const;

export type OtlpMemberMetricKey = keyof typeof OTLP_MEMBER_METRICS;

/** Identity and fingerprint attributes, read from the data point's attributes or else the resource's. */
export const OTLP_ATTRIBUTES = {
  group: 'recovery.group',
  member: 'recovery.member',
  role: 'recovery.member.role',
  /** On `recovery.member.info` points (or the resource). */
  stateFingerprint: 'recovery.state.fingerprint',
  permissionFingerprint: 'recovery.permission.fingerprint',
  /** Resource attribute used when `recovery.group` is absent. */
  groupFallback: 'service.name',
  /** Resource attribute used when `recovery.member` is absent. */
  memberFallback: 'service.instance.id',
} as const;

/**
 * Resource attributes that are failure-domain dimensions (DESIGN.md §2), by their OpenTelemetry
 * semantic-convention names. Anything else (rack, power, network, config or credential source)
 * comes as `recovery.dependency.<dimension>`.
 */
export const OTLP_DEPENDENCY_RESOURCE_ATTRIBUTES = ['cloud.region', 'cloud.availability_zone', 'host.name', 'k8s.node.name', 'service.version'] as const;

/** Prefix of a custom dependency attribute: `recovery.dependency.rack` is the dimension `rack`. */
export const OTLP_DEPENDENCY_PREFIX = 'recovery.dependency.';
