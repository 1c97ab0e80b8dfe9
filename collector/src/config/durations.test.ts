import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error';
import { MAX_DURATION_MILLIS } from './fields';
import { parseConfigText } from './load';

/**
 * Every duration key of the config, with a YAML file that sets it to `VALUE`. Node's
 * timers fire after 1 ms when given more than 2^31-1 ms, so each key must refuse more.
 */
const DURATION_KEYS: [keyPath: string, yaml: string][] = [
  ['interval', 'interval: VALUE\ngroups: [{ name: g, otlp: {} }]'],
  ...['rto', 'hold_down', 'freshness', 'lag_tolerance', 'progress_window', 'stabilization_window'].map((key): [string, string] => [
    `groups[0].${key}`,
    `groups: [{ name: g, ${key}: VALUE, otlp: {} }]`,
  ]),
  ['groups[0].otlp.push_interval', 'groups: [{ name: g, otlp: { push_interval: VALUE } }]'],
  ...['interval', 'timeout', 'max_backoff'].map((key): [string, string] => [
    `groups[0].redis.${key}`,
    `groups: [{ name: g, redis: { ${key}: VALUE, nodes: [{ member: a, address: 127.0.0.1:6379 }] } }]`,
  ]),
  ...['interval', 'timeout'].map((key): [string, string] => [
    `groups[0].postgresql.${key}`,
    `groups: [{ name: g, postgresql: { ${key}: VALUE, nodes: [{ member: a, url: "postgres://monitor@127.0.0.1:5432/postgres" }] } }]`,
  ]),
  ...['max_clock_skew', 'retry_after', 'member_expiry'].map((key): [string, string] => [
    `otlp.${key}`,
    `otlp: { ${key}: VALUE }\ngroups: [{ name: g, otlp: {} }]`,
  ]),
  ...['interval', 'timeout'].map((key): [string, string] => [
    `exporters.otlp.${key}`,
    `exporters: { otlp: { endpoint: "http://127.0.0.1:4318", ${key}: VALUE } }\ngroups: [{ name: g, otlp: {} }]`,
  ]),
];

describe('duration keys', () => {
  for (const [keyPath, yaml] of DURATION_KEYS) {
    it(`${keyPath}: refuses 25d and 30d naming the key and the maximum`, () => {
      for (const value of ['25d', '30d', '2147484s', 1e300]) {
        assert.throws(
          () => parseConfigText(yaml.replace('VALUE', String(value)), 'rebound.yaml'),
          (error: unknown) =>
            error instanceof ConfigError &&
            error.keyPath === keyPath &&
            /expected a duration of at most 24d 20h 31m 23s \(2147483647ms, the longest timer Node\.js can set; got /.test(error.message),
          `${keyPath}: ${value}`,
        );
      }
    });
  }

  it('accepts the maximum itself', () => {
    const config = parseConfigText(`interval: ${MAX_DURATION_MILLIS}ms\ngroups: [{ name: g, otlp: {} }]`, 'rebound.yaml');
    assert.equal(config.intervalMillis, MAX_DURATION_MILLIS);
  });
});
