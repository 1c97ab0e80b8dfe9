import type { ReceiverFactory } from '../receiver';
import { declarationsOf } from '../shared/node-config';
import { createDefaultPostgresqlConfig, parsePostgresqlConfig, type PostgresqlReceiverConfig } from './config';
import { PostgresqlReceiver } from './postgresql-receiver';

/** `postgresql:` under a group (DESIGN.md §3.2): probes every node's WAL position, replication and auth rules. */
export const postgresqlReceiverFactory: ReceiverFactory<PostgresqlReceiverConfig> = {
  type: 'postgresql',
  createDefaultConfig: createDefaultPostgresqlConfig,
  parseConfig: (raw, keyPath) => parsePostgresqlConfig(raw, keyPath),
  create: (group, config, context) => new PostgresqlReceiver(group, config, context),
  declaredMembers: (config) => declarationsOf(config.nodes),
  intervalMillisOf: (config) => config.intervalMillis,
};
