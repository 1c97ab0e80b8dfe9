#!/usr/bin/env node
// `npm start [-- --config FILE] [-- --speed N]`: the collector (demo cluster without a config)
// plus the panel preview page fed live from it, so a newcomer sees the product's face at once.
// Set REBOUND_PREVIEW=0 to start the collector alone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const built = join(root, 'collector/dist/cli.js');
const collectorCommand = existsSync(built) ? [built, ...args] : ['--import', 'tsx', join(root, 'collector/src/cli.ts'), ...args]; // not built yet: run the source

const children = [];
const collector = spawn(process.execPath, collectorCommand, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
children.push(collector);

let previewStarted = false;
collector.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const match = /metrics\s+(http:\/\/[^\s]+)\/metrics/.exec(chunk.toString());
  if (match && !previewStarted) {
    previewStarted = true;
    startPreview(match[1]);
  }
});
collector.on('exit', (code, signal) => {
  for (const child of children) if (child !== collector && child.exitCode === null) child.kill('SIGTERM');
  process.exit(code ?? (signal ? 1 : 0));
});

function startPreview(collectorUrl) {
  const preview = join(root, 'grafana-plugin/preview/serve.mjs');
  if (process.env.REBOUND_PREVIEW === '0') return;
  if (!existsSync(preview)) {
    process.stdout.write('  (panel preview not available: grafana-plugin/preview/serve.mjs is missing)\n');
    return;
  }
  const port = process.env.REBOUND_PREVIEW_PORT ?? '3000';
  const child = spawn(process.execPath, [preview, '--port', port, '--collector', collectorUrl], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => {
    if (code) process.stderr.write(`panel preview exited with code ${code}; the collector keeps running\n`);
  });
  children.push(child);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  });
}
