import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../config/config-error';
import { parseConfigText } from '../../config/load';
import { parsePrometheusConfig } from './config';
import { roundQueries } from './queries';

const parse = (raw: unknown, env: NodeJS.ProcessEnv = { TOKEN: 't0ken' }) => parsePrometheusConfig(raw, 'groups[0].prometheus', env);
const base = { url: 'http://prometheus:9090', exporter: 'redis_exporter', selector: '{job="redis", cluster="sessions"}' };

describe('prometheus: config', () => {
  it('the issue example parses, with defaults', () => {
    const config = parse({
      ...base,
      member_label: 'instance',
      dependencies_from_labels: { zone: 'cloud.availability_zone', node: 'host.name' },
      interval: '15s',
    });
    assert.equal(config.matchers, 'job="redis", cluster="sessions"');
    assert.equal(config.intervalMillis, 15_000);
    assert.equal(config.timeoutMillis, 2_000);
    assert.deepEqual(config.dependenciesFromLabels, { zone: 'cloud.availability_zone', node: 'host.name' });
  });

  it('the queries: up of the selector, and one regex selector over the exporter metrics', () => {
    const q = roundQueries('redis_exporter', parse(base).matchers, 45);
    assert.equal(q.up, 'up{job="redis", cluster="sessions"}[45s]');
    assert.match(q.metrics, /^\{__name__=~"redis_up\|redis_instance_info\|.*", job="redis", cluster="sessions"\}\[45s\]$/);
  });

  const bad: [string, unknown, RegExp][] = [
    ['unknown key', { ...base, selecter: '{}' }, /groups\[0\]\.prometheus\.selecter: unknown key \(did you mean "selector"\?\)/],
    [
      'exporter',
      { ...base, exporter: 'node_exporter' },
      /groups\[0\]\.prometheus\.exporter: expected one of redis_exporter, postgres_exporter, mysqld_exporter/,
    ],
    ['url', { ...base, url: 'prometheus:9090' }, /groups\[0\]\.prometheus\.url: expected the Prometheus HTTP API base/],
    ['credentials in url', { ...base, url: 'http://u:p@prometheus:9090' }, /groups\[0\]\.prometheus\.url: put credentials in basic_auth or bearer_token/],
    ['selector without braces', { ...base, selector: 'job="redis"' }, /groups\[0\]\.prometheus\.selector: expected label matchers in braces/],
    ['selector with a name', { ...base, selector: '{__name__="redis_up"}' }, /groups\[0\]\.prometheus\.selector: must not match __name__/],
    ['selector not matchers', { ...base, selector: '{job=redis}' }, /groups\[0\]\.prometheus\.selector: "job=redis" is not a label matcher/],
    ['member_label', { ...base, member_label: 'in-stance' }, /groups\[0\]\.prometheus\.member_label: expected a Prometheus label name/],
    ['interval', { ...base, interval: 'often' }, /groups\[0\]\.prometheus\.interval: expected a duration/],
    ['missing env', { ...base, bearer_token: '${NOPE}' }, /groups\[0\]\.prometheus\.bearer_token: environment variable NOPE is not set/],
    [
      'both auths',
      { ...base, bearer_token: '${TOKEN}', basic_auth: { username: 'u', password: '${TOKEN}' } },
      /groups\[0\]\.prometheus\.basic_auth: give bearer_token or basic_auth, not both/,
    ],
    ['declared twice', { ...base, declared: [{ member: 'a' }, { member: 'a' }] }, /groups\[0\]\.prometheus\.declared\[1\]\.member: "a" is listed twice/],
    ['tls file', { ...base, tls: { ca_file: '/nonexistent/ca.pem' } }, /groups\[0\]\.prometheus\.tls\.ca_file: cannot read/],
  ];
  for (const [name, raw, message] of bad) {
    it(`refuses ${name}, naming the key`, () => {
      assert.throws(
        () => parse(raw),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }

  it('the bearer token prints as *** (JSON, inspect)', () => {
    const config = parse({ ...base, bearer_token: '${TOKEN}' });
    assert.equal(config.bearerToken?.reveal(), 't0ken');
    assert.ok(!JSON.stringify(config).includes('t0ken'));
  });
});

describe('prometheus: in a collector config file', () => {
  it('a group with prometheus: loads, with freshness from its interval', () => {
    const config = parseConfigText(
      [
        'groups:',
        '  - name: sessions',
        '    prometheus:',
        '      url: http://prometheus:9090',
        '      exporter: redis_exporter',
        '      selector: \'{job="redis"}\'',
        '      interval: 15s',
      ].join('\n'),
      'rebound.yaml',
    );
    const group = config.groups[0]!;
    assert.deepEqual(
      group.receivers.map((r) => r.type),
      ['prometheus'],
    );
    assert.equal(group.freshnessMillis, 45_000);
  });
});
