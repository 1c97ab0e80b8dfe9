import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { parsePostgresqlConfig } from './config';

const env = { PG_MONITOR_PASSWORD: 's3cret-from-env' };
const read = (file: string): unknown => parse(readFileSync(join(__dirname, 'testdata', file), 'utf8'));
const KEY = 'groups[1].postgresql';

describe('parsePostgresqlConfig', () => {
  it('reads every key, expands ${ENV} in URLs and keeps the password out of anything printable', () => {
    const config = parsePostgresqlConfig(read('config-full.yaml'), KEY, env);
    assert.equal(config.intervalMillis, 5_000);
    assert.equal(config.timeoutMillis, 800);
    assert.equal(config.sslmode, 'require');
    assert.deepEqual(
      config.nodes.map((n) => [n.member, n.host, n.port, n.role]),
      [
        ['pg-1', '10.0.0.1', 5432, 'leader'],
        ['pg-2', '::1', 5432, undefined],
      ],
    );
    assert.equal(config.nodes[0]!.url.reveal(), 'postgres://rebound_monitor:s3cret-from-env@10.0.0.1:5432/postgres');
    assert.equal(config.nodes[0]!.redactedUrl, 'postgres://rebound_monitor:***@10.0.0.1:5432/postgres');
    assert.deepEqual(config.nodes[0]!.dependencies, { 'cloud.availability_zone': 'eu-1a', 'host.name': 'db-1' });
    for (const printed of [JSON.stringify(config), inspect(config, { depth: 10 }), String(config.nodes[0]!.url)]) {
      assert.ok(!printed.includes('s3cret-from-env'), printed);
    }
  });

  const failures: [string, RegExp][] = [
    ['config-typo.yaml', /groups\[1\]\.postgresql\.nodes\[0\]\.ulr: unknown key \(did you mean "url"\?\)/],
    ['config-missing-env.yaml', /nodes\[0\]\.url: environment variable NOT_SET_ANYWHERE is not set/],
    ['config-duplicate-member.yaml', /nodes\[1\]\.member: "pg-1" is listed twice/],
    ['config-bad-sslmode.yaml', /postgresql\.sslmode: expected one of disable, require, verify-ca, verify-full \(got "prefer"\)/],
    ['config-not-postgres.yaml', /nodes\[0\]\.url: expected a postgres:\/\/ or postgresql:\/\/ URL/],
  ];
  for (const [file, message] of failures) {
    it(`rejects ${file} naming the key`, () => {
      assert.throws(
        () => parsePostgresqlConfig(read(file), KEY, env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          assert.ok(!error.message.includes('hunter2'), 'no password in the message');
          return true;
        },
      );
    });
  }

  it('needs at least one node', () => {
    assert.throws(() => parsePostgresqlConfig({ nodes: [] }, KEY, env), /postgresql\.nodes: expected at least one node/);
  });
});
