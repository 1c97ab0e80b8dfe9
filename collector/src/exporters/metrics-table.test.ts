import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { metricsMarkdownTable } from './metrics-table';

describe('metricsMarkdownTable', () => {
  it('is what the README shows (regenerate with npm run docs:metrics -w @rebound/collector)', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const between = /<!-- metrics-table:start -->\n([\s\S]*?)<!-- metrics-table:end -->/.exec(readme);
    assert.ok(between, 'README has the metrics table markers');
    assert.equal(between[1]!.trim(), metricsMarkdownTable().trim());
  });
});
