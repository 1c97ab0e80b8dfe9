import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDemoConfig } from './config';
import { defaultDemoGroups, demoGroupSettings } from './default-groups';

describe('defaultDemoGroups', () => {
  it('runs a database, a cache and network paths, each from its own demo story', () => {
    const groups = defaultDemoGroups(1);
    assert.deepEqual(
      groups.map((g) => [g.name, g.receivers.map((r) => r.type), (g.receivers[0]!.config as { scenario: string }).scenario]),
      [
        ['orders-db', ['demo'], 'database'],
        ['sessions-cache', ['demo'], 'cache'],
        ['edge-paths', ['demo'], 'paths'],
      ],
    );
    for (const g of groups) assert.deepEqual(parseDemoConfig(g.receivers[0]!.config, 'demo'), g.receivers[0]!.config, 'a config the parser accepts');
  });

  it('compresses RTO, hold-down and windows with the speed; freshness stays in real ticks', () => {
    assert.deepEqual(demoGroupSettings('database', 1), {
      rtoMillis: 60_000,
      holdDownMillis: 10_000,
      freshnessMillis: 3000,
      progressWindowMillis: 10_000,
      stabilizationWindowMillis: 30_000,
    });
    assert.deepEqual(demoGroupSettings('database', 2), {
      rtoMillis: 30_000,
      holdDownMillis: 5000,
      freshnessMillis: 3000,
      progressWindowMillis: 5000,
      stabilizationWindowMillis: 15_000,
    });
    const fast = demoGroupSettings('cache', 100);
    assert.equal(fast.progressWindowMillis, 2000, 'never below two ticks');
    assert.equal(fast.holdDownMillis, 2000);
  });

  it('passes the speed to every demo source', () => {
    assert.ok(defaultDemoGroups(3).every((g) => (g.receivers[0]!.config as { speed: number }).speed === 3));
  });
});
