import { METRICS } from './contract';
import { UnreadSeries } from './series';

// What the panel says when the phase is missing. "Is the collector scraped?" only when nothing at
// all came back: a query that aggregates the name away (`max by (group) (recovery_group_phase)`
// with refId A) or returns other metrics gets told what to change instead.

const FIX_UNNAMED =
  `An aggregation such as max by (group) drops __name__: set each query's refId to the metric it returns ` +
  `(e.g. ${METRICS.phase}), or add __name__ to its by (…) labels.`;

/** Nothing could be read as a contract metric. */
export function noSeriesProblem(unread: UnreadSeries): string {
  if (unread.unnamedRefIds.size > 0) {
    return `No ${METRICS.phase} series recognised. ${unnamed(unread)} ${FIX_UNNAMED}`;
  }
  if (unread.otherMetrics.size > 0) {
    return (
      `No recovery_* series: the queries return ${list([...unread.otherMetrics])}. ` +
      `Query the collector's metrics, e.g. {__name__=~"recovery_(group|member)_.*"}; if Prometheus has none, is the collector scraped?`
    );
  }
  return `No ${METRICS.phase} series: is the collector scraped? (queries must return the recovery_* metrics)`;
}

/** Other contract metrics were read, the phase was not: the collector is scraped, a query is missing or unnamed. */
export function noPhaseProblem(unread: UnreadSeries): string {
  if (unread.unnamedRefIds.size > 0) {
    return `No ${METRICS.phase} series recognised. ${unnamed(unread)} ${FIX_UNNAMED} Phases below are unknown.`;
  }
  return (
    `No ${METRICS.phase} series: the queries return other recovery_* metrics but not the phase. ` +
    `Add a query for ${METRICS.phase}. Phases below are unknown.`
  );
}

/** The phase was read but some query's series were not: their signals are missing from the cards. */
export function unnamedSeriesHint(unread: UnreadSeries): string | undefined {
  if (unread.unnamedRefIds.size === 0) {
    return undefined;
  }
  return `${unnamed(unread)} Their values are not shown. ${FIX_UNNAMED}`;
}

/** "Query A returns series without a metric name." / "Queries A, B and C return …" */
function unnamed(unread: UnreadSeries): string {
  const refIds = [...unread.unnamedRefIds].map((r) => (r === '' ? '(no refId)' : r));
  const subject = refIds.length === 1 ? `Query ${refIds[0]} returns` : `Queries ${list(refIds)} return`;
  return `${subject} series without a metric name.`;
}

/** "a", "a and b", "a, b and c", "a, b, c, d, e and 3 more". */
function list(items: string[], max = 5): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) {
    return `${shown.join(', ')} and ${rest} more`;
  }
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown.join('');
}
