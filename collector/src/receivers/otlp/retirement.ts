import { Counter, type Registry } from 'prom-client';

export const RETIRED_METRIC_NAME = 'recovery_receiver_members_retired_total';

/**
 * Members a receiver forgot after `member_expiry` of silence. A rise is lost
 * redundancy the group state no longer shows (the member is gone from it), so
 * it is worth a panel or an alert next to `recovery_receiver_refused_total`.
 * Created once per registry, like the refusal counter.
 */
export function retiredCounter(registry: Registry): Counter<'receiver'> {
  const existing = registry.getSingleMetric(RETIRED_METRIC_NAME);
  if (existing) return existing as Counter<'receiver'>;
  return new Counter({
    name: RETIRED_METRIC_NAME,
    help: 'Members a receiver retired after member_expiry without an accepted data point (learned members only; declared ones never retire).',
    labelNames: ['receiver'],
    registers: [registry],
  });
}
