import type { MemberRecord } from './member-record';

/** Due at every tick: the group's state moves with time alone (an episode's elapsed time, ETA, hold-down, stale members' ages in words). */
export const EVERY_TICK = -Infinity;

/**
 * Due a millisecond early: deriving early only gives the same state again, deriving late
 * would publish a member as fresh past its freshness window (clocks in fractional ms, from
 * OTLP nanoseconds, could round the other way).
 */
const EARLY_MILLIS = 1;

/**
 * When a group derived at `nowMillis` must be derived again if nothing new arrives
 * (incremental ticks, docs/scaling.md "Incremental derivation"): the first moment a full
 * derivation could give a different state. Only a quiet group waits: no open episode and no
 * run in its onset delay, every member converged or never observed, none observed in the
 * future. Its state then changes with time only when a member's observation (or its
 * replication facts) leaves the freshness window, or a status change leaves the net
 * stabilization window; the rest of what moves with time — observation ages — readers age
 * from `derivedAtMillis`.
 * Anything else is due at every tick.
 */
export function derivationDueAtMillis(
  nowMillis: number,
  records: readonly MemberRecord[],
  freshnessMillis: number,
  inEpisode: boolean,
  stabilizationChangesAfterMillis: number,
): number {
  if (inEpisode) return EVERY_TICK;
  let due = stabilizationChangesAfterMillis;
  for (const record of records) {
    const latest = record.latest;
    // Never observed: "never observed" reads the same at any time.
    if (latest === undefined) continue;
    if (record.previousStatus !== 'converged') return EVERY_TICK;
    // Made "in the future" (a source's clock ahead): its age reads 0 until then, which aging the state cannot give.
    if (latest.observedAtMillis > nowMillis) return EVERY_TICK;
    due = Math.min(due, latest.observedAtMillis + freshnessMillis);
    if (latest.replicationObservedAtMillis !== undefined) due = Math.min(due, latest.replicationObservedAtMillis + freshnessMillis);
  }
  return due - EARLY_MILLIS;
}
