import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { ReceiverFactory } from '../receivers/receiver';
import { RECEIVER_FACTORIES } from '../receivers/registry';
import { ConfigError } from './config-error';
import { parseCollectorConfig, type CollectorConfig, type ParseOptions } from './collector-config';
import { notRegularFile } from './fields';
import { parseYamlText } from './yaml-text';

export type { CollectorConfig } from './collector-config';

/** Largest config file read (1 MiB): far above any real config, small enough to refuse at once. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Read and validate a config file. Every mistake becomes a ConfigError whose
 * message names the file, the key path and what was expected.
 */
export function loadConfigFile(file: string, factories: readonly ReceiverFactory<unknown>[] = RECEIVER_FACTORIES, options: ParseOptions = {}): CollectorConfig {
  return parseConfigText(readConfigFile(file), file, factories, options);
}

/**
 * The file's text: a regular file of at most MAX_CONFIG_BYTES. A FIFO, a device
 * (`/dev/zero`) or a directory is refused before anything is read, so a wrong
 * `--config` never hangs the start.
 */
function readConfigFile(file: string): string {
  const refuse = (reason: string) => new ConfigError('', `cannot read the config file (${reason})`, file);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(code === 'ENOENT' ? 'file not found' : (code ?? String(error)));
  }
  try {
    const stat = fstatSync(fd);
    const problem = notRegularFile(stat);
    if (problem !== undefined) throw refuse(problem === 'EISDIR' ? 'a directory, not a file' : problem);
    if (stat.size > MAX_CONFIG_BYTES) throw new ConfigError('', tooLarge(stat.size), file);
    // Read at most one byte past the limit, in case the file grows while it is read.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > MAX_CONFIG_BYTES) throw new ConfigError('', tooLarge(length), file);
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw refuse((error as NodeJS.ErrnoException).code ?? String(error));
  } finally {
    closeSync(fd);
  }
}

function tooLarge(bytes: number): string {
  return `the config file is ${bytes} bytes; the limit is ${MAX_CONFIG_BYTES} (1 MiB)`;
}

/** Validate YAML text; `file` only names it in error messages. */
export function parseConfigText(
  text: string,
  file: string,
  factories: readonly ReceiverFactory<unknown>[] = RECEIVER_FACTORIES,
  options: ParseOptions = {},
): CollectorConfig {
  try {
    if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) throw new ConfigError('', tooLarge(Buffer.byteLength(text, 'utf8')));
    return parseCollectorConfig(parseYamlText(text), factories, options);
  } catch (error) {
    if (error instanceof ConfigError) throw error.withFile(file);
    throw error;
  }
}
