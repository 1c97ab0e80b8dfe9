import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generatedFiles } from './generate';

const root = join(__dirname, '..');

describe('generatedFiles', () => {
  it('matches what is committed (run `npm run generate -w @rebound/dashboards` after changing src/)', () => {
    for (const [path, content] of generatedFiles()) {
      let committed: string;
      try {
        committed = readFileSync(join(root, path), 'utf8');
      } catch {
        assert.fail(`dashboards/${path} is missing: run npm run generate -w @rebound/dashboards`);
      }
      assert.equal(committed, content, `dashboards/${path} differs from its source: run npm run generate -w @rebound/dashboards`);
    }
  });

  it('is reproducible: two runs give the same bytes', () => {
    assert.deepEqual([...generatedFiles()], [...generatedFiles()]);
  });
});
