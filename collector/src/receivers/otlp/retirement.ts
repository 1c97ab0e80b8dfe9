import { RECEIVER_METRICS } from '@rebound/contract';
import type { Counter, Registry } from 'prom-client';
import { registeredCounter } from './registered-counter';

export const RETIRED_METRIC_NAME = RECEIVER_METRICS.membersRetired.name;

/**
 * Members a receiver forgot after `member_expiry` of silence. A rise is lost
 * redundancy the group state no longer shows (the member is gone from it), so
 * it is worth a panel or an alert next to `recovery_receiver_refused_total`.
 */
export function retiredCounter(registry: Registry): Counter<'receiver'> {
  return registeredCounter(registry, RETIRED_METRIC_NAME, RECEIVER_METRICS.membersRetired.help, RECEIVER_METRICS.membersRetired.labels);
}
