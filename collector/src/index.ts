/**
 * `@rebound/collector`: the collector as a library. `rebound-collector` (cli.ts) is built on
 * these: load a config, assemble a Collector from the receiver factories, start it. Everything
 * here is in the production build (dist/); test harnesses are not: they are
 * `@rebound/collector/testing`, which resolves only under the `source` condition the test
 * workspace runs with (package.json `exports`).
 */
export { Collector, type CollectorEndpoints, type CollectorOptions } from './collector';
export { ConfigError } from './config/config-error';
export type { CollectorConfig } from './config/collector-config';
export type { GroupConfig } from './config/group-config';
export { loadConfigFile, parseConfigText } from './config/load';
export { shardOf } from './config/shard';
export { RecoveryEngine, type RecoveryEngineOptions } from './engine/engine';
export { PrometheusExporter, type PrometheusExporterOptions } from './exporters/prometheus/prometheus-exporter';
export { HttpApi, type HttpApiOptions } from './api/http-server';
export { SqliteEpisodeStore } from './store/episode-store';
export type { EpisodeQuery, EpisodeStore } from './store/types';
export { RECEIVER_FACTORIES } from './receivers/registry';
export type { ObservationSink, Receiver, ReceiverContext, ReceiverFactory } from './receivers/receiver';
export { defaultDemoGroups, demoGroupSettings } from './receivers/demo/default-groups';
export { createConsoleLogger, createMemoryLogger, type Logger } from './logger';
export type { Episode, GroupState, MemberState } from './model/group-state';
export type { MemberStatus, Observation, Phase, Role } from './model/types';
