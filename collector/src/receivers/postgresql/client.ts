import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client, type QueryResult } from 'pg';
import type { PostgresqlNodeConfig, PostgresqlReceiverConfig } from './config';

/** What the probe needs from a PostgreSQL connection; tests hand it a fake reading testdata/. */
export interface PostgresqlProbeClient {
  /** Run parameterless statements in one round trip (one simple-protocol message); the rows of each, in order. */
  queryBatch(statements: readonly string[]): Promise<Record<string, unknown>[][]>;
  /** Drop the connection without waiting for the server (it may be hung). */
  close(): void;
}

export type PostgresqlConnector = (node: PostgresqlNodeConfig, config: PostgresqlReceiverConfig) => Promise<PostgresqlProbeClient>;

/** libpq's sslmode as node-postgres `ssl` options. */
export function sslOptionsOf(config: PostgresqlReceiverConfig): false | ConnectionOptions | undefined {
  if (config.sslmode === undefined) return undefined;
  if (config.sslmode === 'disable') return false;
  if (config.sslmode === 'require') return { rejectUnauthorized: false };
  const ca = config.sslRootCertFile !== undefined ? { ca: readFileSync(config.sslRootCertFile) } : {};
  // verify-ca checks the chain but not the host name, as libpq does.
  return config.sslmode === 'verify-ca' ? { ...ca, rejectUnauthorized: true, checkServerIdentity: () => undefined } : { ...ca, rejectUnauthorized: true };
}

/** A node-postgres connection with the probe's deadline as connect, query and statement timeout. */
export const connectWithPg: PostgresqlConnector = async (node, config) => {
  const ssl = sslOptionsOf(config);
  const client = new Client({
    connectionString: node.url.reveal(),
    connectionTimeoutMillis: config.timeoutMillis,
    query_timeout: config.timeoutMillis,
    statement_timeout: config.timeoutMillis,
    application_name: 'rebound-collector',
    ...(ssl !== undefined ? { ssl } : {}),
  });
  // An idle connection the server drops emits 'error'; the next query fails and the probe reconnects.
  client.on('error', () => undefined);
  const destroy = (): void => {
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  };
  try {
    await client.connect();
  } catch (error) {
    destroy();
    throw error;
  }
  return {
    queryBatch: async (statements) => {
      const result = (await client.query(statements.join(';\n'))) as unknown as QueryResult | QueryResult[];
      return (Array.isArray(result) ? result : [result]).map((r) => r.rows as Record<string, unknown>[]);
    },
    close: () => {
      client.end().catch(() => undefined);
      destroy();
    },
  };
};
