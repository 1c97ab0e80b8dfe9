import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { parseRedisConfig } from './config';
import { redisReceiverFactory } from './factory';
import { makeTestCertificates } from './testdata/test-certificates';

const PASSWORD = 'redis-s3cret-from-env';
// The TLS files the fixtures name as ${REDIS_TLS_DIR}/…: made by openssl for this run.
const tlsDir = mkdtempSync(join(tmpdir(), 'rebound-redis-config-'));
const env = { REDIS_MONITOR_PASSWORD: PASSWORD, REDIS_TLS_DIR: tlsDir };
const read = (file: string): unknown => parse(readFileSync(join(__dirname, 'testdata', file), 'utf8'));
const KEY = 'groups[0].redis';
/** A line from the middle of a private key: it must appear in no message nor printed config. */
const keyLineOf = (file: string): string => readFileSync(join(tlsDir, file), 'utf8').split('\n')[1]!;

describe('parseRedisConfig', () => {
  before(() => makeTestCertificates(tlsDir));
  after(() => rmSync(tlsDir, { recursive: true, force: true }));

  it('reads every key and expands ${ENV} in the password, which then prints as ***', () => {
    const config = parseRedisConfig(read('config-full.yaml'), KEY, env);
    assert.deepEqual(
      config.nodes.map((n) => [n.member, n.host, n.port, n.role]),
      [
        ['cache-a', '10.0.0.1', 6379, 'leader'],
        ['cache-b', 'localhost', 6380, undefined],
      ],
    );
    assert.deepEqual(config.nodes[0]!.dependencies, { 'cloud.availability_zone': 'eu-1a', 'host.name': 'node-1' });
    assert.equal(config.intervalMillis, 2_000);
    assert.equal(config.timeoutMillis, 400);
    assert.equal(config.maxBackoffMillis, 10_000);
    assert.equal(config.username, 'rebound');
    assert.equal(config.password?.reveal(), PASSWORD);
    assert.deepEqual(config.tls, {
      insecureSkipVerify: false,
      caFile: join(tlsDir, 'ca.pem'),
      serverName: 'cache.internal',
      clientCertificate: { certFile: join(tlsDir, 'client.pem'), keyFile: join(tlsDir, 'client.key') },
    });
    for (const printed of [JSON.stringify(config), inspect(config, { depth: 10 }), `${String(config.password)}`]) {
      assert.ok(!printed.includes(PASSWORD), printed);
      assert.ok(!printed.includes(keyLineOf('client.key')), printed);
    }
  });

  it('applies defaults: 1 s timeout, 30 s max backoff, no auth, plain TCP, the collector interval', () => {
    const config = parseRedisConfig(read('config-minimal.yaml'), KEY, env);
    assert.equal(config.timeoutMillis, 1_000);
    assert.equal(config.maxBackoffMillis, 30_000);
    assert.equal(config.intervalMillis, undefined);
    assert.equal(config.password, undefined);
    assert.equal(config.tls, false);
    assert.equal(parseRedisConfig({ ...(read('config-minimal.yaml') as object), tls: true }, KEY, env).tls !== false, true);
  });

  const failures: [string, RegExp][] = [
    ['config-typo.yaml', /groups\[0\]\.redis\.nodes\[0\]\.adress: unknown key \(did you mean "address"\?\)/],
    ['config-typo-top.yaml', /groups\[0\]\.redis\.passwrod: unknown key \(did you mean "password"\?\)/],
    ['config-missing-env.yaml', /groups\[0\]\.redis\.password: environment variable NOT_SET_ANYWHERE is not set/],
    ['config-duplicate-member.yaml', /nodes\[1\]\.member: "cache-a" is listed twice/],
    ['config-bad-address.yaml', /nodes\[0\]\.address: expected host:port/],
    ['config-bad-tls.yaml', /groups\[0\]\.redis\.tls: expected true, false or a mapping/],
    ['config-tls-cert-without-key.yaml', /groups\[0\]\.redis\.tls\.key_file: is required with cert_file/],
    ['config-tls-key-without-cert.yaml', /groups\[0\]\.redis\.tls\.cert_file: is required with key_file/],
    ['config-tls-missing-cert-file.yaml', /groups\[0\]\.redis\.tls\.cert_file: cannot read \/\S+\/no-such-client\.pem \(ENOENT\)/],
    ['config-tls-unreadable-key-file.yaml', /groups\[0\]\.redis\.tls\.key_file: cannot read \/\S+ \(EISDIR\)/],
    [
      'config-tls-mismatched-key.yaml',
      /groups\[0\]\.redis\.tls: cert_file \S+client\.pem and key_file \S+ca\.key do not make a pair: give a PEM certificate and the unencrypted private key that matches it \(.*key values mismatch/,
    ],
    ['config-tls-missing-ca-file.yaml', /groups\[0\]\.redis\.tls\.ca_file: cannot read \/etc\/rebound\/no-such-redis-ca\.pem \(ENOENT\)/],
  ];
  for (const [file, message] of failures) {
    it(`rejects ${file} naming the key`, () => {
      assert.throws(
        () => parseRedisConfig(read(file), KEY, env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.match(error.message, message);
          assert.ok(!error.message.includes(PASSWORD));
          for (const key of ['client.key', 'ca.key']) assert.ok(!error.message.includes(keyLineOf(key)), error.message);
          return true;
        },
      );
    });
  }

  it('the factory declares the configured members and the probe interval', () => {
    const config = parseRedisConfig(read('config-full.yaml'), KEY, env);
    assert.deepEqual(
      redisReceiverFactory.declaredMembers!(config).map((m) => m.member),
      ['cache-a', 'cache-b'],
    );
    assert.equal(redisReceiverFactory.intervalMillisOf!(config), 2_000);
  });
});
