/**
 * The PostgreSQL episode store's SQL: the schema and its migrations, the
 * lock and lease of the HA pair, and the rows it writes (one upsert per batch).
 * The store's connection, role and cache logic is in postgres-episode-store.ts.
 */
import type { Client } from 'pg';
import type { Episode } from '../model/group-state';
import type { OpenEpisode } from '../engine/episode-record';
import { resumedEpisode, type ResumeState } from './resume-state';

/** `pg_advisory_lock(2105810, 1)`: the active collector of the pair; (2105810, 0) serializes migrations. */
export const LOCK_KEY = [2105810, 1] as const;
const MIGRATION_LOCK = [2105810, 0] as const;

/**
 * The schema, one step per version; `rebound_schema.version` says how far a
 * database is. Each step runs once, in a transaction, under an advisory lock
 * so two collectors starting together do not both migrate.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE rebound_episodes (
     id text PRIMARY KEY,
     group_name text NOT NULL,
     start_ms bigint NOT NULL,
     end_ms bigint,
     duration_seconds double precision,
     episode jsonb NOT NULL,
     resume_state jsonb,
     closed_by text,
     updated_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX rebound_episodes_by_group_start ON rebound_episodes (group_name, start_ms DESC);
   CREATE INDEX rebound_episodes_by_start ON rebound_episodes (start_ms DESC);
   CREATE INDEX rebound_episodes_by_update ON rebound_episodes (updated_at);
   CREATE INDEX rebound_episodes_open ON rebound_episodes (group_name) WHERE end_ms IS NULL;
   CREATE TABLE rebound_lease (id integer PRIMARY KEY CHECK (id = 1), holder text NOT NULL, since timestamptz NOT NULL);`,
];

/** Who held the lock before (null the first time); written by the new holder, under the lock. */
export const LEASE_TAKEN = `
  WITH previous AS (SELECT holder FROM rebound_lease WHERE id = 1)
  INSERT INTO rebound_lease (id, holder, since) VALUES (1, $1, now())
  ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, since = excluded.since
  RETURNING (SELECT holder FROM previous) AS previous`;

export async function migrate(client: Client): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS rebound_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())');
    const version = Number((await client.query<{ v: number | null }>('SELECT max(version) AS v FROM rebound_schema')).rows[0]?.v ?? 0);
    if (version > MIGRATIONS.length) throw new Error(`schema version ${version} is newer than this collector's (${MIGRATIONS.length}); upgrade the collector`);
    for (let v = version; v < MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v]!);
      await client.query('INSERT INTO rebound_schema (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function readOpenEpisodes(session: Client): Promise<Map<string, OpenEpisode>> {
  const { rows } = await session.query<{ episode: Episode; resume_state: ResumeState | null }>(
    'SELECT episode, resume_state FROM rebound_episodes WHERE end_ms IS NULL ORDER BY start_ms',
  );
  const result = new Map<string, OpenEpisode>();
  for (const { episode, resume_state: resume } of rows) result.set(episode.group, resumedEpisode(episode, resume));
  return result;
}

export interface Row {
  episode: Episode;
  /** JSON text, taken now (the objects keep changing). */
  episodeJson: string;
  resumeJson: string | null;
  /** This collector's instance for a completed episode (`closed_by`), null for an open one. */
  closedBy: string | null;
}

export function row(episode: Episode, resume: Omit<OpenEpisode, 'episode'> | null, closedBy: string | null): Row {
  const episodeJson = JSON.stringify(episode);
  return { episode: JSON.parse(episodeJson) as Episode, episodeJson, resumeJson: resume === null ? null : JSON.stringify(resume), closedBy };
}

/**
 * Upsert; RETURNING names the rows it wrote. A completed episode is never
 * reopened by a late write of its open state (an old active's, after a
 * failover), and once closed only its closer may write it again (a retry):
 * the other collector's late completion of the same episode writes nothing.
 */
export function upsertStatement(rows: readonly Row[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((r) => {
    const e = r.episode;
    values.push(e.id, e.group, e.startMillis, e.endMillis, e.durationSeconds, r.episodeJson, r.resumeJson, r.closedBy);
    const n = values.length - 8;
    return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}::jsonb, $${n + 7}::jsonb, $${n + 8})`;
  });
  return {
    text: `INSERT INTO rebound_episodes AS e (id, group_name, start_ms, end_ms, duration_seconds, episode, resume_state, closed_by)
      VALUES ${tuples.join(', ')}
      ON CONFLICT (id) DO UPDATE SET end_ms = excluded.end_ms, duration_seconds = excluded.duration_seconds,
        episode = excluded.episode, resume_state = excluded.resume_state, closed_by = excluded.closed_by,
        updated_at = now()
      WHERE e.end_ms IS NULL OR (excluded.end_ms IS NOT NULL AND e.closed_by = excluded.closed_by)
      RETURNING e.id, e.end_ms IS NOT NULL AS closed`,
    values,
  };
}

export function resumeState(open: OpenEpisode): Omit<OpenEpisode, 'episode'> {
  return { recoveredMembers: open.recoveredMembers, serviceWasDown: open.serviceWasDown, leaderBefore: open.leaderBefore, loadBefore: open.loadBefore };
}
