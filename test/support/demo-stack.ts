/**
 * The live stack the cross-part tests run: a collector (from this tree's source, so a stale
 * dist/ never hides a change) running the three demo stories, and Debian's Prometheus scraping it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoGroupSettings } from '@rebound/collector';
import { Child, sparePort, waitFor } from './processes';

const repoRoot = join(__dirname, '..', '..');
const PROMETHEUS = process.env.PROMETHEUS ?? '/usr/bin/prometheus';

/** The three demo stories, with the group settings under which they read as written at `speed`. */
export function demoGroups(speed: number): unknown[] {
  const millis = (ms: number): string => `${Math.round(ms)}ms`;
  return (['database', 'cache', 'paths'] as const).map((scenario) => {
    const settings = demoGroupSettings(scenario, speed);
    return {
      name: { database: 'orders-db', cache: 'sessions-cache', paths: 'edge-paths' }[scenario],
      rto: millis(settings.rtoMillis),
      hold_down: millis(settings.holdDownMillis),
      progress_window: millis(settings.progressWindowMillis),
      stabilization_window: millis(settings.stabilizationWindowMillis),
      demo: { scenario, speed },
    };
  });
}

/** Start the demo collector in `dir` on spare ports; resolves once it answers /healthz. */
export async function startDemoCollector(dir: string, speed: number): Promise<{ child: Child; metricsPort: number }> {
  const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
  const configFile = join(dir, 'rebound.yaml');
  writeFileSync(
    configFile,
    stringify({
      interval: '1s',
      listen: { metrics: `127.0.0.1:${metricsPort}`, otlp: `127.0.0.1:${otlpPort}` },
      store: join(dir, 'rebound.db'),
      groups: demoGroups(speed),
    }),
  );
  const child = new Child(
    'collector',
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'collector/src/cli.ts'), '--config', configFile, '--quiet'],
    repoRoot,
  );
  await waitFor('the collector to answer /healthz', 60_000, async () => {
    if (!child.running) throw new Error(`collector exited:\n${child.tail()}`);
    return (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok || undefined;
  });
  return { child, metricsPort };
}

/** Start Prometheus in `dir` scraping the collector every second; resolves once it is ready. */
export async function startPrometheus(
  dir: string,
  scrape: {
    metricsPort: number;
    job: string;
    ruleFiles?: string[];
    /** More collectors scraped under the same job (several instances, as an HA pair or shards). */
    moreMetricsPorts?: number[];
    /** Target labels, e.g. `{ cluster: 'demo' }` as a user's scrape config would add. */
    labels?: Record<string, string>;
  },
): Promise<{ child: Child; url: string }> {
  const port = await sparePort();
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(
    configFile,
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      ...(scrape.ruleFiles ? { rule_files: scrape.ruleFiles } : {}),
      scrape_configs: [
        {
          job_name: scrape.job,
          static_configs: [
            {
              targets: [scrape.metricsPort, ...(scrape.moreMetricsPorts ?? [])].map((port) => `127.0.0.1:${port}`),
              ...(scrape.labels ? { labels: scrape.labels } : {}),
            },
          ],
        },
      ],
    }),
  );
  const child = new Child(
    'prometheus',
    PROMETHEUS,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
    dir,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus to be ready', 60_000, async () => {
    if (!child.running) throw new Error(`prometheus exited:\n${child.tail()}`);
    return (await fetch(`${url}/-/ready`)).ok || undefined;
  });
  return { child, url };
}
