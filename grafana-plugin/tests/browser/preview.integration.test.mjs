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
    })),
  );
}

describe('preview page, incident fixture', () => {
  for (const format of ['time_series', 'table']) {
    it(`puts the worst group on top and says what is wrong (${format})`, async () => {
      const { page, errors } = await openPreview(browser, `${preview.base}?scenario=incident&format=${format}`);
      const cards = await cardsOf(page);
      assert.deepEqual(
        cards.map((c) => c.group),
        ['ledger', 'orders-db', 'payments', 'sessions', '<img src=x onerror="window.__xss=1">', 'cache', 'search'],
      );
      assert.equal(cards[0].phase, 'degraded');

      const orders = cards.find((c) => c.group === 'orders-db');
      assert.match(orders.text, /stalled/, 'the stalled group says stalled');
      assert.match(orders.text, /permissions drift on pg-2/, 'the drifted member is named');
      const etaColour = (group) =>
        page.locator(`[data-testid="group-card"][data-group="${group}"] [data-testid="eta"]`).evaluate((e) => getComputedStyle(e).color);
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
    [
      'stalled-partial-drift-shared-zone',
      'stalled-partial',
      (cards) => {
        assert.match(cards[0].text, /stalled/);
        assert.match(cards.find((c) => c.group === 'cache').text, /all replicas in zone eu-1a/);
      },
    ],
    [
      'stale-data',
      'stale',
      (cards) => {
        assert.deepEqual(
          cards.slice(0, 3).map((c) => c.phase),
          ['stale', 'stale', 'stale'],
        );
        assert.match(cards[0].text, /no ETA: data stale/);
      },
    ],
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
    const { page } = await openPreview(browser, `${preview.base}?scenario=fleet-500&layout=grid&density=compact&width=1400&height=900`, {
      width: 1440,
      height: 940,
    });
    const cards = await cardsOf(page);
    assert.equal(await page.getByTestId('group-list').getAttribute('data-group-count'), '500');
    assert.equal(cards[0].phase, 'partial', 'the stalled partial groups lead the fleet');
    await page.screenshot({ path: join(shots, 'fleet-500.png') });
    await page.close();
  });
});

describe('findings, planned episodes, drill-down and the timeline hover', () => {
  it('says under each unhealthy group what is wrong and what to do, and opens its members on a click', async () => {
    const { page, errors } = await openPreview(browser, `${preview.base}?scenario=incident&width=1100&height=900`, { width: 1132, height: 940 });
    await cardsOf(page);
    const orders = page.locator('[data-testid="group-card"][data-group="orders-db"]');
    assert.match(await orders.getByTestId('top-finding').textContent(), /pg-4 diverged from the leader — rebuild pg-4 from the leader/);
    assert.match(await page.locator('[data-testid="group-card"][data-group="ledger"] [data-testid="top-finding"]').textContent(), /ledger-2 unreachable/);
    assert.equal(await page.locator('[data-testid="group-card"][data-group="search"] [data-testid="top-finding"]').count(), 0);

    await orders.getByTestId('progress').click();
    const drill = orders.getByTestId('member-drilldown');
    await drill.waitFor();
    assert.deepEqual(await drill.getByTestId('member-row').evaluateAll((rows) => rows.map((r) => `${r.dataset.member}:${r.dataset.status}`)), [
      'pg-1:converged',
      'pg-2:converged',
      'pg-3:lagging',
      'pg-4:diverged',
      'pg-5:lagging',
    ]);
    assert.deepEqual(await drill.getByTestId('finding').evaluateAll((f) => f.map((x) => x.dataset.cause)), ['diverged', 'replica_lagging', 'permission_drift']);
    assert.ok((await drill.getByTestId('lag-sparkline').count()) >= 2, 'the lagging members have their own sparkline');
    // Role, failure-domain values and what differs in permissions, from their own series.
    assert.deepEqual(await drill.getByTestId('member-role').allTextContents(), ['leader', 'replica', 'replica', 'replica', 'replica']);
    const pg2 = drill.locator('[data-testid="member-row"][data-member="pg-2"]');
    assert.deepEqual(await pg2.getByTestId('failure-domain').allTextContents(), ['zone eu-1b', 'host db-2']);
    assert.deepEqual(await pg2.getByTestId('permission-difference').allTextContents(), [
      'missing on this member: role auditor',
      'other rules on this member: hba rule #2 hostssl all app 10.0.0.0/8',
    ]);
    assert.ok(await pg2.getByTestId('permission-difference').first().isVisible(), 'the difference is on screen, not only in the DOM');
    // The opened card grows; the cards below move down and nothing overlaps.
    const boxes = await page.$$eval('[data-testid="group-card"]', (cs) =>
      cs.map((c) => c.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom })),
    );
    for (let i = 1; i < boxes.length; i++) {
      assert.ok(boxes[i].top >= boxes[i - 1].bottom, `card ${i + 1} overlaps the one above`);
    }
    await page.screenshot({ path: join(shots, 'drilldown.png') });

    // Keyboard: the toggle of another card opens it too.
    await page.locator('[data-testid="group-card"][data-group="ledger"] [data-testid="drilldown-toggle"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="group-card"][data-group="ledger"] [data-testid="member-drilldown"]').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('grid layout: an opened card takes the row, and its member table fits in it', async () => {
    const { page, errors } = await openPreview(browser, `${preview.base}?scenario=incident&layout=grid&width=1100&height=900`, { width: 1132, height: 940 });
    await cardsOf(page);
    const orders = page.locator('[data-testid="group-card"][data-group="orders-db"]');
    await orders.getByTestId('drilldown-toggle').click();
    await orders.getByTestId('member-drilldown').waitFor();
    const size = await orders.evaluate((card) => ({
      card: card.getBoundingClientRect().width,
      list: document.querySelector('[data-testid="group-list"]').getBoundingClientRect().width,
      table: card.querySelector('[data-testid="member-table"]').scrollWidth,
    }));
    assert.ok(size.card > size.list * 0.9, `the opened card spans the row (${size.card} of ${size.list} px)`);
    assert.ok(size.table <= size.card, `the member table fits (${size.table} px in ${size.card} px)`);
    assert.deepEqual(await orders.locator('[data-testid="member-row"][data-member="pg-2"] [data-testid="permission-difference"]').allTextContents(), [
      'missing on this member: role auditor',
      'other rules on this member: hba rule #2 hostssl all app 10.0.0.0/8',
    ]);
    const cache = page.locator('[data-testid="group-card"][data-group="cache"]');
    await cache.getByTestId('drilldown-toggle').click();
    assert.deepEqual(await cache.locator('[data-testid="failure-domain"][data-shared="true"]').allTextContents(), [
      'zone eu-1a (every member)',
      'zone eu-1a (every member)',
      'zone eu-1a (every member)',
    ]);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(shots, 'drilldown-grid.png') });
    await page.close();
  });

  it('hovering the phase timeline says phase, from, to and duration', async () => {
    const { page } = await openPreview(browser, `${preview.base}?scenario=mid-recovery`);
    await cardsOf(page);
    const timeline = page.locator('[data-testid="group-card"][data-group="orders-db"] [data-testid="phase-timeline"]');
    const box = await timeline.boundingBox();
    await page.mouse.move(box.x + box.width * 0.98, box.y + box.height / 2);
    const hover = page.getByTestId('timeline-hover');
    await hover.waitFor();
    assert.match(await hover.textContent(), /^recovering · \d\d:\d\d:\d\d → \d\d:\d\d:\d\d · \d+m/);
    assert.ok((await timeline.locator('xpath=..').getByTestId('timeline-axis').textContent()).match(/\d\d:\d\d/), 'the axis has times');
    await page.screenshot({ path: join(shots, 'timeline-hover.png') });
    await page.mouse.move(0, 0);
    await hover.waitFor({ state: 'detached' });
    await page.close();
  });

  it('a planned episode is marked planned', async () => {
    const { page } = await openPreview(browser, `${preview.base}?scenario=planned`);
    const cards = await cardsOf(page);
    const billing = page.locator('[data-testid="group-card"][data-group="billing-db"]');
    assert.equal(await billing.getAttribute('data-planned'), 'true');
    assert.equal(await billing.getByTestId('planned-badge').textContent(), 'planned');
    assert.equal(cards.filter((c) => /planned/.test(c.text)).length, 1);
    await page.screenshot({ path: join(shots, 'planned.png') });
    await page.close();
  });
});

