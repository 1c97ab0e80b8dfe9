// Playwright config for the @grafana/plugin-e2e spec beside it (see the comment there: not run in CI).
import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig } from '@playwright/test';
import { dirname } from 'node:path';

export default defineConfig<PluginOptions>({
  testDir: dirname(new URL(import.meta.url).pathname),
  use: {
    baseURL: process.env.GRAFANA_URL ?? 'http://localhost:3000',
    provisioningRootDir: new URL('../../provisioning', import.meta.url).pathname,
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
