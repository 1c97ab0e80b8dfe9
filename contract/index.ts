/**
 * @rebound/contract: every name Rebound's parts share (collector, Grafana panel, dashboards and
 * rules, cross-part tests). Read README.md beside this file for the whole list in words.
 */
export * from './src/metrics';
export * from './src/receiver-metrics';
export * from './src/states';
export * from './src/findings';
export * from './src/otlp';
export * from './src/recording-rules';
export type * from './src/api';
export { API_PATHS } from './src/api';
