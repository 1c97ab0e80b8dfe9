import { RECEIVER_METRICS } from '@rebound/contract';
import type { Counter, Registry } from 'prom-client';
import { registeredCounter } from './registered-counter';

/**
 * Why the OTLP receiver refused something: a fixed set (in @rebound/contract), so the label set of
 * `recovery_receiver_refused_total{receiver,reason}` stays bounded whatever clients send.
 * Data-point reasons count data points; request reasons count whole requests.
 */
export { POINT_REFUSAL_REASONS, REQUEST_REFUSAL_REASONS } from '@rebound/contract';
export type { PointRefusalReason, RefusalReason, RequestRefusalReason } from '@rebound/contract';

export const REFUSED_METRIC_NAME = RECEIVER_METRICS.refused.name;

/** The shared counter; created once per registry so several receivers can use it. */
export function refusedCounter(registry: Registry): Counter<'receiver' | 'reason'> {
  return registeredCounter(registry, REFUSED_METRIC_NAME, RECEIVER_METRICS.refused.help, RECEIVER_METRICS.refused.labels);
}
