// Bundles the preview page's host (React, @grafana/ui, theme, fixtures) with esbuild: seconds, not
// the minutes webpack would spend on @grafana/ui, so `npm ci` stays quick. The plugin itself is not
// in this bundle: the page loads the built dist/module.js like Grafana does.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const runtimeEsm = join(dirname(require.resolve('@grafana/runtime')), '../esm');

export async function buildPreviewHost() {
  await build({
    entryPoints: [join(here, 'host/index.tsx')],
    outfile: join(here, 'build/host.js'),
    bundle: true,
    minify: process.env.PREVIEW_MINIFY !== '0',
    format: 'iife',
    target: 'es2020',
    jsx: 'transform',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'text', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty', '.png': 'empty' },
    alias: { 'grafana-runtime-internal-error-view': join(runtimeEsm, 'components/PanelDataErrorView.mjs') },
    logLevel: 'error',
    legalComments: 'none',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildPreviewHost();
}
