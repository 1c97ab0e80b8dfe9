import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { isMap, isSeq, parseDocument, visit, type Document } from 'yaml';
import { ConfigError } from './config-error';
import { setEnvironment } from '../testing/environment';
import { parseConfigText } from './load';

/**
 * The config loader under mutated configs (issue 9 found 86 stack traces this way).
 * Seeds: the README example and every testdata file. Mutations: delete, duplicate,
 * retype or rename keys, insert anchors and (undefined, many) aliases, huge numbers,
 * weird strings, cut or spliced text. Every outcome must be a config or a ConfigError
 * with a one-line message — never another exception.
 */

const RUNS = 4000;
const SEED = 20261201;

const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
const testdata = join(__dirname, 'testdata');
const SEEDS: string[] = [
  /```yaml\n(interval: [\s\S]*?)```/.exec(readme)![1]!,
  ...readdirSync(testdata)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => readFileSync(join(testdata, f), 'utf8')),
];

/** Indexes of the seeds that load as they are (the README example, full.yaml, demo.yaml, …); needs the README's ${ENV} set. */
function validSeedIndexes(): number[] {
  return SEEDS.flatMap((text, i) => {
    try {
      parseConfigText(text, 'seed.yaml');
      return [i];
    } catch {
      return [];
    }
  });
}

const WEIRD_VALUES: unknown[] = [
  0,
  -1,
  1e300,
  -1e300,
  2 ** 53 + 1,
  0.000001,
  Number.MAX_SAFE_INTEGER,
  65536,
  99999,
  '',
  ' ',
  '\n',
  'a\nb: c',
  '\u001b[31mred',
  '\u202eevil',
  '${NOT_SET_ANYWHERE}',
  '${PG_MONITOR_PASSWORD}',
  '$',
  '${',
  '/dev/zero',
  '/tmp',
  '.',
  '/etc/passwd',
  ':memory:',
  '25d',
  '30d',
  '1e300s',
  '999999999999999d',
  '0ms',
  '-5s',
  '1h30m',
  '2147483647ms',
  '127.0.0.1:0',
  '[::1]:9464',
  '[::1]:99999',
  'localhost:65536',
  'a:b:c',
  '%00',
  'x'.repeat(5000),
  '__proto__',
  'constructor',
  'toString',
  'postgres://u:p@@h:1/db',
  'postgres://',
  'http://',
  'gzip',
  'leader',
  'demo',
  true,
  false,
  null,
  [],
  [1, 'two', null],
  {},
  { a: 1 },
  { member: 'x' },
  [{ member: 'x' }],
  { nodes: [] },
  { nodes: [{ member: 'm', address: '127.0.0.1:1' }] },
];
const WEIRD_KEYS = [
  '',
  'rto ',
  'RTO',
  'rtoo',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '<<',
  'a\nb',
  'x'.repeat(3000),
  '1',
  'groups',
  'redis',
  'otlp',
  'demo',
  'tls',
];
const TEXT_SNIPPETS = [
  '*a',
  '*nope',
  '&a ',
  '&a [*a]',
  ': ',
  '\n  - ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '\t',
  '\u0000',
  '\r\n',
  '---\n',
  '...\n',
  '? ',
  '!!binary ',
  '!!str ',
  '%YAML 1.1\n',
  '#',
  '<<: *a\n',
];

type Step = { kind: number; at: number; pick: number };

