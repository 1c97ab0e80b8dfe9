export { mysqlReceiverFactory } from './factory';
export { parseMysqlConfig, createDefaultMysqlConfig, type MysqlReceiverConfig, type MysqlNodeConfig } from './config';
export { MysqlReceiver } from './mysql-receiver';
