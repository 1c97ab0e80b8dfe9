/**
 * The recovery panel, live: a real collector running the demo cluster, scraped by a real
 * Prometheus, queried by the panel preview server the way Grafana's Prometheus data source queries
 * it (query_range → frames), the built panel in Debian's Chromium. Checks what a person would,
 * while the demo walks through failure, stalled partial recovery and stabilization.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoCollector, startPrometheus } from '../support/demo-stack';
import { waitFor, type Child } from '../support/processes';

const repoRoot = join(__dirname, '..', '..');
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

async function cards(): Promise<Card[]> {
  return page.$$eval('[data-testid="group-card"]', (els) =>
    els.map((c) => ({ group: c.getAttribute('data-group') ?? '', phase: c.getAttribute('data-phase') ?? '', text: c.textContent ?? '' })),
  );
}

describe('recovery panel live: demo collector → Prometheus → preview (Grafana frames) → Chromium', { timeout: 600_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-panel-live-'));
    harness = (await import(join(repoRoot, 'grafana-plugin/tests/browser/harness.mjs'))) as Harness;
    const started = await startDemoCollector(dir, DEMO_SPEED);
    collector = started.child;
    const stack = await startPrometheus(dir, { metricsPort: started.metricsPort, job: 'rebound' });
    prometheus = stack.child;
    const prometheusUrl = stack.url;
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
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
      `not worst first: ${seen.map((c) => `${c.group}=${c.phase}`).join(', ')}`,
    );
  });

  it('the database story: a stalled partial recovery says stalled and names the drifted member', async () => {
    // The preview polls every 5 s; the database story reaches its stalled partial phase within a cycle.
    const orders = await waitFor(
      'orders-db to show a stalled partial recovery with permission drift',
      240_000,
      async () => {
        const card = (await cards()).find((c) => c.group === 'orders-db');
        return card && card.phase === 'partial' && /stalled/.test(card.text) && /permissions drift on \S+/.test(card.text) ? card : undefined;
      },
      1000,
    );
    assert.match(orders.text, /replicas? not converged|replicas? (lagging|diverged|unreachable)/);
    await page.screenshot({ path: join(harness.screenshotDir(), 'live-prometheus-stalled-partial.png') });
  });
});
