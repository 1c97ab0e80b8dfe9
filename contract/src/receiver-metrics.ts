/**
 * What the receivers count themselves, apart from the derived state: their counters (registered
 * on the collector's Prometheus registry, not exported over OTLP) and the fixed vocabulary of why
 * they refuse a data point or a whole request (the `reason` label).
 */
import type { MetricDefinition } from './metrics';

/**
 * The receivers' own counters, registered by the receivers on the collector's Prometheus
 * registry (not derived state, so not exported over OTLP). `receiver` is the receiver type
 * (`otlp`); `reason` is one of REFUSAL_REASONS.
 */
export const RECEIVER_METRICS = {
  refused: {
    name: 'recovery_receiver_refused_total',
    type: 'counter',
    unit: '{item}',
    labels: ['receiver', 'reason'],
    help: 'Data points (or, for request-level reasons, whole requests) a receiver refused, by fixed reason.',
  },
  membersRetired: {
    name: 'recovery_receiver_members_retired_total',
    type: 'counter',
    unit: '{member}',
    labels: ['receiver'],
    help: 'Members a receiver retired after member_expiry without an accepted data point (learned members only; declared ones never retire).',
  },
} as const satisfies Record<string, MetricDefinition>;

export type ReceiverMetricKey = keyof typeof RECEIVER_METRICS;

/** Why a receiver refused a data point: the `reason` label of `recovery_receiver_refused_total` (counts data points). */
export const POINT_REFUSAL_REASONS = [
  'unknown_group', // group not configured and dynamic_groups is off
  'too_many_groups', // dynamic group beyond max_groups
  'other_shard', // the group belongs to another shard (shard:)
  'too_many_members', // member beyond max_members_per_group
  'too_many_attributes', // resource or point with more than max_attributes attributes
  'attribute_too_long', // an attribute Rebound reads is longer than max_attribute_value_length
  'invalid_attribute', // an identity/role/fingerprint attribute of the wrong kind (e.g. an array, unknown role)
  'missing_identity', // no recovery.group/service.name or no recovery.member/service.instance.id
  'future_timestamp', // point time further ahead than max_clock_skew
  'invalid_value', // no value, NaN/Inf, unsupported unit or temporality
  'unsupported_metric_type', // histogram/summary for a recovery.member.* metric
  'sink_refused', // the engine refused the observation
] as const;

/** Why a receiver refused a whole request (counts requests). */
export const REQUEST_REFUSAL_REASONS = [
  'unauthorized',
  'body_too_large',
  'malformed',
  'unsupported_media_type',
  'overloaded',
  'too_many_points', // more data points in one request than max_points_per_request
  'too_many_items', // a request decoding into more than max_items_per_request items
  'read_timeout', // the body did not arrive within read_timeout
  'memory_limit', // refused while memory was above memory_limit
] as const;

export type PointRefusalReason = (typeof POINT_REFUSAL_REASONS)[number];
export type RequestRefusalReason = (typeof REQUEST_REFUSAL_REASONS)[number];
export type RefusalReason = PointRefusalReason | RequestRefusalReason;
