/**
 * The recovery panel, live: a real collector running the demo cluster, scraped by a real
 * Prometheus, queried by the panel preview server the way Grafana's Prometheus data source queries
 * it (query_range → frames), the built panel in Debian's Chromium. Checks what a person would,
 * while the demo walks through failure, stalled partial recovery and stabilization.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { demoGroupSettings } from '../../collector/src/receivers/demo/default-groups';
import { Child, sparePort, waitFor } from '../support/processes';

const repoRoot = join(__dirname, '..', '..');
const PROMETHEUS = process.env.PROMETHEUS ?? '/usr/bin/prometheus';
const DEMO_SPEED = 2;
const SEVERITY = ['degraded', 'partial', 'unknown', 'stale', 'recovering', 'stabilizing', 'healthy'];

/** The panel's browser harness (plain JS, shared with the plugin's own browser tests). */
interface Harness {
  startPreview(args: string[]): Promise<{ base: string; stop(): Promise<void> }>;
  launchBrowser(): Promise<{ close(): Promise<void>; newPage: unknown }>;
  openPreview(browser: unknown, url: string): Promise<{ page: Page }>;
  screenshotDir(): string;
}
interface Page {
  $$eval<T>(selector: string, fn: (els: DomElement[]) => T): Promise<T>;
  waitForTimeout(ms: number): Promise<void>;
  screenshot(options: { path: string }): Promise<unknown>;
  close(): Promise<void>;
}
/** What the page callback sees of an element (this workspace compiles without the DOM library). */
interface DomElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
interface Card {
  group: string;
  phase: string;
  text: string;
}

let dir: string;
let collector: Child | undefined;
let prometheus: Child | undefined;
let harness: Harness;
let preview: { base: string; stop(): Promise<void> } | undefined;
let browser: Awaited<ReturnType<Harness['launchBrowser']>> | undefined;
let page: Page;

function demoGroups(): unknown[] {
  const millis = (ms: number): string => `${Math.round(ms)}ms`;
  return (['database', 'cache', 'paths'] as const).map((scenario) => {
    const settings = demoGroupSettings(scenario, DEMO_SPEED);
    return {
      name: { database: 'orders-db', cache: 'sessions-cache', paths: 'edge-paths' }[scenario],
      rto: millis(settings.rtoMillis),
      hold_down: millis(settings.holdDownMillis),
      progress_window: millis(settings.progressWindowMillis),
      stabilization_window: millis(settings.stabilizationWindowMillis),
      demo: { scenario, speed: DEMO_SPEED },
    };
  });
}

async function startCollector(): Promise<number> {
  const [metricsPort, otlpPort] = [await sparePort(), await sparePort()];
  const configFile = join(dir, 'rebound.yaml');
  writeFileSync(configFile, stringify({ interval: '1s', listen: { metrics: `127.0.0.1:${metricsPort}`, otlp: `127.0.0.1:${otlpPort}` }, store: join(dir, 'rebound.db'), groups: demoGroups() }));
  collector = new Child('collector', process.execPath, ['--import', 'tsx', join(repoRoot, 'collector/src/cli.ts'), '--config', configFile, '--quiet'], repoRoot);
  await waitFor('the collector to answer /healthz', 60_000, async () => {
    if (!collector!.running) throw new Error(`collector exited:\n${collector!.tail()}`);
    return (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok || undefined;
  });
  return metricsPort;
}

async function startPrometheus(metricsPort: number): Promise<string> {
  const port = await sparePort();
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, stringify({ global: { scrape_interval: '1s' }, scrape_configs: [{ job_name: 'rebound', static_configs: [{ targets: [`127.0.0.1:${metricsPort}`] }] }] }));
  prometheus = new Child('prometheus', PROMETHEUS, [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`], dir);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus to be ready', 60_000, async () => {
    if (!prometheus!.running) throw new Error(`prometheus exited:\n${prometheus!.tail()}`);
    return (await fetch(`${url}/-/ready`)).ok || undefined;
  });
  return url;
}

async function cards(): Promise<Card[]> {
  return page.$$eval('[data-testid="group-card"]', (els) =>
    els.map((c) => ({ group: c.getAttribute('data-group') ?? '', phase: c.getAttribute('data-phase') ?? '', text: c.textContent ?? '' }))
  );
}

describe('recovery panel live: demo collector → Prometheus → preview (Grafana frames) → Chromium', { timeout: 600_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-panel-live-'));
    harness = (await import(join(repoRoot, 'grafana-plugin/tests/browser/harness.mjs'))) as Harness;
    const prometheusUrl = await startPrometheus(await startCollector());
    preview = await harness.startPreview(['--prometheus', prometheusUrl, '--range-minutes', '5']);
    browser = await harness.launchBrowser();
    page = (await harness.openPreview(browser, preview.base)).page;
  });

  after(async () => {
    await browser?.close();
    await preview?.stop();
    await prometheus?.stop();
    await collector?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (harness) console.log(`screenshots: ${harness.screenshotDir()}`);
  });

  it('shows every demo group with its phase in words, worst first', async () => {
    const seen = await waitFor('the three demo groups on the panel', 90_000, async () => {
      const now = await cards();
      return now.length === 3 ? now : undefined;
    });
    assert.deepEqual(seen.map((c) => c.group).sort(), ['edge-paths', 'orders-db', 'sessions-cache']);
    for (const card of seen) {
      assert.ok(SEVERITY.includes(card.phase), `${card.group}: phase "${card.phase}"`);
    }
    const ranks = seen.map((c) => SEVERITY.indexOf(c.phase));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `not worst first: ${seen.map((c) => `${c.group}=${c.phase}`).join(', ')}`);
  });

  it('the database story: a stalled partial recovery says stalled and names the drifted member', async () => {
    // The preview polls every 5 s; the database story reaches its stalled partial phase within a cycle.
    const orders = await waitFor('orders-db to show a stalled partial recovery with permission drift', 240_000, async () => {
      const card = (await cards()).find((c) => c.group === 'orders-db');
      return card && card.phase === 'partial' && /stalled/.test(card.text) && /permissions drift on \S+/.test(card.text) ? card : undefined;
    }, 1000);
    assert.match(orders.text, /replicas? not converged|replicas? (lagging|diverged|unreachable)/);
    await page.screenshot({ path: join(harness.screenshotDir(), 'live-prometheus-stalled-partial.png') });
  });
});
