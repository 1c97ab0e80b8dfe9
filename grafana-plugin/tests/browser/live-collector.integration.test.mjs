// Live: the real collector (demo cluster) scraped by serve.mjs, the built panel in Chromium.
// The variant through a real Prometheus lives in the repository's test/ folder.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';

import { launchBrowser, openPreview, pluginRoot, screenshotDir, startPreview } from './harness.mjs';

const collectorCli = join(pluginRoot, '../collector/dist/cli.js');
const built = existsSync(collectorCli);
let collector;
let preview;
let browser;
let dir;

function sparePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  if (!built) {
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'rebound-panel-live-'));
  const [metrics, otlp] = [await sparePort(), await sparePort()];
  writeFileSync(
    join(dir, 'collector.yaml'),
    `interval: 1s\nlisten:\n  metrics: 127.0.0.1:${metrics}\n  otlp: 127.0.0.1:${otlp}\nstore: ${join(dir, 'rebound.db')}\ngroups:\n  - name: demo\n    demo: {}\n`,
  );
  collector = spawn(process.execPath, [collectorCli, '--config', join(dir, 'collector.yaml'), '--quiet', '--speed', '4'], { stdio: 'ignore' });
  preview = await startPreview(['--collector', `http://127.0.0.1:${metrics}`, '--scrape-interval', '1']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await preview?.stop();
  if (collector && collector.exitCode === null) {
    await new Promise((resolve) => {
      collector.once('exit', resolve);
      collector.kill('SIGTERM');
    });
  }
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
});

it(
  'shows the demo group live from the collector, with a phase in words',
  { skip: built ? false : 'collector not built (npm run build -w collector)' },
  async () => {
    const { page } = await openPreview(browser, preview.base);
    const card = page.locator('[data-testid="group-card"][data-group="demo"]');
    await card.waitFor({ timeout: 30_000 });
    const phase = await card.getAttribute('data-phase');
    assert.ok(['healthy', 'degraded', 'recovering', 'partial', 'stabilizing', 'unknown'].includes(phase), `phase ${phase}`);
    assert.match(await card.getByTestId('phase-badge').textContent(), /healthy|degraded|recovering|partial|stabilizing|unknown/);
    await page.waitForTimeout(6000); // a few scrapes, so the sparkline and timeline have history
    await page.screenshot({ path: join(screenshotDir(), 'live-collector.png') });
    // The drill-down from live data: the demo's members, each with a status.
    await card.getByTestId('drilldown-toggle').click();
    await card.getByTestId('member-drilldown').waitFor();
    const members = await card.getByTestId('member-row').evaluateAll((rows) => rows.map((r) => r.dataset.status));
    assert.ok(members.length >= 2, `members in the drill-down: ${members.length}`);
    assert.ok(
      members.every((st) => ['converged', 'lagging', 'diverged', 'unreachable', 'unknown'].includes(st)),
      members.join(', '),
    );
    // Role and failure-domain values from the collector's own series (the demo declares zones and hosts).
    const roles = await card.getByTestId('member-role').allTextContents();
    assert.equal(roles.length, members.length, `a role for every member: ${roles.join(', ')}`);
    assert.ok(
      roles.every((r) => ['leader', 'replica', 'standby', 'path'].includes(r)),
      roles.join(', '),
    );
    assert.ok((await card.getByTestId('failure-domain').count()) >= members.length, 'failure-domain values for the members');
    await page.screenshot({ path: join(screenshotDir(), 'live-collector-drilldown.png') });
    await page.close();
  },
);
