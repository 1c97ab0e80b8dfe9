import type { ReceiverFactory } from '../receiver';
import { createDefaultPrometheusConfig, parsePrometheusConfig, type PrometheusReceiverConfig } from './config';
import { PrometheusReceiver } from './prometheus-receiver';

/** `prometheus:` under a group: reads redis_exporter, postgres_exporter or mysqld_exporter through the user's Prometheus. */
export const prometheusReceiverFactory: ReceiverFactory<PrometheusReceiverConfig> = {
  type: 'prometheus',
  createDefaultConfig: createDefaultPrometheusConfig,
  parseConfig: (raw, keyPath) => parsePrometheusConfig(raw, keyPath),
  create: (group, config, context) => new PrometheusReceiver(group, config, context),
  declaredMembers: (config) => config.declared,
  intervalMillisOf: (config) => config.intervalMillis,
};
