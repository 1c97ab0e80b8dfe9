/**
 * The one list of metrics Rebound exports lives in @rebound/contract (contract/src/metrics.ts);
 * this module re-exports it so the exporters' imports stay short.
 */
export {
  ALL_METRICS,
  MAX_PERMISSION_DIFFERENCE_SERIES,
  METRICS,
  RECEIVER_METRICS,
  RECOVERY_DURATION_BUCKETS_SECONDS,
  type MetricDefinition,
  type MetricKey,
  type ReceiverMetricKey,
} from '@rebound/contract';
