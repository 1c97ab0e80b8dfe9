// Jest for the model (plain functions) and the components (Testing Library in jsdom).
// Browser tests of the built panel live in tests/browser and run in real Chromium (node --test).
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'classic' } }, target: 'es2020' },
    module: { type: 'commonjs' },
  },
];

// ESM-only packages that @grafana/ui pulls in: jest must transform them (create-plugin keeps the same list).
const ESM_PACKAGES = ['d3', 'd3-[a-z-]+', 'internmap', 'delaunator', 'robust-predicates', 'ol', 'react-colorful', 'rxjs', 'uuid', 'marked', 'react-calendar', 'get-user-locale', 'memoize', 'mimic-function', '@wojtekmaj/date-utils', 'ansicolor'];

module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  // The shared names from their TypeScript source, as webpack.config.cjs and tsconfig.json read them.
  moduleNameMapper: { '\\.(css|scss|sass)$': '<rootDir>/jest/style-stub.cjs', '^@rebound/contract$': '<rootDir>/../contract/index.ts' },
  setupFiles: ['<rootDir>/jest/polyfills.cjs'],
  setupFilesAfterEnv: ['<rootDir>/jest/setup.ts'],
};
