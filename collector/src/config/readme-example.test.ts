import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setEnvironment } from '../testing/environment';
import { parseConfigText } from './load';

// The configuration example in the root README is what users copy first: it must stay valid.
describe('the README configuration example', () => {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const example = /```yaml\n(interval: [\s\S]*?)```/.exec(readme)?.[1];

  it('is found in the README', () => {
    assert.ok(example, 'no ```yaml block starting with "interval:" in README.md');
  });

  it('parses with its ${ENV} secrets set, and means what its comments say', () => {
    const restoreEnvironment = setEnvironment({
      PG_MONITOR_PASSWORD: 'secret-pg',
      OTLP_TOKEN: 'secret-otlp',
      REBOUND_API_TOKEN: 'secret-api',
      MYSQL_MONITOR_PASSWORD: 'secret-mysql',
    });
    try {
      const config = parseConfigText(example!, 'README.md');
      assert.deepEqual(
        config.groups.map((g) => g.name),
        ['cache', 'orders-db', 'billing-db', 'payments', 'demo'],
      );
      assert.equal(config.otlp?.maxRequestBytes, 4 * 1024 * 1024);
      assert.equal(config.otlp?.memberExpiryMillis, 30 * 60_000);
      assert.equal(config.listen.auth.bearerToken?.reveal(), 'secret-api');
      assert.equal(config.groups[0]!.onsetDelayMillis, 2_000);
      assert.deepEqual(
        config.maintenance.map((w) => [w.group, new Date(w.startMillis).toISOString(), (w.endMillis - w.startMillis) / 60_000]),
        [
          ['orders-db', '2026-12-01T22:00:00.000Z', 60],
          ['cache', '2026-12-02T00:00:00.000Z', 30],
        ],
      );
    } finally {
      restoreEnvironment();
    }
  });
});
