#!/usr/bin/env node
// `npm run build`: dist/ (module.js, plugin.json, README, CHANGELOG, LICENSE, img/, runbooks/) as Grafana loads it,
// artifacts/rebound-recovery-panel-<version>.zip to unpack into Grafana's plugins folder, and the
// preview page's host bundle (the real @grafana/ui and theme around the built module.js).
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildPreviewHost } from '../preview/build-host.mjs';
import { zip } from './zip.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const started = Date.now();

rmSync(dist, { recursive: true, force: true });
await runWebpack();

const pluginJson = readFileSync(join(root, 'src/plugin.json'), 'utf8')
  .replace('%VERSION%', pkg.version)
  .replace('%TODAY%', new Date().toISOString().slice(0, 10));
writeFileSync(join(dist, 'plugin.json'), pluginJson);
copyFileSync(join(root, 'README.md'), join(dist, 'README.md'));
copyFileSync(join(root, 'CHANGELOG.md'), join(dist, 'CHANGELOG.md'));
// Grafana's plugin validator wants the licence in the archive; the repository's one covers the plugin.
copyFileSync(join(root, '../LICENSE'), join(dist, 'LICENSE'));
cpSync(join(root, 'src/img'), join(dist, 'img'), { recursive: true });
// The alert runbooks ship with the plugin, so an alert's runbook_url is on the same Grafana as its
// dashboard link (Grafana serves a plugin's files under /public/plugins/<id>/).
cpSync(join(root, '../docs/runbooks'), join(dist, 'runbooks'), { recursive: true });

const id = JSON.parse(pluginJson).id;
const artifacts = join(root, 'artifacts');
rmSync(artifacts, { recursive: true, force: true }); // one archive: the version just built
mkdirSync(artifacts, { recursive: true });
const zipPath = join(artifacts, `${id}-${pkg.version}.zip`);
const files = listFiles(dist).map((file) => ({ name: `${id}/${relative(dist, file)}`, data: readFileSync(file) }));
writeFileSync(zipPath, zip(files));

await buildPreviewHost();

const size = statSync(join(dist, 'module.js')).size;
console.log(`grafana-plugin: dist/module.js ${(size / 1024).toFixed(1)} KB, ${relative(process.cwd(), zipPath)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

function runWebpack() {
  const webpack = require('webpack');
  const config = require(join(root, 'webpack.config.cjs'))({});
  return new Promise((resolve, reject) => {
    webpack(config, (err, stats) => {
      if (err) {
        return reject(err);
      }
      if (stats.hasErrors()) {
        return reject(new Error(stats.toString('errors-only')));
      }
      if (stats.hasWarnings()) {
        console.warn(stats.toString('errors-warnings'));
      }
      resolve();
    });
  });
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
