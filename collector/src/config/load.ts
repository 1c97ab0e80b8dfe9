import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { ReceiverFactory } from '../receivers/receiver';
import { RECEIVER_FACTORIES } from '../receivers/registry';
import { ConfigError } from './config-error';
import { parseCollectorConfig, type CollectorConfig, type ParseOptions } from './collector-config';

export type { CollectorConfig } from './collector-config';

/**
 * Read and validate a config file. Every mistake becomes a ConfigError whose
 * message names the file, the key path and what was expected.
 */
export function loadConfigFile(
  file: string,
  factories: readonly ReceiverFactory<unknown>[] = RECEIVER_FACTORIES,
  options: ParseOptions = {},
): CollectorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String((error as Error).message);
    throw new ConfigError('', `cannot read the config file (${reason})`, file);
  }
  return parseConfigText(text, file, factories, options);
}

/** Validate YAML text; `file` only names it in error messages. */
export function parseConfigText(
  text: string,
  file: string,
  factories: readonly ReceiverFactory<unknown>[] = RECEIVER_FACTORIES,
  options: ParseOptions = {},
): CollectorConfig {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    const line = firstError.linePos?.[0];
    const where = line ? `line ${line.line}, column ${line.col}` : '';
    throw new ConfigError(where, `invalid YAML: ${firstError.message.split('\n')[0]}`, file);
  }
  try {
    return parseCollectorConfig(document.toJS(), factories, options);
  } catch (error) {
    if (error instanceof ConfigError) throw error.withFile(file);
    throw error;
  }
}
