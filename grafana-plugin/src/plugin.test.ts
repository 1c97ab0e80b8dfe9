// plugin.json against the fields Grafana's plugin schema (docs/sources/developers/plugins/plugin.schema.json)
// requires, since @grafana/plugin-validator downloads a binary and cannot run here; and the
// provisioned dashboard against the plugin it is meant to show.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { METRIC_NAMES } from './model/contract';

const root = join(__dirname, '..');
const source = JSON.parse(readFileSync(join(__dirname, 'plugin.json'), 'utf8'));

const TOP_LEVEL = ['$schema', 'type', 'name', 'id', 'info', 'dependencies', 'includes', 'skipDataQuery', 'state', 'preload'];
/** Written by the build (create-plugin's BuildModeWebpackPlugin), never in the source. */
const BUILT_ONLY = ['buildMode'];
const INFO = ['author', 'build', 'description', 'keywords', 'links', 'logos', 'screenshots', 'updated', 'version'];

function checkPluginJson(json: Record<string, any>, { built }: { built: boolean }) {
  for (const key of ['type', 'name', 'id', 'info', 'dependencies']) {
    expect(json).toHaveProperty([key]);
  }
  const allowed = built ? [...TOP_LEVEL, ...BUILT_ONLY] : TOP_LEVEL;
  expect(Object.keys(json).filter((k) => !allowed.includes(k))).toEqual([]);
  expect(json.type).toBe('panel');
  expect(json.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource|secretsmanager|transformer)$/);
  for (const key of ['logos', 'version', 'updated', 'keywords']) {
    expect(json.info).toHaveProperty([key]);
  }
  expect(Object.keys(json.info).filter((k) => !INFO.includes(k))).toEqual([]);
  expect(json.info.keywords.length).toBeGreaterThanOrEqual(1);
  expect(json.info.logos).toEqual({ small: expect.stringMatching(/\.svg$/), large: expect.stringMatching(/\.svg$/) });
  const version = built ? /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/ : /^%VERSION%$/;
  const updated = built ? /^\d{4}-\d{2}-\d{2}$/ : /^%TODAY%$/;
  expect(json.info.version).toMatch(version);
  expect(json.info.updated).toMatch(updated);
  expect(json.dependencies.grafanaDependency).toMatch(/^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x*]+)(\.[0-9x*]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x]+)(\.[0-9x]+))?$/);
}

describe('plugin.json', () => {
  it('source has every field the plugin schema requires, and no field it forbids', () => {
    checkPluginJson(source, { built: false });
    expect(existsSync(join(__dirname, source.info.logos.small))).toBe(true);
  });

  it('the package states the licence that LICENSE at the repository root holds', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync(join(root, '../LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });

  it('states the Grafana it was built against: the @grafana packages pinned in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const built = pkg.dependencies['@grafana/data'];
    expect(source.dependencies.grafanaDependency).toBe(`>=${built}`);
    for (const name of ['@grafana/ui', '@grafana/runtime', '@grafana/schema']) {
      expect(pkg.dependencies[name]).toBe(built);
    }
  });

  const dist = join(root, 'dist/plugin.json');
  (existsSync(dist) ? it : it.skip)('built dist/plugin.json has a real version and date (run npm run build first)', () => {
    const built = JSON.parse(readFileSync(dist, 'utf8'));
    checkPluginJson(built, { built: true });
    expect(built.buildMode).toMatch(/^(production|development)$/);
    expect(existsSync(join(root, 'dist/module.js'))).toBe(true);
    expect(existsSync(join(root, 'dist/img/logo.svg'))).toBe(true);
    expect(readFileSync(join(root, 'dist/LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    // The alerts' runbook_url points here (dashboards/src/rules/runbooks.ts).
    expect(existsSync(join(root, 'dist/runbooks/RecoveryExceedingRTO.md'))).toBe(true);
  });
});

describe('provisioned dashboard', () => {
  const dashboard = JSON.parse(readFileSync(join(root, 'provisioning/dashboards/recovery-panel.json'), 'utf8'));

  it('shows this panel, and its per-metric queries cover every contract metric the panel reads', () => {
    const panels = dashboard.panels.filter((p: { type: string }) => p.type === source.id);
    expect(panels.length).toBeGreaterThan(0);
    const refIds = new Set(panels[0].targets.map((t: { refId: string }) => t.refId));
    expect([...METRIC_NAMES].filter((m) => !refIds.has(m))).toEqual([]);
  });
});
