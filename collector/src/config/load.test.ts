import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from './config-error';
import { loadConfigFile, MAX_CONFIG_BYTES, parseConfigText } from './load';

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
  // Found by fuzzing (issue 9): each of these was a stack trace, a hang or a silent misreading.
  ['alias-undefined.yaml', /groups\[0\]\.name/, /invalid YAML: alias \*payments has no anchor &payments before it \(line 2, column 11\)/],
  ['alias-billion-laughs.yaml', /^$/, /invalid YAML: more than 100 YAML aliases/],
  ['alias-too-many.yaml', /groups\[0\]\.otlp\.members\[101\]\.dependencies/, /invalid YAML: more than 100 YAML aliases/],
  ['duplicate-key.yaml', /groups\[0\]\.rto/, /duplicate key "rto", first at line 3, column 5; keep one \(line 5, column 5\)/],
  ['duration-too-long.yaml', /^interval$/, /at most 24d 20h 31m 23s \(2147483647ms, the longest timer Node\.js can set; got "25d"\)/],
  ['probe-timeout-too-long.yaml', /groups\[0\]\.redis\.timeout/, /at most 24d 20h 31m 23s .*got "30d"/],
  ['empty.yaml', /^groups$/, /no groups configured/],
  ['no-groups.yaml', /^groups$/, /no groups configured; add at least one group .*or set otlp\.dynamic_groups: true/],
  ['multiline-value.yaml', /listen\.metrics/, /\(got "127\.0\.0\.1:9464\\nrebound-collector: all groups healthy\\u001b\[2K"\)/],
  ['store-directory.yaml', /^store$/, /\/tmp is a directory; give the path of the SQLite file/],
  ['maintenance-unknown-group.yaml', /maintenance\[0\]\.group/, /no group named "orders"; use the name of one of groups\[\]/],
  ['maintenance-bad-start.yaml', /maintenance\[0\]\.start/, /expected an RFC 3339 time with its offset, like 2026-12-01T22:00:00Z \(got "tonight at 10"\)/],
  ['maintenance-no-end.yaml', /^maintenance\[0\]$/, /missing end or duration/],
  ['maintenance-end-before-start.yaml', /maintenance\[0\]\.end/, /must be after start/],
  ['otlp-tls-missing-cert.yaml', /otlp\.tls\.cert_file/, /cannot read \/etc\/rebound\/no-such-otlp-cert\.pem \(ENOENT\)/],
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

  it('reads onset_delay and maintenance windows (start with end or duration, any offset)', () => {
    const config = loadConfigFile(join(testdata, 'maintenance.yaml'));
    assert.equal(config.groups[0]!.onsetDelayMillis, 5_000);
    assert.equal(config.groups[1]!.onsetDelayMillis, 4_000, 'default for a pushed (OTLP) group: two ticks (2s each), not its push interval');
    assert.equal(config.groups[2]!.onsetDelayMillis, 7_000, 'default for a probed group: its probe interval (5s) plus one tick (2s)');
    assert.deepEqual(config.maintenance, [
      {
        group: 'orders-db',
        startMillis: Date.parse('2026-12-01T22:00:00Z'),
        endMillis: Date.parse('2026-12-01T23:00:00Z'),
        reason: 'kernel upgrade with a planned failover',
        origin: 'config',
      },
      {
        group: 'payments',
        startMillis: Date.parse('2026-12-02T00:00:00Z'),
        endMillis: Date.parse('2026-12-02T00:30:00Z'),
        reason: 'schema migration',
        origin: 'config',
      },
    ]);
  });

  it('applies the defaults of DESIGN.md §3.3', () => {
    const config = loadConfigFile(join(testdata, 'minimal.yaml'));
    assert.equal(config.intervalMillis, 1000);
    assert.deepEqual(config.listen.metrics, { host: '127.0.0.1', port: 9464 });
    assert.equal(config.storePath, './data/rebound.db');
    assert.equal(config.groups[0]!.holdDownMillis, 60_000);
    assert.equal(config.groups[0]!.rtoMillis, 300_000);
    assert.equal(config.groups[0]!.onsetDelayMillis, 2_000, 'two 1s ticks');
    assert.deepEqual(config.maintenance, []);
  });

  it('gives demo groups the compressed clock of their story, and --speed scales it; keys set by the user win', () => {
    const config = loadConfigFile(join(testdata, 'demo.yaml'));
    assert.equal(config.groups[0]!.holdDownMillis, 10_000);
    assert.equal(config.groups[0]!.rtoMillis, 45_000);
    assert.equal(config.groups[1]!.holdDownMillis, 45_000, 'hold_down set in the file');
    const fast = loadConfigFile(join(testdata, 'demo.yaml'), undefined, { overrides: { demo: { speed: 5 } } });
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
          assert.doesNotMatch(error.message, /[\u0000-\u001f\u007f-\u009f]/, 'one line, no control characters');
          return true;
        },
      );
    });
  }
});

