import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { ConfigError } from './config-error';
import { quoteValue } from './quote';

/**
 * Most aliases (`*name`) a config file may hold. Also the most copies aliases may
 * expand to (the `yaml` package's maxAliasCount), so a "billion laughs" file is
 * refused before it is expanded. A config needs few aliases, if any.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * Parse config YAML into plain values. Syntax errors, duplicate keys, unresolved
 * aliases and too many aliases become a ConfigError naming the line (and the key
 * path where there is one). Duplicate keys are found with one set per mapping
 * (linear); the `yaml` package's own `uniqueKeys` check compares every pair of keys.
 */
export function parseYamlText(text: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: true, lineCounter });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return '';
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    const line = firstError.linePos?.[0];
    throw new ConfigError(line ? `line ${line.line}, column ${line.col}` : '', `invalid YAML: ${firstError.message.split('\n')[0]}`);
  }
  checkKeysAndAliases(document, at);
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES + 1 });
  } catch (error) {
    // The yaml package throws (a ReferenceError) for an alias that expands too far.
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError('', `invalid YAML: ${/alias count/i.test(message) ? tooManyAliases : message}`);
  }
}

const tooManyAliases = `more than ${MAX_YAML_ALIASES} YAML aliases (*name), counting what nested aliases expand to; write the values out`;

function checkKeysAndAliases(document: Document.Parsed, at: (offset: number | undefined) => string): void {
  const anchors = new Set<string>();
  let aliases = 0;
  /** A key path when the node has one, else the line: `groups[0].name: … (line 2, column 11)`. */
  const refuse = (path: readonly unknown[], node: unknown, offset: number | undefined, what: string): ConfigError => {
    const keyPath = keyPathOf(path, node);
    return new ConfigError(keyPath || at(offset), keyPath ? `${what} (${at(offset)})` : what);
  };
  visit(document, (_, node, path) => {
    if (isAlias(node)) {
      aliases += 1;
      if (aliases > MAX_YAML_ALIASES) throw refuse(path, node, node.range?.[0], `invalid YAML: ${tooManyAliases}`);
      if (!anchors.has(node.source)) throw refuse(path, node, node.range?.[0], `invalid YAML: alias *${node.source} has no anchor &${node.source} before it`);
      return;
    }
    if (isNode(node) && node.anchor !== undefined) anchors.add(node.anchor);
    if (!isMap(node)) return;
    const seen = new Map<string, number | undefined>();
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const offset = key?.range?.[0];
      if (key !== null && !isScalar(key)) throw refuse(path, node, offset, `expected a plain key, not ${isAlias(key) ? 'an alias' : 'a list or mapping'}`);
      // `!!binary` or a YAML 1.1 timestamp: a scalar that is not a name.
      if (key !== null && typeof key.value === 'object' && key.value !== null) throw refuse(path, node, offset, 'expected a plain key, not a tagged value');
      // Keys as plain values see them: `1` and `"1"` are the same key.
      const name = String(key?.value ?? '');
      const first = seen.get(name);
      if (seen.has(name)) throw refuse([...path, node, pair], pair.value, offset, `duplicate key ${quoteValue(name)}, first at ${at(first)}; keep one`);
      seen.set(name, offset);
    }
  });
}

/** `groups[1].redis` for a node, from the ancestors `visit` passes; '' at the top. */
function keyPathOf(path: readonly unknown[], node: unknown): string {
  let keyPath = '';
  const chain = [...path, node];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isPair(parent) && child === parent.value) keyPath = joinPath(keyPath, String(isScalar(parent.key) ? parent.key.value : '?'));
    else if (isSeq(parent)) keyPath = `${keyPath}[${parent.items.indexOf(child as never)}]`;
  }
  return keyPath;
}

function joinPath(keyPath: string, key: string): string {
  return keyPath ? `${keyPath}.${key}` : key;
}
