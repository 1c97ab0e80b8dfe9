import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { parseConfigText } from '../../config/load';
import { demoMemberCount, parseDemoConfig, type DemoConfig } from './config';
import { demoReceiverFactory } from './factory';
import { DEMO_SCENARIOS, SCENARIO_NAMES } from './scenarios';

const KEY = 'groups[0].demo';

function parseFixture(file: string): DemoConfig {
  const doc = parse(readFileSync(join(__dirname, 'testdata', file), 'utf8')) as { demo: unknown };
  return parseDemoConfig(doc.demo, KEY);
}

describe('parseDemoConfig over testdata/', () => {
  const valid: [string, DemoConfig][] = [
    ['empty.yaml', { scenario: 'database', speed: 1, seed: 42 }],
    ['full.yaml', { scenario: 'cache', speed: 2.5, members: 5, seed: 7 }],
  ];
  for (const [file, expected] of valid) {
    it(`${file} parses with defaults applied`, () => assert.deepEqual(parseFixture(file), expected));
  }

  const invalid: [string, string, RegExp][] = [
    ['typo-key.yaml', `${KEY}.scenaro`, /unknown key \(did you mean "scenario"\?\)/],
    ['unknown-scenario.yaml', `${KEY}.scenario`, /expected one of database, cache, paths \(got "kafka"\)/],
    ['too-few-members.yaml', `${KEY}.members`, /the database story needs 3 to 26 members \(got 2\)/],
    ['speed-not-a-number.yaml', `${KEY}.speed`, /expected a number/],
    ['seed-not-whole.yaml', `${KEY}.seed`, /expected a whole number/],
    ['not-a-mapping.yaml', KEY, /expected a mapping with keys scenario, speed, members, seed/],
  ];
  for (const [file, keyPath, message] of invalid) {
    it(`${file} fails naming ${keyPath}`, () => {
      assert.throws(
        () => parseFixture(file),
        (e: unknown) => e instanceof ConfigError && e.keyPath === keyPath && message.test(e.expected),
      );
    });
  }
});

describe('demoReceiverFactory', () => {
  it('is the `demo` key, defaulting to the database story', () => {
    assert.equal(demoReceiverFactory.type, 'demo');
    assert.deepEqual(demoReceiverFactory.createDefaultConfig(), { scenario: 'database', speed: 1, seed: 42 });
  });

  it('declares the members the story will report, with their failure domains', () => {
    const config = parseDemoConfig({ scenario: 'cache', members: 4 }, KEY);
    assert.equal(demoMemberCount(config), 4);
    const declared = demoReceiverFactory.declaredMembers!(config);
    assert.deepEqual(
      declared.map((d) => d.member),
      ['cache-a', 'cache-b', 'cache-c', 'cache-d'],
    );
    assert.equal(declared[0]!.role, 'leader');
    assert.ok(declared.every((d) => d.dependencies?.['cloud.availability_zone'] === 'eu-1a'));
  });
});

describe('a demo group in a whole config file', () => {
  it('fails on a typo with the file and the full key path', () => {
    const text = 'groups:\n  - name: shop-db\n    demo:\n      scenario: database\n      membrs: 4\n';
    assert.throws(
      () => parseConfigText(text, 'rebound.yaml'),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.message, 'rebound.yaml: groups[0].demo.membrs: unknown key (did you mean "members"?); allowed here: scenario, speed, members, seed');
        return true;
      },
    );
  });

  it('parses demo groups side by side, each with its own simulated members', () => {
    const text = 'groups:\n  - name: a\n    demo: { scenario: paths, members: 3 }\n  - name: b\n    demo: {}\n';
    const config = parseConfigText(text, 'rebound.yaml');
    assert.deepEqual(
      config.groups.map((g) => [g.name, g.receivers[0]!.config]),
      [
        ['a', { scenario: 'paths', speed: 1, members: 3, seed: 42 }],
        ['b', { scenario: 'database', speed: 1, seed: 42 }],
      ],
    );
  });
});

describe('README', () => {
  it('describes every scenario with its own summary', () => {
    const readme = readFileSync(join(__dirname, 'README.md'), 'utf8');
    for (const name of SCENARIO_NAMES) assert.ok(readme.includes(`| \`${name}\` | ${DEMO_SCENARIOS[name].summary} |`), name);
  });
});
