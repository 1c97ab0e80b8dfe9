/**
 * Two collectors under one scrape job, a real Prometheus running our alert rules: when one
 * collector dies its own alert fires, though the other keeps `recovery_group_phase` present (a
 * job-wide absent() — the only check before — stays silent); when it is then removed from the
 * scrape config, "collector gone" fires for it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { selectors, toYaml, recoveryAlertRuleGroups, type RuleGroup } from '@rebound/dashboards';
import type { Child } from '../support/processes';
import { waitFor } from '../support/processes';
import { startDemoCollector, startPrometheus } from '../support/demo-stack';
import { PrometheusApi } from './prometheus-api';

const dir = mkdtempSync(join(tmpdir(), 'rebound-two-collectors-'));
const job = /job="([^"]+)"/.exec(selectors.collector)![1]!;
const children: Child[] = [];
let api: PrometheusApi;
let prometheus: Child;
const ports: number[] = [];

after(async () => {
  await Promise.all(children.map((c) => c.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** The generated alert rules, evaluated every second and with `for:` cut to 2 s, so a short run sees them fire. */
function fastAlertRules(): string {
  const fast = (groups: RuleGroup[]): RuleGroup[] =>
    groups.map((g) => ({ ...g, interval: '1s', rules: g.rules.map((r) => ('for' in r && r.for ? { ...r, for: '2s' } : r)) }));
  const file = join(dir, 'recovery-alerts.yml');
  writeFileSync(file, toYaml({ groups: fast(recoveryAlertRuleGroups()) }));
  return file;
}

const firing = async (reason: string) =>
  (await api.alerts()).filter((a) => a.state === 'firing' && a.labels.alertname === 'RecoverySignalsStale' && a.labels.reason === reason);

describe('two collectors, one of them dying', () => {
  before(async () => {
    for (const name of ['a', 'b']) {
      mkdirSync(join(dir, name));
      const started = await startDemoCollector(join(dir, name), 4);
      children.push(started.child);
      ports.push(started.metricsPort);
    }
    const stack = await startPrometheus(dir, { metricsPort: ports[0]!, moreMetricsPorts: [ports[1]!], job, ruleFiles: [fastAlertRules()] });
    prometheus = stack.child;
    children.push(prometheus);
    api = new PrometheusApi(stack.url);
    await waitFor('both collectors scraped', 60_000, async () => ((await api.instant(`up{job="${job}"} == 1`)).length === 2 ? true : undefined));
  });

  it('pages for the dead instance while the live one keeps the metrics present', async () => {
    const dead = `127.0.0.1:${ports[1]}`;
    await children[1]!.kill('SIGKILL');
    const alerts = await waitFor('RecoverySignalsStale{reason="collector_down"} to fire', 60_000, async () => {
      const found = await firing('collector_down');
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      alerts.map((a) => a.labels.instance),
      [dead],
      'only the dead collector is paged',
    );
    assert.equal(alerts[0]!.labels.severity, 'critical');
    assert.deepEqual(await firing('metrics_absent'), [], 'the job still has metrics: a job-wide absent() cannot see the dead one');
  });

  it('pages "collector gone" once the dead instance is removed from the scrape config', async () => {
    const configFile = join(dir, 'prometheus.yml');
    const config = parse(readFileSync(configFile, 'utf8')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    config.scrape_configs[0]!.static_configs[0]!.targets = [`127.0.0.1:${ports[0]}`];
    writeFileSync(configFile, stringify(config));
    prometheus.signal('SIGHUP');
    const gone = await waitFor('RecoverySignalsStale{reason="collector_gone"} to fire', 60_000, async () => {
      const found = await firing('collector_gone');
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      gone.map((a) => a.labels.instance),
      [`127.0.0.1:${ports[1]}`],
    );
  });
});
