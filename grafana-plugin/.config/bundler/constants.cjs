// As @grafana/create-plugin's .config/bundler/constants.ts.
module.exports = { SOURCE_DIR: 'src', DIST_DIR: 'dist' };
