import { readFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { createConnection, type ConnectionOptions } from 'mysql2/promise';
import type { MysqlNodeConfig, MysqlReceiverConfig } from './config';

/** Which server family answered: the status statements and columns differ. */
export type MysqlFlavor = 'mariadb' | 'mysql';

/** What the probe needs from a MySQL/MariaDB connection; tests hand it a fake reading testdata/. */
export interface MysqlProbeClient {
  readonly flavor: MysqlFlavor;
  /** `@@log_bin`, read at connect: `SHOW BINARY LOGS` fails without it. */
  readonly logBin: boolean;
  /** Run parameterless statements in one round trip (one multi-statement query); the rows of each, in order. */
  queryBatch(statements: readonly string[]): Promise<Record<string, unknown>[][]>;
  /** Drop the connection without waiting for the server (it may be hung). */
  close(): void;
}

export type MysqlConnector = (node: MysqlNodeConfig, config: MysqlReceiverConfig) => Promise<MysqlProbeClient>;

export function flavorOf(version: string): MysqlFlavor {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/**
 * `tls:` as mysql2 options: the chain is always verified; the name too, against
 * `server_name` when set (then the TCP connection goes to the URL's host while
 * mysql2 checks the certificate against that name), else the URL's host.
 */
export function tlsOptionsOf(node: MysqlNodeConfig, config: MysqlReceiverConfig): Pick<ConnectionOptions, 'ssl' | 'host' | 'stream'> {
  const tls = config.tls;
  if (tls === undefined) return { host: node.host };
  const ssl = { rejectUnauthorized: true, verifyIdentity: true, ...(tls.caFile !== undefined ? { ca: readFileSync(tls.caFile) } : {}) };
  if (tls.serverName === undefined) return { host: node.host, ssl };
  return { host: tls.serverName, ssl, stream: () => connectTcp(node.port, node.host) };
}

/** A mysql2 connection with the probe's deadline on connect and every query; learns the flavor once, at connect. */
export const connectWithMysql2: MysqlConnector = async (node, config) => {
  const connection = await createConnection({
    port: node.port,
    user: node.user,
    password: node.password.reveal(),
    multipleStatements: true,
    connectTimeout: config.timeoutMillis,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    connectAttributes: { program_name: 'rebound-collector' },
    ...tlsOptionsOf(node, config),
  });
  // An idle connection the server drops emits 'error'; the next query fails and the probe reconnects.
  connection.on('error', () => undefined);
  try {
    const [rows] = await connection.query({ sql: 'SELECT @@version AS version, @@log_bin AS log_bin', timeout: config.timeoutMillis });
    const first = (rows as { version?: unknown; log_bin?: unknown }[])[0];
    return {
      flavor: flavorOf(String(first?.version ?? '')),
      logBin: Number(first?.log_bin) === 1,
      queryBatch: async (statements) => {
        const [result] = await connection.query({ sql: statements.join(';\n'), timeout: config.timeoutMillis });
        // One statement gives its rows; several give one result per statement.
        const results = statements.length === 1 ? [result] : (result as unknown[]);
        return results.map((r) => (Array.isArray(r) ? (r as Record<string, unknown>[]) : []));
      },
      close: () => connection.destroy(),
    };
  } catch (error) {
    connection.destroy();
    throw error;
  }
};
