import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { parseConfigText } from '../../config/load';
import { createDefaultOtlpServerConfig, parseOtlpGroupConfig, parseOtlpServerConfig } from './config';
import { otlpReceiverFactory } from './factory';
import { makeTestCertificates } from '../redis/testdata/test-certificates';

const yamlFixture = (name: string): Record<string, unknown> => parse(readFileSync(join(__dirname, 'testdata', name), 'utf8'));
// The TLS files the fixtures name as ${OTLP_TLS_DIR}/…: made by openssl for this run.
const tlsDir = mkdtempSync(join(tmpdir(), 'rebound-otlp-config-'));
const ENV = { REBOUND_TEST_OTLP_TOKEN: 's3cret-token', OTLP_TLS_DIR: tlsDir };

describe('parseOtlpServerConfig', () => {
  before(() => makeTestCertificates(tlsDir));
  after(() => rmSync(tlsDir, { recursive: true, force: true }));

  it('applies defaults when the key is absent', () => {
    assert.deepEqual(parseOtlpServerConfig(undefined, 'otlp', ENV), createDefaultOtlpServerConfig());
    assert.equal(createDefaultOtlpServerConfig().maxRequestBytes, 4 * 1024 * 1024);
    assert.equal(createDefaultOtlpServerConfig().dynamicGroups, false);
  });

  it('reads every key of testdata/server-full.yaml, expanding ${ENV} in bearer_token', () => {
    assert.deepEqual(parseOtlpServerConfig(yamlFixture('server-full.yaml')['otlp'], 'otlp', ENV), {
      maxRequestBytes: 1024 * 1024,
      maxConcurrentRequests: 4,
      bearerToken: 's3cret-token',
      tls: { certFile: join(tlsDir, 'server.pem'), keyFile: join(tlsDir, 'server.key') },
      dynamicGroups: true,
      maxGroups: 10,
      maxMembersPerGroup: 20,
      maxAttributes: 64,
      maxAttributeValueLength: 256,
      maxClockSkewMillis: 60_000,
      retryAfterSeconds: 5,
      memberExpiryMillis: 30 * 60_000,
      maxPointsPerRequest: 10_000,
      maxItemsPerRequest: 100_000,
      readTimeoutMillis: 5_000,
      memoryLimitBytes: 512 * 1024 ** 2,
    });
  });

  it('refuses a read_timeout over 1h (a body that takes longer is a stalled client)', () => {
    // Past ~24.8 days every duration key is refused already (config/durations.test.ts).
    assert.throws(
      () => parseOtlpServerConfig({ read_timeout: '2h' }, 'otlp', ENV),
      (error: unknown) => error instanceof ConfigError && error.keyPath === 'otlp.read_timeout' && /at most 1h/.test(error.message),
    );
  });

  it('defaults memory_limit to 1GiB, or 75 % of the V8 heap limit when that is smaller', () => {
    assert.ok(createDefaultOtlpServerConfig().memoryLimitBytes <= 1024 ** 3);
    assert.equal(parseOtlpServerConfig({ memory_limit: '64MiB' }, 'otlp', ENV).memoryLimitBytes, 64 * 1024 ** 2);
    assert.throws(
      () => parseOtlpServerConfig({ memory_limit: '1MiB' }, 'otlp', ENV),
      (error: unknown) => error instanceof ConfigError && error.keyPath === 'otlp.memory_limit',
    );
  });

  it('leaves member_expiry off by default, so members are kept until restart', () => {
    assert.equal(createDefaultOtlpServerConfig().memberExpiryMillis, undefined);
    assert.equal('memberExpiryMillis' in parseOtlpServerConfig({ member_expiry: null }, 'otlp', ENV), false);
  });

  for (const [raw, says] of [
    ['30s', /expected at least 1m, or leave it unset .*\(got 30s\)/],
    ['soon', /expected a duration like 500ms, 30s, 5m or 1h/],
    [0, /expected at least 1m/],
  ] as const) {
    it(`rejects member_expiry: ${JSON.stringify(raw)} naming otlp.member_expiry`, () => {
      assert.throws(
        () => parseOtlpServerConfig({ member_expiry: raw }, 'otlp', ENV),
        (error: unknown) => error instanceof ConfigError && error.keyPath === 'otlp.member_expiry' && says.test(error.message),
      );
    });
  }

  const failures: [file: string, env: NodeJS.ProcessEnv, keyPath: string, message: RegExp][] = [
    ['server-typo.yaml', ENV, 'otlp.max_request_byte', /did you mean "max_request_bytes"/],
    ['server-bad-size.yaml', ENV, 'otlp.max_request_bytes', /a size like 4MiB/],
    ['server-full.yaml', {}, 'otlp.bearer_token', /REBOUND_TEST_OTLP_TOKEN is not set/],
    // Checked at load, not when the HTTPS server starts (it crashed the start with a stack trace).
    ['server-tls-missing-cert.yaml', ENV, 'otlp.tls.cert_file', /cannot read \/etc\/rebound\/no-such-otlp-cert\.pem \(ENOENT\)/],
    ['server-tls-key-is-directory.yaml', ENV, 'otlp.tls.key_file', /\(EISDIR\); give the path of the PEM private key/],
    ['server-tls-mismatched-key.yaml', ENV, 'otlp.tls', /do not make a pair.*key values mismatch/],
  ];
  for (const [file, env, keyPath, message] of failures) {
    it(`rejects testdata/${file} naming ${keyPath}`, () => {
      assert.throws(
        () => parseOtlpServerConfig(yamlFixture(file)['otlp'], 'otlp', env),
        (error: unknown) => error instanceof ConfigError && error.keyPath === keyPath && message.test(error.message),
      );
    });
  }

  it('never puts the token value in an error message', () => {
    try {
      parseOtlpServerConfig({ bearer_token: 'x', max_groups: -1 }, 'otlp', ENV);
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.doesNotMatch(error.message, /s3cret/);
    }
  });
});

