import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MysqlFlavor, MysqlProbeClient } from './client';
import { PERMISSION_SQL } from './permissions';
import * as QUERIES from './queries';

/** One node's rows as testdata/capture.ts records them: by the query constant's name (grant tables by table name). */
export interface CapturedNode {
  port: number;
  serverId: number;
  flavor: MysqlFlavor;
  logBin: boolean;
  rows: Record<string, unknown>;
}

/** A captured scenario: `mariadb-sql-stopped.rows.json` → { primaryPort, nodes: { primary, replica } }. */
export interface CapturedScenario {
  primaryPort: number;
  nodes: Record<string, CapturedNode>;
}

export function readCapturedScenario(name: string): CapturedScenario {
  return JSON.parse(readFileSync(join(__dirname, 'testdata', `${name}.rows.json`), 'utf8')) as CapturedScenario;
}

/**
 * A probe client answering each statement with the captured rows. A recorded
 * error (`{ error: { errno, sqlMessage } }`) fails the whole batch, as a
 * multi-statement query does on the server.
 */
export function fakeMysqlClient(node: CapturedNode): MysqlProbeClient & { batches: string[][] } {
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries(QUERIES)) if (typeof value === 'string') names.set(value, name);
  for (const flavor of ['mariadb', 'mysql'] as const) for (const p of PERMISSION_SQL[flavor]) names.set(p.sql, p.table);
  const batches: string[][] = [];
  return {
    flavor: node.flavor,
    logBin: node.logBin,
    batches,
    async queryBatch(statements) {
      batches.push([...statements]);
      return statements.map((sql) => {
        const name = names.get(sql);
        if (name === undefined) throw new Error(`the fake has no rows for: ${sql.slice(0, 60)}`);
        const rows = node.rows[name];
        const error = (rows as { error?: { errno: number; code: string; sqlMessage: string } } | undefined)?.error;
        if (error !== undefined) throw Object.assign(new Error(error.sqlMessage), error);
        return (rows ?? []) as Record<string, unknown>[];
      });
    },
    close: () => undefined,
  };
}
