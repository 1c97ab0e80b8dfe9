export { postgresqlReceiverFactory } from './factory';
export { parsePostgresqlConfig, createDefaultPostgresqlConfig, type PostgresqlReceiverConfig, type PostgresqlNodeConfig } from './config';
export { PostgresqlReceiver } from './postgresql-receiver';