describe('a large fleet: only the rows near the viewport are in the DOM', () => {
  /** Cards in the DOM: their place in the fleet, and where they are relative to the panel's visible area. */
  const placed = (page) =>
    page.evaluate(() => {
      const panel = document.querySelector('[data-testid="recovery-panel"]').getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid="group-card"]')].map((c) => {
        const r = c.getBoundingClientRect();
        return {
          position: Number(c.getAttribute('aria-posinset')),
          of: Number(c.getAttribute('aria-setsize')),
          left: r.left,
          top: r.top - panel.top,
          bottom: r.bottom - panel.top,
        };
      });
    });
  /** Every few pixels down the panel's visible area, a card is there: no blank band where rows should be. */
  const blankBands = (page) =>
    page.evaluate(() => {
      const panel = document.querySelector('[data-testid="recovery-panel"]');
      const r = panel.getBoundingClientRect();
      const blank = [];
      for (let y = r.top + 2; y < r.bottom - 2; y += 24) {
        const hit = document.elementFromPoint(r.left + 60, y);
        // Between two rows there is a 4–8 px gap; a band this tall with no card is a rendering hole.
        if (!hit?.closest('[data-testid="group-card"]') && !document.elementFromPoint(r.left + 60, y + 9)?.closest('[data-testid="group-card"]')) {
          blank.push(Math.round(y - r.top));
        }
      }
      return blank;
    });

  it('grid of 500: rows of whole cards, the worst on top, the last group reachable with the keyboard', async () => {
    const { page } = await openPreview(browser, `${preview.base}?scenario=fleet-500&layout=grid&density=compact&width=1400&height=900`, {
      width: 1440,
      height: 940,
    });
    await cardsOf(page);
    let cards = await placed(page);
    assert.ok(cards.length < 150, `${cards.length} cards in the DOM for 500 groups`);
    assert.deepEqual(
      cards.map((c) => c.position),
      cards.map((_, i) => i + 1),
      'the window starts at the worst group, in order',
    );
    assert.ok(cards.every((c) => c.of === 500));
    // 1,384 px of panel, cards ≥ 280 px with 8 px gaps: four to a row, side by side.
    const firstRow = cards.filter((c) => c.top === cards[0].top);
    assert.equal(firstRow.length, 4);
    assert.deepEqual(await blankBands(page), []);

    await page.getByTestId('recovery-panel').focus();
    await page.keyboard.press('End');
    await page.waitForSelector('[data-testid="group-card"][aria-posinset="500"]');
    cards = await placed(page);
    const last = cards.find((c) => c.position === 500);
    assert.ok(last.bottom <= 900 && last.top >= 0, `the last group is in view after End (top ${last.top}, bottom ${last.bottom})`);
    assert.deepEqual(
      cards.map((c) => c.position),
      cards.map((_, i) => cards[0].position + i),
      'contiguous groups around the viewport',
    );
    assert.ok(cards[0].position > 300, 'the top of the fleet left the DOM');
    await page.screenshot({ path: join(shots, 'fleet-500-end.png') });

    await page.keyboard.press('Home');
    await page.waitForSelector('[data-testid="group-card"][aria-posinset="1"]');
    assert.equal((await cardsOf(page))[0].phase, 'partial');
    await page.close();
  });

  it('list of 2,000, comfortable: wheel scrolling never shows a blank band', async () => {
    const { page } = await openPreview(browser, `${preview.base}?scenario=fleet-2000&width=1100&height=640`);
    await cardsOf(page);
    const panel = await page.getByTestId('recovery-panel').boundingBox();
    await page.mouse.move(panel.x + panel.width / 2, panel.y + panel.height / 2);
    for (const [dy, label] of [
      [0, 'top'],
      [4000, 'after one long scroll'],
      [30_000, 'deep in the fleet'],
      [-1500, 'back up'],
    ]) {
      await page.mouse.wheel(0, dy);
      // The browser fires `scroll` on its next frame; React renders the new window right after.
      await page.waitForTimeout(150);
      assert.deepEqual(await blankBands(page), [], `no blank band ${label}`);
      const cards = await placed(page);
      assert.ok(cards.length < 120, `${cards.length} cards in the DOM ${label}`);
      assert.deepEqual(
        cards.map((c) => c.position),
        cards.map((_, i) => cards[0].position + i),
        `contiguous groups ${label}`,
      );
    }
    const scroll = await page.getByTestId('recovery-panel').evaluate((e) => ({ top: e.scrollTop, height: e.scrollHeight }));
    assert.ok(scroll.height > 2000 * 40, `the scrollbar stands for all 2,000 groups (${scroll.height} px)`);
    assert.ok(scroll.top > 20_000);
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
