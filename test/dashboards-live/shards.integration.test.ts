/**
 * Shards against real Prometheus: the demo groups split over three collector processes
 * (`--shard I/3`), scraped by one Prometheus under one job, against one collector over the same
 * demo scraped by another. Each group is derived by exactly one shard, and every dashboard query
 * and every recording rule answers with the same series (label sets, `instance` aside) from
 * both. Values are not compared: the processes start a moment apart, so the demo stories' phase
 * changes fall at slightly different instants; a query is retried until both sides agree.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { METRICS } from '@rebound/contract';
import { stringify } from 'yaml';
import { shardOf } from '@rebound/collector';
import { recoveryAlertRuleGroups, selectors, sloRuleGroups, toYaml, type RuleGroup } from '@rebound/dashboards';
import { demoGroups, startPrometheus } from '../support/demo-stack';
import { otlpJsonBody } from '../support/otlp-json';
import { Child, sparePort, waitFor } from '../support/processes';
import { interpolate, panelQueries, readDashboards } from './dashboard-queries';
import { PrometheusApi, type Sample } from './prometheus-api';

const repoRoot = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'rebound-shards-'));
const job = /job="([^"]+)"/.exec(selectors.collector)![1]!;
const CLUSTER = 'demo';
const SHARDS = 3;
const SPEED = 4;
const VARIABLES = { job, cluster: CLUSTER, group: '.*', __range: '1h', __rate_interval: '1m', __interval: '15s' };
const children: Child[] = [];
const shardPorts: number[] = [];
const shardOtlpPorts: number[] = [];
let single: PrometheusApi;
let sharded: PrometheusApi;
const demoNames = (demoGroups(SPEED) as { name: string }[]).map((g) => g.name);

after(async () => {
  await Promise.all(children.map((c) => c.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** The generated rules, every group evaluated each second. */
function ruleFiles(into: string): string[] {
  const fast = (groups: RuleGroup[]): RuleGroup[] => groups.map((g) => ({ ...g, interval: '1s' }));
  const files: [string, RuleGroup[]][] = [
    ['recovery-alerts.yml', fast(recoveryAlertRuleGroups())],
    ['recovery-slo.yml', fast(sloRuleGroups)],
  ];
  return files.map(([name, groups]) => {
    const file = join(into, name);
    writeFileSync(file, toYaml({ groups }));
    return file;
  });
}

async function startCollector(name: string, args: string[]): Promise<[number, number]> {
  const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
  const home = join(dir, name);
  mkdirSync(home);
  const configFile = join(home, 'rebound.yaml');
  writeFileSync(
    configFile,
    stringify({
      interval: '1s',
      listen: { metrics: `127.0.0.1:${metricsPort}`, otlp: `127.0.0.1:${otlpPort}` },
      store: join(home, 'rebound.db'),
      groups: demoGroups(SPEED),
      otlp: { dynamic_groups: true },
    }),
  );
  const child = new Child(
    name,
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'collector/src/cli.ts'), '--config', configFile, '--quiet', ...args],
    repoRoot,
  );
  children.push(child);
  await waitFor(`${name} to answer /healthz`, 60_000, async () => {
    if (!child.running) throw new Error(`${name} exited:\n${child.tail()}`);
    return (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok || undefined;
  });
  return [metricsPort, otlpPort];
}

/** A result as label sets without `instance`, sorted; deduplicated when the query keeps `instance` (one series per collector). */
function labelSets(samples: Sample[]): string[] {
  const perInstance = samples.some((s) => 'instance' in s.metric);
  const sets = samples.map((s) => {
    const { instance: _instance, ...rest } = s.metric;
    return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))));
  });
  return (perInstance ? [...new Set(sets)] : sets).sort();
}

/** Queries compared, and how many of them had series (an empty answer on both sides proves little). */
const compared = { queries: 0, withSeries: 0 };

async function sameAnswer(what: string, expr: string): Promise<void> {
  let last: [string[], string[]] = [[], []];
  await waitFor(
    `${what}: the same series from one collector and from the shards`,
    30_000,
    async () => {
      last = [labelSets(await single.instant(expr)), labelSets(await sharded.instant(expr))];
      return JSON.stringify(last[0]) === JSON.stringify(last[1]) ? true : undefined;
    },
    1000,
  ).catch(() => undefined);
  assert.deepEqual(last[1], last[0], `${what}\n  ${expr}`);
  compared.queries++;
  if (last[0].length > 0) compared.withSeries++;
}