/** One mutation; `at` and `pick` choose where and what (taken modulo what exists). */
function mutate(text: string, { kind, at, pick }: Step): string {
  switch (kind % 8) {
    case 0:
      return onDocument(text, (_document, slots) => {
        const slot = slots[at % slots.length]!;
        slot.parent.items.splice(slot.index, 1);
      });
    case 1:
      return onDocument(text, (document, slots) => {
        const slot = slots[at % slots.length]!;
        const value = WEIRD_VALUES[pick % WEIRD_VALUES.length];
        if (isMap(slot.parent)) (slot.parent.items[slot.index] as { value: unknown }).value = document.createNode(value);
        else slot.parent.items[slot.index] = document.createNode(value);
      });
    case 2:
      return onDocument(text, (document, slots) => {
        const maps = slots.filter((s) => isMap(s.parent));
        if (maps.length === 0) return;
        const slot = maps[at % maps.length]!;
        (slot.parent.items[slot.index] as { key: unknown }).key = document.createNode(WEIRD_KEYS[pick % WEIRD_KEYS.length]);
      });
    case 3: {
      // Duplicate a line (a duplicate key, or a second list item).
      const lines = text.split('\n');
      const i = at % Math.max(1, lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 4: {
      // An anchor on one value and aliases to it elsewhere (sometimes > 100 of them).
      const lines = text.split('\n');
      const withValue = lines.map((l, i) => [l, i] as const).filter(([l]) => /:\s+\S/.test(l));
      if (withValue.length === 0) return text;
      const [line, i] = withValue[at % withValue.length]!;
      lines[i] = line.replace(/:\s+/, ': &a ');
      const [other, j] = withValue[pick % withValue.length]!;
      const many =
        pick % 3 === 0
          ? `[${Array(101 + (pick % 50))
              .fill('*a')
              .join(', ')}]`
          : '*a';
      if (j > i) lines[j] = other.replace(/:\s+.*$/, `: ${many}`);
      else lines.push(`extra: ${many}`);
      return lines.join('\n');
    }
    case 5:
      return text.slice(0, at % (text.length + 1));
    case 6: {
      const i = at % (text.length + 1);
      return text.slice(0, i) + TEXT_SNIPPETS[pick % TEXT_SNIPPETS.length] + text.slice(i);
    }
    default: {
      // A huge number or long string in place of a scalar, written out as text.
      return text.replace(/(:\s+)([^\s{[&*#][^\n#]*)/g, (whole, colon: string, _value: string, offset: number) =>
        offset % 7 === at % 7 ? `${colon}${['1e308', '1e309', '-1e309', '.nan', '.inf', '0x7fffffff', '9'.repeat(400)][pick % 7]}` : whole,
      );
    }
  }
}

interface Slot {
  parent: { items: unknown[] };
  index: number;
}

/** Apply an edit to the parsed document; text that does not parse or print is left as it was. */
function onDocument(text: string, edit: (document: Document, slots: Slot[]) => void): string {
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0) return text;
  const slots: Slot[] = [];
  visit(document, (_, node) => {
    if (isMap(node) || isSeq(node)) node.items.forEach((_item, index) => slots.push({ parent: node as { items: unknown[] }, index }));
  });
  if (slots.length === 0) return text;
  try {
    edit(document, slots);
    return document.toString();
  } catch {
    return text;
  }
}

describe('config loader fuzz (fast-check, seeded)', () => {
  let restoreEnvironment = () => {};
  before(() => {
    restoreEnvironment = setEnvironment({ PG_MONITOR_PASSWORD: 'fuzz-pg-secret', OTLP_TOKEN: 'fuzz-otlp-token' });
  });
  after(() => restoreEnvironment());

  it(`${RUNS} mutated configs: each is a config or a one-line ConfigError naming the file`, (t) => {
    const outcomes = { valid: 0, configError: 0 };
    const step = fc.record({ kind: fc.nat(), at: fc.nat(), pick: fc.nat() });
    // Valid seeds more often, so mutations also reach the checks behind the first error.
    const validSeeds = validSeedIndexes();
    assert.ok(validSeeds.length >= 4, `valid seeds: ${validSeeds.length}`);
    const seedIndex = fc.oneof({ arbitrary: fc.constantFrom(...validSeeds), weight: 2 }, { arbitrary: fc.nat({ max: SEEDS.length - 1 }), weight: 1 });
    fc.assert(
      fc.property(seedIndex, fc.array(step, { minLength: 1, maxLength: 3 }), (seedIndex, steps) => {
        const text = steps.reduce(mutate, SEEDS[seedIndex]!);
        let config;
        try {
          config = parseConfigText(text, 'fuzz.yaml');
        } catch (error) {
          if (!(error instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(error)}\n--- input ---\n${text.slice(0, 2000)}`);
          assert.equal(typeof error.keyPath, 'string');
          assert.ok(error.message.startsWith('fuzz.yaml: '), error.message);
          assert.doesNotMatch(error.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/, `one line: ${JSON.stringify(error.message)}`);
          assert.ok(error.message.length < 1500, `short: ${error.message.length} chars`);
          assert.doesNotMatch(error.message, /fuzz-pg-secret|fuzz-otlp-token/, 'no secret in the message');
          outcomes.configError += 1;
          return;
        }
        assert.ok(Array.isArray(config.groups) && (config.groups.length > 0 || config.otlp.dynamicGroups));
        outcomes.valid += 1;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    t.diagnostic(
      `config fuzz: ${outcomes.valid + outcomes.configError} cases, ${outcomes.valid} valid, ${outcomes.configError} ConfigError, 0 other exceptions`,
    );
    assert.equal(outcomes.valid + outcomes.configError, RUNS);
  });
});
