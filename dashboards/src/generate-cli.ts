/** `npm run generate -w @rebound/dashboards`: writes every generated file under dashboards/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles } from './generate';

const root = join(__dirname, '..');
for (const [path, content] of generatedFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote dashboards/${path}`);
}
