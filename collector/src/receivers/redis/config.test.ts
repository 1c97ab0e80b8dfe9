import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { parseRedisConfig } from './config';
import { redisReceiverFactory } from './factory';

const PASSWORD = 'redis-s3cret-from-env';
const env = { REDIS_MONITOR_PASSWORD: PASSWORD };
const read = (file: string): unknown => parse(readFileSync(join(__dirname, 'testdata', file), 'utf8'));
const KEY = 'groups[0].redis';

describe('parseRedisConfig', () => {
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
    assert.deepEqual(config.tls, { insecureSkipVerify: false, caFile: '/etc/ssl/redis-ca.pem', serverName: 'cache.internal' });
    for (const printed of [JSON.stringify(config), inspect(config, { depth: 10 }), `${String(config.password)}`]) {
      assert.ok(!printed.includes(PASSWORD), printed);
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
  ];
  for (const [file, message] of failures) {
    it(`rejects ${file} naming the key`, () => {
      assert.throws(() => parseRedisConfig(read(file), KEY, env), (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, message);
        assert.ok(!error.message.includes(PASSWORD));
        return true;
      });
    });
  }

  it('the factory declares the configured members and the probe interval', () => {
    const config = parseRedisConfig(read('config-full.yaml'), KEY, env);
    assert.deepEqual(redisReceiverFactory.declaredMembers!(config).map((m) => m.member), ['cache-a', 'cache-b']);
    assert.equal(redisReceiverFactory.intervalMillisOf!(config), 2_000);
  });
});
