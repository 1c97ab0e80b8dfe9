#!/usr/bin/env node
// The second half of `npm run build`, after webpack has written dist/ (module.js, plugin.json,
// README, CHANGELOG, LICENSE, img/, runbooks/; .config/webpack/webpack.config.cjs):
// artifacts/rebound-recovery-panel-<version>.zip to unpack into Grafana's plugins folder, and the
// preview page's host bundle (the real @grafana/ui and theme around the built module.js).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildPreviewHost } from '../preview/build-host.mjs';
import { zip } from './zip.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const started = Date.now();

if (!existsSync(join(dist, 'module.js'))) {
  console.error('grafana-plugin: no dist/module.js: run npm run build (webpack first), not this script alone');
  process.exit(1);
}
const pluginJson = JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8'));
const { id } = pluginJson;
const { version } = pluginJson.info;
const artifacts = join(root, 'artifacts');
rmSync(artifacts, { recursive: true, force: true }); // one archive: the version just built
mkdirSync(artifacts, { recursive: true });
const zipPath = join(artifacts, `${id}-${version}.zip`);
const files = listFiles(dist).map((file) => ({ name: `${id}/${relative(dist, file)}`, data: readFileSync(file) }));
writeFileSync(zipPath, zip(files));

await buildPreviewHost();

const size = statSync(join(dist, 'module.js')).size;
console.log(
  `grafana-plugin: dist/module.js ${(size / 1024).toFixed(1)} KB, ${relative(process.cwd(), zipPath)} and the preview host (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
