/**
 * Every substring of `secret` of at least `minLength` characters that is not
 * plain URL syntax or ordinary words of a log line: what a redaction that
 * stopped early (at the first `@`, at a space) would leave behind.
 */
export function longSubstrings(secret: string, minLength = 4): string[] {
  const pieces = new Set<string>();
  for (let length = Math.min(minLength, secret.length); length <= secret.length; length++) {
    for (let start = 0; start + length <= secret.length; start++) pieces.add(secret.slice(start, start + length));
  }
  return [...pieces];
}

/** The first piece of any secret found in `text`, or undefined: for a leak test's assertion message. */
export function findLeak(text: string, secrets: readonly string[], minLength = 4): string | undefined {
  for (const secret of secrets) for (const piece of longSubstrings(secret, minLength)) if (text.includes(piece)) return piece;
  return undefined;
}