describe('three shards against one collector, through real Prometheus', { timeout: 600_000 }, () => {
  before(async () => {
    // All at once, so the demo stories run nearly in step on both sides.
    const ports = await Promise.all([
      startCollector('single', []),
      ...Array.from({ length: SHARDS }, (_, i) => startCollector(`shard-${i}`, ['--shard', `${i}/${SHARDS}`])),
    ]);
    shardPorts.push(...ports.slice(1).map(([metrics]) => metrics));
    shardOtlpPorts.push(...ports.slice(1).map(([, otlp]) => otlp));
    for (const [name, metricsPort, more] of [
      ['single', ports[0]![0], []],
      ['sharded', shardPorts[0]!, shardPorts.slice(1)],
    ] as const) {
      const home = join(dir, `prometheus-${name}`);
      mkdirSync(home);
      const stack = await startPrometheus(home, {
        metricsPort,
        moreMetricsPorts: [...more],
        job,
        ruleFiles: ruleFiles(home),
        labels: { [selectors.clusterLabel]: CLUSTER },
      });
      children.push(stack.child);
      if (name === 'single') single = new PrometheusApi(stack.url);
      else sharded = new PrometheusApi(stack.url);
    }
    await waitFor('every target scraped', 60_000, async () =>
      (await single.instant(`up{job="${job}"} == 1`)).length === 1 && (await sharded.instant(`up{job="${job}"} == 1`)).length === SHARDS ? true : undefined,
    );
    // A few rule evaluations and scrapes.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  });

  it('derives each demo group on exactly one shard, the one its name hashes to', async () => {
    const owners = new Map<string, number[]>();
    for (const [index, port] of shardPorts.entries()) {
      const { groups } = (await (await fetch(`http://127.0.0.1:${port}/api/v1/groups`)).json()) as { groups: { name: string }[] };
      for (const g of groups) owners.set(g.name, [...(owners.get(g.name) ?? []), index]);
    }
    assert.deepEqual([...owners.keys()].sort(), [...demoNames].sort(), 'every group on some shard');
    for (const [group, on] of owners) assert.deepEqual(on, [shardOf(group, SHARDS)], `${group} derived by shard ${on.join(', ')}`);
    const perGroup = await sharded.instant(`count by (group) (count by (group, instance) (${METRICS.groupPhase.name}{${selectors.collector}}))`);
    assert.deepEqual(perGroup.map((s) => [s.metric.group, s.value![1]]).sort(), demoNames.map((g) => [g, '1']).sort(), 'one instance per group in Prometheus');
    const info = await sharded.instant(`${METRICS.collectorShardInfo.name}{${selectors.collector}}`);
    assert.deepEqual(info.map((s) => `${s.metric.shard}/${s.metric.shards}`).sort(), ['0/3', '1/3', '2/3']);
  });

  it("refuses OTLP points of another shard's group in the partial-success answer, naming the owner", async () => {
    const owner = shardOf('orders-db', SHARDS);
    const other = (owner + 1) % SHARDS;
    const response = await fetch(`http://127.0.0.1:${shardOtlpPorts[other]}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: otlpJsonBody([{ group: 'orders-db', member: 'pg-1', role: 'leader', up: true, position: 1 }]),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { partialSuccess?: { rejectedDataPoints: string; errorMessage: string } };
    assert.ok(Number(body.partialSuccess?.rejectedDataPoints) > 0, JSON.stringify(body));
    assert.match(
      body.partialSuccess!.errorMessage,
      new RegExp(`other_shard.*group "orders-db" belongs to shard ${owner} of ${SHARDS} \\(this is shard ${other}\\)`),
    );
  });

  for (const dashboard of readDashboards(join(repoRoot, 'dashboards/grafana/dashboards'))) {
    it(`${dashboard.title}: every panel query answers the same series`, async () => {
      for (const panel of panelQueries(dashboard)) {
        for (const target of panel.targets) await sameAnswer(`${dashboard.title} › ${panel.panel} › ${target.refId}`, interpolate(target.expr, VARIABLES));
      }
    });
  }

  it('every recording rule and alert expression answers the same series', async () => {
    for (const group of [...sloRuleGroups, ...recoveryAlertRuleGroups()]) {
      for (const rule of group.rules) {
        const name = 'record' in rule && rule.record ? rule.record : `alert ${(rule as { alert: string }).alert}`;
        await sameAnswer(`${group.name} › ${name}`, 'record' in rule && rule.record ? rule.record : rule.expr);
      }
    }
    console.log(`shards: ${compared.queries} dashboard queries and rules compared, ${compared.withSeries} of them with series`);
    assert.ok(compared.withSeries >= compared.queries / 2, `only ${compared.withSeries} of ${compared.queries} queries had series`);
  });
});
