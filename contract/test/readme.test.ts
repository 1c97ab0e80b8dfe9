import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { contractTables } from '../tools/readme-tables';

describe('contract/README.md', () => {
  it('shows the tables printed from the package (regenerate with npm run docs -w @rebound/contract)', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const between = /<!-- contract-tables:start -->\n([\s\S]*?)<!-- contract-tables:end -->/.exec(readme);
    assert.ok(between, 'README has the contract-tables markers');
    assert.equal(between[1]!.trim(), contractTables().trim());
  });
});
