const UNIT_MILLIS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parse a Prometheus-style duration ("250ms", "30s", "5m", "1h30m") into
 * milliseconds. Returns undefined when the text is not a duration.
 */
export function parseDurationMillis(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(part[1]) * UNIT_MILLIS[part[2]!]!;
  }
  return total;
}

/** Render milliseconds the way an SRE reads them: "7m 12s", "1h 5m", "850ms". */
export function formatDuration(millis: number): string {
  if (!Number.isFinite(millis)) return 'unknown';
  if (millis < 1000) return `${Math.round(millis)}ms`;
  let seconds = Math.round(millis / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return seconds > 0 ? `${minutes}m ${seconds}s` : `${minutes}m`;
  return `${seconds}s`;
}
