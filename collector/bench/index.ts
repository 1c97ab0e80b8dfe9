/**
 * `@rebound/collector/bench`: the load drivers the test workspace's load tests share with
 * `npm run bench` (a collector process under OTLP load, a scraper in a process of its own).
 * Exported only under the `source` condition, as `@rebound/collector/testing` is; never built.
 */
export * from './otlp-load-driver';
export * from './scraper-process';
