import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client, type QueryResult } from 'pg';
import type { PostgresqlNodeConfig, PostgresqlReceiverConfig } from './config';

/** What the probe needs from a PostgreSQL connection; tests hand it a fake reading testdata/. */
export interface PostgresqlProbeClient {
  /**
   * Run parameterless SELECTs in one round trip; the rows of each, in order. The real client sends
   * them as one prepared statement (`roundStatementOf`), parsed and planned once per connection.
   */
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
  const prepared = new Map<string, { name: string; text: string }>();
  // The same list each round (queries.ts): found by identity, without joining its SQL into a key every round.
  const preparedFor = new WeakMap<readonly string[], { name: string; text: string }>();
  return {
    queryBatch: async (statements) => {
      let statement = preparedFor.get(statements);
      if (statement === undefined) {
        const key = statements.join('\0');
        statement = prepared.get(key);
        if (statement === undefined) prepared.set(key, (statement = { name: `rebound_probe_${prepared.size}`, text: roundStatementOf(statements) }));
        preparedFor.set(statements, statement);
      }
      const result = (await client.query(statement)) as unknown as QueryResult;
      const row = (result.rows[0] ?? {}) as Record<string, Record<string, unknown>[] | null>;
      return statements.map((_, i) => row[`s${i}`] ?? []);
    },
    close: () => {
      client.end().catch(() => undefined);
      destroy();
    },
  };
};

/**
 * Several SELECTs as one: each one's rows as a JSON array in its own column (`s0`, `s1`, …). Sent as a
 * named prepared statement, the server parses and plans it once per connection: planning the
 * pg_stat_replication view was most of a round's cost (a multi-statement simple query replans every
 * time: 1.3–1.5 ms vs 0.1–0.4 ms on loopback, collector/bench/probes.bench.ts). Values keep their
 * types through JSON for what the probe reads (text, booleans, int4, float8, text arrays); an
 * ORDER BY inside a statement keeps its order in the array.
 */
export function roundStatementOf(statements: readonly string[]): string {
  return `SELECT ${statements.map((sql, i) => `(SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) q) AS s${i}`).join(',\n  ')}`;
}
