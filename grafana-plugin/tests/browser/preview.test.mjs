// The built panel (dist/module.js) in real Chromium, in the real @grafana/ui theme, fed frames shaped
// as Grafana's Prometheus data source shapes them. Checks what a person would check, and saves
// screenshots for a reviewer (folder printed at the end).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, openPreview, screenshotDir, startPreview } from './harness.mjs';

let preview;
let browser;
const shots = screenshotDir();

before(async () => {
  preview = await startPreview();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await preview?.stop();
  console.log(`screenshots: ${shots}`);
});

async function cardsOf(page) {
  await page.waitForSelector('[data-testid="group-card"]');
  return page.$$eval('[data-testid="group-card"]', (cards) =>
    cards.map((c) => ({
      group: c.getAttribute('data-group'),
      phase: c.getAttribute('data-phase'),
      text: c.textContent,
      badgeBackground: getComputedStyle(c.querySelector('[data-testid="phase-badge"]')).backgroundColor,
      badgeBorder: getComputedStyle(c.querySelector('[data-testid="phase-badge"]')).borderStyle,
    }))
  );
}

describe('preview page, incident fixture', () => {
  for (const format of ['time_series', 'table']) {
    it(`puts the worst group on top and says what is wrong (${format})`, async () => {
      const { page, errors } = await openPreview(browser, `${preview.base}?scenario=incident&format=${format}`);
      const cards = await cardsOf(page);
      assert.deepEqual(
        cards.map((c) => c.group),
        ['ledger', 'orders-db', 'payments', 'sessions', '<img src=x onerror="window.__xss=1">', 'cache', 'search']
      );
      assert.equal(cards[0].phase, 'degraded');

      const orders = cards.find((c) => c.group === 'orders-db');
      assert.match(orders.text, /stalled/, 'the stalled group says stalled');
      assert.match(orders.text, /permissions drift on pg-2/, 'the drifted member is named');
      const etaColour = (group) => page.locator(`[data-testid="group-card"][data-group="${group}"] [data-testid="eta"]`).evaluate((e) => getComputedStyle(e).color);
      assert.notEqual(await etaColour('orders-db'), await etaColour('sessions'), '"stalled" stands out from a running ETA');

      const unknown = cards.find((c) => c.group === 'payments');
      const healthy = cards.find((c) => c.group === 'search');
      assert.match(unknown.text, /unknown/);
      assert.notEqual(unknown.badgeBackground, healthy.badgeBackground, 'unknown is not coloured like healthy');
      assert.equal(unknown.badgeBorder, 'dashed');

      const html = page.locator('[data-testid="group-card"][data-group^="<img"] [data-testid="group-name"]');
      assert.equal(await html.textContent(), '<img src=x onerror="window.__xss=1">', 'an HTML label shows as text');
      assert.equal(await page.locator('[data-testid="group-list"] img').count(), 0);
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'the label never ran as HTML');
      assert.deepEqual(errors, []);
      await page.screenshot({ path: join(shots, `incident-${format}.png`) });
      await page.close();
    });
  }

  it('README picture: the incident at a glance', async () => {
    const { page } = await openPreview(browser, `${preview.base}?scenario=incident&width=1100&height=440`, { width: 1132, height: 472 });
    await cardsOf(page);
    await page.screenshot({ path: join(shots, 'readme-preview.png') });
    await page.close();
  });

  it('renders in the light theme too', async () => {
    const { page } = await openPreview(browser, `${preview.base}?scenario=incident&theme=light`);
    const cards = await cardsOf(page);
    assert.equal(cards[0].group, 'ledger');
    const canvas = await page.evaluate(() => getComputedStyle(document.querySelector('#root > div') ?? document.body).backgroundColor);
    assert.notEqual(canvas, 'rgb(17, 18, 23)', 'light theme must not paint the dark canvas');
    await page.screenshot({ path: join(shots, 'incident-light.png') });
    await page.close();
  });

  it('fits a phone-width panel without hiding the phase', async () => {
    const { page } = await openPreview(browser, `${preview.base}?scenario=stalled-partial&width=380&height=700`, { width: 400, height: 740 });
    const cards = await cardsOf(page);
    assert.equal(cards[0].group, 'orders-db');
    assert.ok(await page.locator('[data-testid="phase-badge"]').first().isVisible());
    await page.screenshot({ path: join(shots, 'phone-width.png') });
    await page.close();
  });
});

describe('screenshots of the states a reviewer should see', () => {
  const states = [
    ['healthy-fleet', 'healthy', (cards) => assert.ok(cards.every((c) => c.phase === 'healthy'))],
    ['mid-recovery-with-eta', 'mid-recovery', (cards) => assert.match(cards[0].text, /ETA 2m 40s/)],
    ['stalled-partial-drift-shared-zone', 'stalled-partial', (cards) => {
      assert.match(cards[0].text, /stalled/);
      assert.match(cards.find((c) => c.group === 'cache').text, /all replicas in zone eu-1a/);
    }],
    ['stale-data', 'stale', (cards) => {
      assert.deepEqual(cards.slice(0, 3).map((c) => c.phase), ['stale', 'stale', 'stale']);
      assert.match(cards[0].text, /no ETA: data stale/);
    }],
  ];
  for (const [file, scenario, check] of states) {
    it(file, async () => {
      const { page } = await openPreview(browser, `${preview.base}?scenario=${scenario}`);
      check(await cardsOf(page));
      await page.screenshot({ path: join(shots, `${file}.png`) });
      await page.close();
    });
  }

  it('500 groups, compact grid', async () => {
    const { page } = await openPreview(browser, `${preview.base}?scenario=fleet-500&layout=grid&density=compact&width=1400&height=900`, { width: 1440, height: 940 });
    const cards = await cardsOf(page);
    assert.equal(cards.length, 500);
    assert.equal(cards[0].phase, 'partial', 'the stalled partial groups lead the fleet');
    await page.screenshot({ path: join(shots, 'fleet-500.png') });
    await page.close();
  });
});

describe('no data', () => {
  it("shows Grafana's no-data view with a hint when there is no live source", async () => {
    const { page } = await openPreview(browser, preview.base);
    const message = page.getByTestId('data-testid Panel data error message');
    await message.waitFor();
    assert.match(await message.textContent(), /No recovery_group_phase series: is the collector scraped\?/);
    await page.close();
  });
});
