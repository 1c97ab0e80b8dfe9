import { escapeControl, truncate } from './quote';

/** Longest key path and explanation a message carries (a safety net: values are quoted short where they are echoed). */
const MAX_KEY_PATH_CHARS = 200;
const MAX_EXPECTED_CHARS = 1000;

/**
 * A user's mistake in the config file. The CLI prints `message` without a stack
 * trace: it names the file, the key path inside it and what was expected. The
 * message is always one line: control characters from the file (a key, a value,
 * the file name) are escaped, so a config cannot forge log lines.
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
    const where = truncate(keyPath, MAX_KEY_PATH_CHARS) || '(top level)';
    super(escapeControl(`${file ? file + ': ' : ''}${where}: ${truncate(expected, MAX_EXPECTED_CHARS)}`));
    this.name = 'ConfigError';
  }

  withFile(file: string): ConfigError {
    return new ConfigError(this.keyPath, this.expected, file);
  }
}
