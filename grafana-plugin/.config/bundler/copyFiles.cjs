// As @grafana/create-plugin's .config/bundler/copyFiles.ts. Ours: LICENSE is the repository root's
// (one licence for the whole repository), and the alert runbooks ship with the plugin so an alert's
// runbook_url is on the same Grafana as its dashboard (Grafana serves /public/plugins/<id>/).
const { getPluginJson, hasReadme } = require('./utils.cjs');

const pluginJson = getPluginJson();
const logoPaths = Array.from(new Set([pluginJson.info?.logos?.large, pluginJson.info?.logos?.small])).filter(Boolean);
const screenshotPaths = pluginJson.info?.screenshots?.map((s) => s.path) || [];

// `from` is relative to the webpack context (src/), `to` to dist/.
module.exports.copyFilePatterns = [
  { from: hasReadme() ? 'README.md' : '../README.md', to: '.', force: true },
  { from: 'plugin.json', to: '.' },
  { from: '../../LICENSE', to: '.' },
  { from: '../CHANGELOG.md', to: '.', force: true },
  { from: '**/*.json', to: '.' },
  { from: '**/query_help.md', to: '.', noErrorOnMissing: true },
  ...logoPaths.map((logoPath) => ({ from: logoPath, to: logoPath })),
  ...screenshotPaths.map((screenshotPath) => ({ from: screenshotPath, to: screenshotPath })),
  { from: '../../docs/runbooks', to: 'runbooks' },
];
