// End-to-end in a real Grafana with @grafana/plugin-e2e. NOT run in this repository's CI (no
// Grafana server can run there; the preview-page tests in tests/browser cover the built panel in
// Chromium instead). For users with Grafana in docker-compose:
//
//   docker compose up -d              # repository root: Grafana 12.4 with this plugin, Prometheus, collector
//   npm install --no-save @grafana/plugin-e2e@3 @playwright/test
//   npx playwright install chromium   # or point PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH at a local Chromium
//   GRAFANA_URL=http://localhost:3000 npx playwright test -c grafana-plugin/tests/e2e/playwright.config.ts
//
// The first test opens the Rebound overview dashboard the repository's compose file provisions; the
// second needs this plugin's own provisioning mounted as well (create-plugin's layout), e.g. a volume
// ./grafana-plugin/provisioning/dashboards:/etc/grafana/provisioning/dashboards/rebound-panel
// beside a copy of provisioning/dashboards/dashboards.yml pointing at it.
import { expect, test } from '@grafana/plugin-e2e';

test('the overview dashboard shows groups from the collector, phase in words', async ({ gotoDashboardPage }) => {
  const dashboardPage = await gotoDashboardPage({ uid: 'rebound-overview' });
  const panel = dashboardPage.getPanelByTitle('Recovery state');
  const cards = panel.locator.getByTestId('group-card');
  await expect(cards.first()).toBeVisible({ timeout: 30_000 });
  await expect(cards.first().getByTestId('phase-badge')).toHaveText(/healthy|degraded|recovering|partial|stabilizing|unknown|stale/i);
});

test('the plugin dashboard: instant table query renders the groups too', async ({ gotoDashboardPage, readProvisionedDashboard }) => {
  const dashboard = await readProvisionedDashboard({ fileName: 'recovery-panel.json' });
  const dashboardPage = await gotoDashboardPage(dashboard);
  const panel = dashboardPage.getPanelByTitle('Recovery state, instant table query');
  await expect(panel.locator.getByTestId('group-card').first()).toBeVisible({ timeout: 30_000 });
});

test('a click on a group opens its members, and the detail link keeps the time range and data source', async ({ gotoDashboardPage }) => {
  const dashboardPage = await gotoDashboardPage({ uid: 'rebound-overview' });
  const card = dashboardPage.getPanelByTitle('Recovery state').locator.getByTestId('group-card').first();
  await expect(card).toBeVisible({ timeout: 30_000 });
  await card.getByTestId('drilldown-toggle').click();
  await expect(card.getByTestId('member-row').first()).toBeVisible();
  await expect(card.getByTestId('group-detail-link')).toHaveAttribute('href', /var-group=.+&from=.+&to=.+&var-datasource=/);
});