describe('loadConfigFile limits (issue 9)', () => {
  const work = mkdtempSync(join(tmpdir(), 'rebound-config-limits-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const refused = (file: string, says: RegExp) =>
    assert.throws(
      () => loadConfigFile(file),
      (error: unknown) => error instanceof ConfigError && error.keyPath === '' && says.test(error.message),
    );

  it('accepts 100 aliases, the documented most', () => {
    const config = loadConfigFile(join(testdata, 'aliases-at-limit.yaml'));
    const members = (config.groups[0]!.receivers[0]!.config as { members: { dependencies?: object }[] }).members;
    assert.equal(members.length, 101);
    assert.deepEqual(members[100]!.dependencies, { 'cloud.availability_zone': 'eu-1a' });
  });

  // Before: reading a FIFO waited for a writer forever; /dev/zero was read until memory ran out.
  it('refuses a FIFO at once, without waiting for a writer', { timeout: 20_000 }, () => {
    const fifo = join(work, 'rebound.yaml');
    execFileSync('mkfifo', [fifo]);
    refused(fifo, /cannot read the config file \(a FIFO, not a regular file\)/);
  });

  it('refuses /dev/zero and a directory', { timeout: 20_000 }, () => {
    refused('/dev/zero', /cannot read the config file \(a device, not a regular file\)/);
    refused(work, /cannot read the config file \(a directory, not a file\)/);
  });

  it(`refuses a file over ${MAX_CONFIG_BYTES} bytes (1 MiB) before parsing it`, () => {
    const file = join(work, 'huge.yaml');
    writeFileSync(file, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\ngroups: [{ name: payments, otlp: {} }]\n`);
    refused(file, /the config file is \d{7} bytes; the limit is 1048576 \(1 MiB\)/);
  });

  // Before: the duplicate-key check compared every pair of keys (60,000 keys: 32 s; these 100,000: minutes).
  it('reads a mapping of 100,000 keys (just under 1 MiB) in linear time', { timeout: 60_000 }, () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i.toString(36)}: a`).join(', ');
    const text = `groups:\n  - name: payments\n    otlp: { members: [{ member: pay-1, dependencies: { ${keys} } }] }\n`;
    assert.ok(Buffer.byteLength(text) < MAX_CONFIG_BYTES);
    const config = parseConfigText(text, 'many-keys.yaml');
    const [member] = (config.groups[0]!.receivers[0]!.config as { members: { dependencies: object }[] }).members;
    assert.equal(Object.keys(member!.dependencies).length, 100_000);
  });

  it('quotes and cuts a long or multi-line value it echoes: 60 characters, then …', () => {
    assert.throws(
      () => parseConfigText(`listen: { metrics: "${'\\n'.repeat(10)}${'x'.repeat(5000)}" }\ngroups: [{ name: g, otlp: {} }]\n`, 'long.yaml'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.message, `long.yaml: listen.metrics: expected host:port like 127.0.0.1:9464 (got "${'\\n'.repeat(10)}${'x'.repeat(50)}…")`);
        return true;
      },
    );
  });
});
