// Jest for the model (plain functions) and the components (Testing Library in jsdom), on
// create-plugin's config. Browser tests of the built panel live in tests/browser and run in real
// Chromium (`npm run e2e`).
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

// Jest configuration provided by Grafana scaffolding
const base = require('./.config/jest.config');

// Ours: @grafana/ui 12.4 pulls in ESM-only packages beyond create-plugin's list (d3's own
// dependencies, ansicolor), some shipped as .mjs, which create-plugin's transform does not match.
const MORE_ESM_MODULES = ['d3-[a-z-]+', 'internmap', 'delaunator', 'robust-predicates', 'ansicolor'];
const swc = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  transform: { ...base.transform, '^.+\\.mjs$': swc },
  transformIgnorePatterns: [nodeModulesToTransform([...grafanaESModules, ...MORE_ESM_MODULES])],
  // Ours: the shared names from their TypeScript source, as the webpack config and tsconfig.json read them.
  moduleNameMapper: { ...base.moduleNameMapper, '^@rebound/contract$': '<rootDir>/../contract/index.ts' },
};
