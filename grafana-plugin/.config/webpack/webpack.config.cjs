/*
 * @grafana/create-plugin 7.1.7's .config/webpack/webpack.config.ts, in CommonJS: that file is
 * TypeScript importing `.ts` files, which only Node 22's type stripping loads, and this repository
 * runs on Node 20 (see .config/README.md). Differences from the template, each with its reason, are
 * marked "Ours:". Extend it from the plugin root, not here.
 */
const CopyWebpackPlugin = require('copy-webpack-plugin');
const ForkTsCheckerWebpackPlugin = require('fork-ts-checker-webpack-plugin');
const path = require('node:path');
const ReplaceInFileWebpackPlugin = require('replace-in-file-webpack-plugin');
const TerserPlugin = require('terser-webpack-plugin');
const webpack = require('webpack');
const LiveReloadPlugin = require('webpack-livereload-plugin');
const { SubresourceIntegrityPlugin } = require('webpack-subresource-integrity');
const VirtualModulesPlugin = require('webpack-virtual-modules');

const { BuildModeWebpackPlugin } = require('./BuildModeWebpackPlugin.cjs');
const { DIST_DIR, SOURCE_DIR } = require('../bundler/constants.cjs');
const { PLUGIN_ROOT, getCPConfigVersion, getEntries, getPackageJson, getPluginJson, isWSL } = require('../bundler/utils.cjs');
const { externals } = require('../bundler/externals.cjs');
const { copyFilePatterns } = require('../bundler/copyFiles.cjs');

const pluginJson = getPluginJson();
const cpVersion = getCPConfigVersion();
const pluginVersion = getPackageJson().version;
const virtualPublicPath = new VirtualModulesPlugin({
  'node_modules/grafana-public-path.js': `
import amdMetaModule from 'amd-module';

__webpack_public_path__ =
  amdMetaModule && amdMetaModule.uri
    ? amdMetaModule.uri.slice(0, amdMetaModule.uri.lastIndexOf('/') + 1)
    : 'public/plugins/${pluginJson.id}/';
`,
});

