/**
 * How a value from the config file appears in an error message. A message is one
 * log line: a value with a newline or an escape sequence must not be able to forge
 * a second line (log injection) or repaint the terminal, and a 1 MB value must not
 * become a 1 MB line.
 */

/** Longest part of a value echoed back; the rest becomes "…". */
export const MAX_ECHOED_VALUE_CHARS = 60;

/** `"pay\n-1"` for a string (JSON quoting, cut at 60 characters + …); `a list`, `a mapping`, `12` otherwise. */
export function quoteValue(raw: unknown): string {
  if (typeof raw === 'string') {
    const cut = [...raw].length > MAX_ECHOED_VALUE_CHARS ? [...raw].slice(0, MAX_ECHOED_VALUE_CHARS).join('') + '…' : raw;
    return escapeControl(JSON.stringify(cut));
  }
  if (Array.isArray(raw)) return 'a list';
  if (raw === null || raw === undefined) return 'nothing';
  if (typeof raw === 'object') return 'a mapping';
  return escapeControl(truncate(String(raw), MAX_ECHOED_VALUE_CHARS));
}

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidi
 * overrides as `\n`, `\t` or `\u001b`: what JSON.stringify leaves raw is escaped here.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** `text` cut to `max` characters, "…" marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}
