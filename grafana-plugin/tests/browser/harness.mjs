// Shared by the browser tests and the bench: start the preview server on a spare port and drive
// Debian's Chromium through playwright-core (no browser download, ever).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const pluginRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts preview/serve.mjs with the given extra arguments; resolves with its base URL. */
export async function startPreview(args = []) {
  const child = spawn(process.execPath, [join(pluginRoot, 'preview/serve.mjs'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`preview server did not print its URL within 120 s: ${out}`)), 120_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /panel preview\s+(http:\/\/\S+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`preview server exited with ${code}: ${out}`)));
  });
  return {
    base,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          return resolve();
        }
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** @param {string[]} extraArgs e.g. `--js-flags=--expose-gc` for the bench */
export async function launchBrowser(extraArgs = []) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}

/** Opens a preview URL and waits until the page says it is ready (or failed). */
export async function openPreview(browser, url, viewport = { width: 1140, height: 700 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.ready === 'error', null, { timeout: 60_000 });
  const state = await page.evaluate(() => document.body.dataset.ready);
  if (state !== 'true') {
    throw new Error(`preview failed: ${await page.textContent('#root')} ${errors.join('; ')}`);
  }
  return { page, errors };
}

export function screenshotDir() {
  const dir = process.env.REBOUND_SCREENSHOTS ?? join(pluginRoot, 'test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
