// As @grafana/create-plugin's .config/bundler/utils.ts, in CommonJS (see .config/README.md), with
// paths from the plugin folder rather than process.cwd(), so the build runs from anywhere.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { SOURCE_DIR } = require('./constants.cjs');

const PLUGIN_ROOT = path.resolve(__dirname, '../..');

function isWSL() {
  if (process.platform !== 'linux') {
    return false;
  }
  if (os.release().toLowerCase().includes('microsoft')) {
    return true;
  }
  try {
    return fs.readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft');
  } catch {
    return false;
  }
}

function loadJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function getPackageJson() {
  return loadJson(path.join(PLUGIN_ROOT, 'package.json'));
}

function getPluginJson() {
  return loadJson(path.join(PLUGIN_ROOT, SOURCE_DIR, 'plugin.json'));
}

function getCPConfigVersion() {
  const cprcJson = path.join(PLUGIN_ROOT, '.config', '.cprc.json');
  return fs.existsSync(cprcJson) ? loadJson(cprcJson).version : 'unknown';
}

function hasReadme() {
  return fs.existsSync(path.join(PLUGIN_ROOT, SOURCE_DIR, 'README.md'));
}

/** Every src/**\/plugin.json with a sibling module.[jt]sx? is an entry (nested plugins), as create-plugin's getEntries. */
function getEntries() {
  const src = path.join(PLUGIN_ROOT, SOURCE_DIR);
  const entries = {};
  const pluginJsons = fs.readdirSync(src, { recursive: true }).filter((f) => path.basename(f) === 'plugin.json');
  for (const pluginJson of pluginJsons) {
    const folder = path.join(src, path.dirname(pluginJson));
    const module = ['module.ts', 'module.tsx', 'module.js', 'module.jsx'].map((m) => path.join(folder, m)).find((m) => fs.existsSync(m));
    if (module) {
      const pluginName = path.relative(src, folder);
      entries[pluginName === '' ? 'module' : `${pluginName}/module`] = module;
    }
  }
  return entries;
}

module.exports = { PLUGIN_ROOT, isWSL, getPackageJson, getPluginJson, getCPConfigVersion, hasReadme, getEntries };
