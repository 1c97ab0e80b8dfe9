// ESLint for every workspace, run from the root (`npm run lint`, and `npm test`): ESLint's and
// typescript-eslint's recommended rules for the collector, dashboards, contract and test
// workspaces and the scripts; for the panel plugin, Grafana's shared config
// (@grafana/eslint-config) with create-plugin's additions, as a Grafana plugin developer knows
// it. Formatting is Prettier's (.prettierrc.json): eslint-config-prettier turns off every rule
// that would argue with it. A rule turned off here says why.
import js from '@eslint/js';
import grafanaConfig from '@grafana/eslint-config';
import prettierConfig from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const CODE = '**/*.{ts,tsx,js,jsx,mjs,cjs}';
const PLUGIN = 'grafana-plugin/**';
const notPlugin = (config) => ({ ...config, files: config.files ?? [CODE], ignores: [...(config.ignores ?? []), PLUGIN] });

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      'grafana-plugin/preview/build/',
      '**/dist-check/',
      '**/artifacts/',
      '**/coverage/',
      '**/test-results/',
      '**/.tmp/',
      'data/',
    ],
  },

  // Everything but the plugin.
  notPlugin(js.configs.recommended),
  ...tseslint.configs.recommended.map(notPlugin),
  notPlugin({
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // `_` marks a parameter kept for its position (tsc's noUnusedParameters has the same escape).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Control characters are matched on purpose: tokens and maintenance reasons that hold one
      // are refused, exposition label values escape them, tests assert that no output has one.
      'no-control-regex': 'off',
    },
  }),
  notPlugin({ files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } }),

  // The panel plugin: @grafana/eslint-config and what create-plugin's .config/eslint.config.mjs adds.
  ...grafanaConfig.map((config) => ({ ...config, files: [`${PLUGIN}/*.{ts,tsx,js,jsx,mjs,cjs}`] })),
  {
    files: [`${PLUGIN}/*.{ts,tsx,js,jsx,mjs,cjs}`],
    rules: { 'react/prop-types': 'off' }, // props are typed by TypeScript
  },
  {
    files: ['grafana-plugin/src/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { project: './grafana-plugin/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-deprecated': 'warn' }, // a deprecated @grafana/* API is a warning, as in create-plugin
  },

  prettierConfig,
);
