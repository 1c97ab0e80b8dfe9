import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { parseMysqlConfig } from './config';

const env = { MYSQL_MONITOR_PASSWORD: 's3cret-from-env' };
const read = (file: string): unknown => parse(readFileSync(join(__dirname, 'testdata', file), 'utf8'));
const KEY = 'groups[1].mysql';

describe('parseMysqlConfig', () => {
  it('reads every key, takes the password from ${ENV} and keeps it out of anything printable', () => {
    const config = parseMysqlConfig(read('config-full.yaml'), KEY, env);
    assert.equal(config.intervalMillis, 5_000);
    assert.equal(config.timeoutMillis, 800);
    assert.deepEqual(config.tls, { serverName: 'db.internal' });
    assert.deepEqual(
      config.nodes.map((n) => [n.member, n.user, n.host, n.port, n.role]),
      [
        ['db-1', 'rebound_monitor', '10.0.0.1', 3306, 'leader'],
        ['db-2', 'rebound_monitor', '::1', 3306, undefined],
      ],
    );
    assert.equal(config.nodes[0]!.password.reveal(), 's3cret-from-env');
    assert.equal(config.nodes[0]!.redactedUrl, 'mysql://rebound_monitor:***@10.0.0.1:3306');
    assert.deepEqual(config.nodes[0]!.dependencies, { 'cloud.availability_zone': 'eu-1a' });
    for (const printed of [JSON.stringify(config), inspect(config, { depth: 10 }), String(config.nodes[0]!.password)]) {
      assert.ok(!printed.includes('s3cret-from-env'), printed);
    }
  });

  it('takes a ${ENV} password literally, whatever it holds (@ : / # % ? and spaces), as the other probes do', () => {
    const raw = { nodes: [{ member: 'db-1', url: 'mysql://rebound_monitor:${MYSQL_MONITOR_PASSWORD}@10.0.0.1:3307' }] };
    const config = parseMysqlConfig(raw, KEY, { MYSQL_MONITOR_PASSWORD: 'p@ss:w/rd#50% ?x@y z' });
    const [node] = config.nodes;
    assert.deepEqual([node!.user, node!.password.reveal(), node!.host, node!.port], ['rebound_monitor', 'p@ss:w/rd#50% ?x@y z', '10.0.0.1', 3307]);
    assert.equal(node!.redactedUrl, 'mysql://rebound_monitor:***@10.0.0.1:3307');
  });

  const failures: [string, RegExp][] = [
    ['config-typo.yaml', /groups\[1\]\.mysql\.nodes\[0\]\.ulr: unknown key \(did you mean "url"\?\)/],
    ['config-literal-password.yaml', /nodes\[0\]\.url: write the password as a \$\{ENV_VAR\} reference/],
    ['config-missing-env.yaml', /nodes\[0\]\.url: environment variable NOT_SET_ANYWHERE is not set/],
    ['config-duplicate-member.yaml', /nodes\[1\]\.member: "db-1" is listed twice/],
    ['config-not-mysql.yaml', /nodes\[0\]\.url: expected a mysql:\/\/ or mariadb:\/\/ URL/],
    ['config-missing-ca-file.yaml', /mysql\.tls\.ca_file: /],
  ];
  for (const [file, message] of failures) {
    it(`rejects ${file} naming the key`, () => {
      assert.throws(
        () => parseMysqlConfig(read(file), KEY, env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          assert.ok(!error.message.includes('hunter2') && !error.message.includes('s3cret-from-env'), 'no password in the message');
          return true;
        },
      );
    });
  }

  it('needs at least one node', () => {
    assert.throws(() => parseMysqlConfig({ nodes: [] }, KEY, env), /mysql\.nodes: expected at least one node/);
  });
});
