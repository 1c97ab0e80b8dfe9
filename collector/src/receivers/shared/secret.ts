import { inspect } from 'node:util';

/**
 * A password or a URL carrying one. It prints as `***` everywhere (String(),
 * JSON.stringify, util.inspect, template strings), so a config or error that
 * holds it can be logged without leaking it; `reveal()` is the one way out.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  [inspect.custom](): string {
    return 'Secret(***)';
  }
}

/**
 * Mask each secret wherever it appears in a text bound for logs or errors: a
 * driver may echo a password back (`WRONGPASS for password …`, a URL in a
 * connection error). Empty or absent secrets leave the text alone.
 */
export function redactSecret(text: string, ...secrets: readonly (string | undefined)[]): string {
  let redacted = text;
  for (const secret of secrets) if (secret !== undefined && secret.length > 0) redacted = redacted.split(secret).join('***');
  return redacted;
}