describe('otlpReceiverFactory', () => {
  it('parses declared members of a group', () => {
    const config = otlpReceiverFactory.parseConfig(yamlFixture('group-members.yaml')['otlp'], 'groups[2].otlp');
    assert.deepEqual(otlpReceiverFactory.declaredMembers!(config), [
      { member: 'pay-1', role: 'leader', dependencies: { 'cloud.availability_zone': 'eu-1a' } },
      { member: 'pay-2' },
    ]);
    assert.deepEqual(parseOtlpGroupConfig({}, 'groups[0].otlp'), otlpReceiverFactory.createDefaultConfig());
  });

  it('rejects an unknown role naming the key', () => {
    assert.throws(
      () => otlpReceiverFactory.parseConfig(yamlFixture('group-bad-role.yaml')['otlp'], 'groups[2].otlp'),
      (error: unknown) => error instanceof ConfigError && error.keyPath === 'groups[2].otlp.members[0].role' && /leader, replica/.test(error.message),
    );
  });

  it('declares the configured members when started, so they show unknown until seen', async () => {
    const declared: unknown[] = [];
    const receiver = otlpReceiverFactory.create('payments', parseOtlpGroupConfig({ members: [{ member: 'pay-1' }] }, 'otlp'), {
      intervalMillis: 1000,
      logger: { info() {}, warn() {}, error() {} },
      now: () => 0,
    });
    await receiver.start({ observe() {}, sourceUp() {}, declare: (group, members) => declared.push([group, members]) });
    assert.deepEqual(declared, [['payments', [{ member: 'pay-1' }]]]);
    await receiver.stop();
  });
});

describe('otlp.member_expiry against the groups it applies to', () => {
  const configText = (expiry: string, extra = '') => `
otlp:
  member_expiry: ${expiry}${extra}
groups:
  - name: payments
    freshness: 5m
    otlp: {}
  - name: cache
    freshness: 1h
    redis: { nodes: [{ member: c-1, address: 127.0.0.1:6379 }] }
`;

  it('accepts an expiry of at least twice the freshness of every OTLP group (other sources do not count)', () => {
    assert.equal(parseConfigText(configText('10m'), 'test.yaml').otlp.memberExpiryMillis, 10 * 60_000);
  });

  it('rejects a shorter one, naming the key, the group and the least it may be', () => {
    assert.throws(
      () => parseConfigText(configText('9m'), 'test.yaml'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.keyPath === 'otlp.member_expiry' &&
        /2 × the freshness of group "payments" \(5m\), i\.e\. 10m.*\(got 9m\)/.test(error.message),
    );
  });

  it("with dynamic_groups, also needs twice the dynamic groups' freshness (3 × the 60 s push interval)", () => {
    const dynamic = (expiry: string) => parseConfigText(`otlp: { dynamic_groups: true, member_expiry: ${expiry} }\ngroups: []\n`, 'test.yaml');
    assert.equal(dynamic('6m').otlp.memberExpiryMillis, 6 * 60_000);
    assert.throws(
      () => dynamic('5m'),
      (error: unknown) => error instanceof ConfigError && error.keyPath === 'otlp.member_expiry' && /dynamic groups \(3m\), i\.e\. 6m/.test(error.message),
    );
  });
});
