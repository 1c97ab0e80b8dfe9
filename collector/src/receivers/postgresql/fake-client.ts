import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PostgresqlProbeClient } from './client';
import * as QUERIES from './queries';

/** Rows captured from a real server by testdata/capture.ts, keyed by the query's constant name. */
export interface CapturedRows {
  port: number;
  primaryPort: number;
  rows: Record<string, Record<string, unknown>[]>;
}

export function readCapturedRows(name: string): CapturedRows {
  return JSON.parse(readFileSync(join(__dirname, 'testdata', `${name}.rows.json`), 'utf8')) as CapturedRows;
}

/** A probe client that answers each known query with captured rows; `deny` makes a query fail like a missing grant. */
export function fakePostgresqlClient(captured: CapturedRows, options: { deny?: string[] } = {}): PostgresqlProbeClient {
  const byText = new Map<string, string>();
  for (const [name, value] of Object.entries(QUERIES)) if (typeof value === 'string') byText.set(value, name);
  return {
    async queryBatch(statements: readonly string[]): Promise<Record<string, unknown>[][]> {
      return statements.map((sql) => {
        const name = byText.get(sql);
        if (name === undefined) throw new Error(`the fake has no rows for: ${sql.slice(0, 60)}`);
        if (options.deny?.includes(name)) throw Object.assign(new Error('permission denied for view pg_hba_file_rules'), { code: '42501' });
        return captured.rows[name] ?? [];
      });
    },
    close: () => undefined,
  };
}
