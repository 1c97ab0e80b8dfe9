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