/** @param {Record<string, unknown>} env `--env production` or `--env development` */
module.exports = async (env = {}) => {
  /** @type {import('webpack').Configuration} */
  const baseConfig = {
    cache: {
      type: 'filesystem',
      buildDependencies: {
        config: [
          __filename,
          ...['../bundler/utils.cjs', '../bundler/externals.cjs', '../bundler/copyFiles.cjs', './BuildModeWebpackPlugin.cjs'].map((f) =>
            path.join(__dirname, f),
          ),
        ],
      },
    },

    context: path.join(PLUGIN_ROOT, SOURCE_DIR),

    devtool: env.production ? 'source-map' : 'eval-source-map',

    entry: getEntries(),

    externals,

    // Support WebAssembly according to latest spec - makes WebAssembly module async
    experiments: {
      asyncWebAssembly: true,
    },

    mode: env.production ? 'production' : 'development',

    module: {
      rules: [
        // This must come first in the rules array otherwise it breaks sourcemaps.
        {
          test: /src\/(?:.*\/)?module\.tsx?$/,
          use: [{ loader: 'imports-loader', options: { imports: 'side-effects grafana-public-path' } }],
        },
        {
          exclude: /(node_modules)/,
          test: /\.[tj]sx?$/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                baseUrl: path.join(PLUGIN_ROOT, SOURCE_DIR),
                // Ours: es2018, not es2015. es2015 turns object spread into helper calls in the
                // frames → model hot path; Grafana 12 supports no browser without es2018.
                target: 'es2018',
                loose: false,
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
              },
            },
          },
        },
        // Ours: no css/sass loaders. The panel styles with emotion and theme tokens only.
        {
          test: /\.(png|jpe?g|gif|svg)$/,
          type: 'asset/resource',
          generator: { filename: env.production ? '[hash][ext]' : '[file]' },
        },
        {
          test: /\.(woff|woff2|eot|ttf|otf)(\?v=\d+\.\d+\.\d+)?$/,
          type: 'asset/resource',
          generator: { filename: env.production ? '[hash][ext]' : '[file]' },
        },
      ],
    },

    optimization: {
      minimize: Boolean(env.production),
      minimizer: [
        new TerserPlugin({
          // Ours: no module.js.LICENSE.txt beside module.js; the banner below is kept by `comments`.
          extractComments: false,
          terserOptions: {
            format: {
              comments: (_, { type, value }) => type === 'comment2' && value.trim().startsWith('[create-plugin]'),
            },
            compress: {
              drop_console: ['log', 'info'],
              // Ours: reduce_vars lets terser paste single-use functions into their callers as
              // closures created on every call (buildGroup inside buildGroups' callback,
              // freshValues inside `current`). In Chromium that made frames → model 3-5× slower:
              // 25-55 ms instead of 7-10 ms for 500 groups (`npm run bench`). Without it,
              // module.js is 1.5 KB larger.
              reduce_vars: false,
            },
          },
        }),
      ],
    },

    output: {
      clean: {
        keep: new RegExp(`(.*?_(amd64|arm(64)?)(.exe)?|go_plugin_build_manifest)`),
      },
      filename: '[name].js',
      chunkFilename: env.production ? '[name].js?_cache=[contenthash]' : '[name].js',
      library: {
        type: 'amd',
      },
      path: path.join(PLUGIN_ROOT, DIST_DIR),
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      crossOriginLoading: 'anonymous',
    },

    plugins: [
      new BuildModeWebpackPlugin(),
      virtualPublicPath,
      // Insert create plugin version information into the bundle
      new webpack.BannerPlugin({
        banner: `/* [create-plugin] version: ${cpVersion} */
          /* [create-plugin] plugin: ${pluginJson.id}@${pluginVersion} */`,
        raw: true,
        entryOnly: true,
      }),
      new CopyWebpackPlugin({
        patterns: copyFilePatterns,
      }),
      // Replace certain template-variables in the README and plugin.json
      new ReplaceInFileWebpackPlugin([
        {
          dir: path.join(PLUGIN_ROOT, DIST_DIR),
          test: [/(^|\/)plugin\.json$/, /(^|\/)README\.md$/],
          rules: [
            { search: /%VERSION%/g, replace: pluginVersion },
            { search: /%TODAY%/g, replace: new Date().toISOString().substring(0, 10) },
            { search: /%PLUGIN_ID%/g, replace: pluginJson.id },
          ],
        },
      ]),
      new SubresourceIntegrityPlugin({
        hashFuncNames: ['sha256'],
      }),
      ...(env.development
        ? [
            new LiveReloadPlugin(),
            new ForkTsCheckerWebpackPlugin({
              async: Boolean(env.development),
              issue: {
                include: [{ file: '**/*.{ts,tsx}' }],
              },
              typescript: { configFile: path.join(PLUGIN_ROOT, 'tsconfig.json') },
            }),
            // Ours: no ESLintPlugin here; `npm run lint` runs ESLint (see README, Development).
          ]
        : []),
    ],

    resolve: {
      extensions: ['.js', '.jsx', '.ts', '.tsx'],
      // handle resolving "rootDir" paths
      modules: [path.join(PLUGIN_ROOT, 'src'), 'node_modules'],
      unsafeCache: true,
      // Ours: the shared names from their TypeScript source (always current, and tree-shaken: the panel
      // bundles the names it reads, not the whole contract). jest.config.js and tsconfig.json agree.
      alias: { '@rebound/contract$': path.join(PLUGIN_ROOT, '../contract/index.ts') },
    },

    // Ours: webpack's size hints are for apps; `npm run bench` holds module.js to its own budget.
    performance: { hints: false },
    stats: 'errors-warnings',
  };

  if (isWSL()) {
    baseConfig.watchOptions = {
      poll: 3000,
      ignored: /node_modules/,
    };
  }

  return baseConfig;
};
