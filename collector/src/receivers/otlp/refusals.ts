import type { PointRefusalReason } from './refusal';

/** Data points refused in one request, by reason, with the first example of each (in the order the reasons first arose). */
export type Refusals = Map<PointRefusalReason, { points: number; example: string }>;

export function refuse(refusals: Refusals, reason: PointRefusalReason, points: number, example: string): void {
  const entry = refusals.get(reason);
  if (entry) entry.points += points;
  else refusals.set(reason, { points, example });
}

/** "refused 3 of the data points: unknown_group ×2 (group "x" is not configured…); …" for partial_success.error_message. */
export function describeRefusals(refusals: Refusals): string {
  const parts: string[] = [];
  let total = 0;
  for (const [reason, { points, example }] of refusals) {
    total += points;
    parts.push(`${reason} ×${points} (e.g. ${example})`);
  }
  return `refused ${total} data point${total === 1 ? '' : 's'}: ${parts.join('; ')}`;
}
