import type { ReceiverFactory } from '../receiver';
import { declarationsOf } from '../shared/node-config';
import { createDefaultMysqlConfig, parseMysqlConfig, type MysqlReceiverConfig } from './config';
import { MysqlReceiver } from './mysql-receiver';

/** `mysql:` under a group (DESIGN.md §3.2): probes every MySQL/MariaDB node's replication, GTID position and grants. */
export const mysqlReceiverFactory: ReceiverFactory<MysqlReceiverConfig> = {
  type: 'mysql',
  createDefaultConfig: createDefaultMysqlConfig,
  parseConfig: (raw, keyPath) => parseMysqlConfig(raw, keyPath),
  create: (group, config, context) => new MysqlReceiver(group, config, context),
  declaredMembers: (config) => declarationsOf(config.nodes),
  intervalMillisOf: (config) => config.intervalMillis,
};
