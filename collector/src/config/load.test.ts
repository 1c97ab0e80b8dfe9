import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error';
import { loadConfigFile } from './load';

const testdata = join(__dirname, 'testdata');

/** Files that must fail, the key path the message must name, and what it must say. */
const failures: [file: string, keyPath: RegExp, says: RegExp][] = [
  ['typo-top-level.yaml', /intervall/, /unknown key \(did you mean "interval"\?\)/],
  ['typo-group-key.yaml', /groups\[0\]\.rtoo/, /did you mean "rto"/],
  ['bad-duration.yaml', /groups\[0\]\.rto/, /expected a duration like 500ms, 30s, 5m or 1h/],
  ['wrong-type.yaml', /groups\[0\]\.lag_tolerance_bytes/, /expected a number/],
  ['duplicate-group.yaml', /groups\[1\]\.name/, /duplicate group name "payments"/],
  ['duplicate-member.yaml', /groups\[0\]\.otlp/, /duplicate member "pay-1"|pay-1/],
  ['no-source.yaml', /groups\[0\]/, /has no source/],
  ['bad-listen.yaml', /listen\.metrics/, /expected host:port/],
  ['invalid-yaml.yaml', /line \d+/, /invalid YAML/],
  ['does-not-exist.yaml', /^$/, /file not found/],
];

describe('loadConfigFile', () => {
  it('reads every documented key with its units', () => {
    const config = loadConfigFile(join(testdata, 'full.yaml'));
    assert.equal(config.intervalMillis, 2000);
    assert.deepEqual(config.listen.metrics, { host: '127.0.0.1', port: 19464 });
    assert.deepEqual(config.listen.otlp, { host: '127.0.0.1', port: 14318 });
    assert.equal(config.storePath, './data/test.db');
    const [group] = config.groups;
    assert.equal(group!.name, 'payments');
    assert.equal(group!.rtoMillis, 600_000);
    assert.equal(group!.holdDownMillis, 90_000);
    assert.equal(group!.freshnessMillis, 180_000);
    assert.equal(group!.lagToleranceSeconds, 2);
    assert.equal(group!.lagToleranceBytes, 65536);
    assert.equal(group!.progressWindowMillis, 45_000);
    assert.equal(group!.stabilizationWindowMillis, 120_000);
    assert.equal(group!.receivers[0]!.type, 'otlp');
  });

  it('applies the defaults of DESIGN.md §3.3', () => {
    const config = loadConfigFile(join(testdata, 'minimal.yaml'));
    assert.equal(config.intervalMillis, 1000);
    assert.deepEqual(config.listen.metrics, { host: '127.0.0.1', port: 9464 });
    assert.equal(config.storePath, './data/rebound.db');
    assert.equal(config.groups[0]!.holdDownMillis, 60_000);
    assert.equal(config.groups[0]!.rtoMillis, 300_000);
  });

  it('gives demo groups the compressed clock of their story, and --speed scales it; keys set by the user win', () => {
    const config = loadConfigFile(join(testdata, 'demo.yaml'));
    assert.equal(config.groups[0]!.holdDownMillis, 10_000);
    assert.equal(config.groups[0]!.rtoMillis, 45_000);
    assert.equal(config.groups[1]!.holdDownMillis, 45_000, 'hold_down set in the file');
    const fast = loadConfigFile(join(testdata, 'demo.yaml'), undefined, { demoSpeed: 5 });
    assert.equal(fast.groups[0]!.holdDownMillis, 2_000);
    assert.equal(fast.groups[0]!.rtoMillis, 9_000);
    assert.equal((fast.groups[0]!.receivers[0]!.config as { speed: number }).speed, 5);
  });

  for (const [file, keyPath, says] of failures) {
    it(`rejects ${file} naming the file and the key`, () => {
      const path = join(testdata, file);
      assert.throws(
        () => loadConfigFile(path),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, `ConfigError, got ${String(error)}`);
          assert.ok(error.message.startsWith(path + ': '), `message names the file: ${error.message}`);
          assert.match(error.keyPath, keyPath);
          assert.match(error.message, says);
          return true;
        },
      );
    });
  }
});
