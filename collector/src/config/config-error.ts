/**
 * A user's mistake in the config file. The CLI prints `message` without a stack
 * trace: it names the file, the key path inside it and what was expected.
 */
export class ConfigError extends Error {
  constructor(
    /** Key path inside the YAML file, e.g. `groups[1].redis.nodes[0].address`. */
    readonly keyPath: string,
    /** What was expected there, e.g. `a duration like 30s or 5m`. */
    readonly expected: string,
    /** Set by the loader once the file is known. */
    readonly file?: string,
  ) {
    super(`${file ? file + ': ' : ''}${keyPath || '(top level)'}: ${expected}`);
    this.name = 'ConfigError';
  }

  withFile(file: string): ConfigError {
    return new ConfigError(this.keyPath, this.expected, file);
  }
}
