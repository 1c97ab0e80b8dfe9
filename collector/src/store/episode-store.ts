import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Episode } from '../model/group-state';
import type { OpenEpisode } from '../engine/episode-record';
import { describeStoreError, type EpisodeQuery, type EpisodeStore } from './types';
import { resumedEpisode, type ResumeState } from './resume-state';

export type { EpisodeQuery } from './types';

/**
 * Recovery episodes on disk (SQLite), so that a restart — even `kill -9` —
 * continues an open episode with its original start and keeps the history.
 * WAL mode with synchronous=NORMAL: a committed write survives a process crash;
 * only a power loss may drop the last transaction.
 *
 * Open it with `openEpisodeStore()` (open-episode-store.ts), which decides what
 * to do with a corrupt, read-only or unopenable path at start.
 */
export class SqliteEpisodeStore implements EpisodeStore {
  private connection: Connection;

  constructor(
    readonly path: string,
    connection: Connection = connect(path),
  ) {
    this.connection = connection;
  }

  get openedReadOnly(): string | null {
    return this.connection.readOnly;
  }

  /** The current connection's database (a read-only store is reopened when it may have become writable). */
  private get db(): Database.Database {
    return this.connection.db;
  }

  /** Save open episodes (with their resume state) and completed ones, in one transaction. */
  save(open: readonly OpenEpisode[], completed: readonly Episode[] = []): void {
    // A read-only connection stays read-only: try a fresh one, so a fixed permission or remount is noticed.
    if (this.connection.readOnly !== null) this.reconnect();
    if (open.length === 0 && completed.length === 0) return;
    const { db, upsert } = this.connection;
    db.transaction(() => {
      for (const o of open) upsert!.run(row(o.episode, JSON.stringify(resumeState(o))));
      for (const e of completed) upsert!.run(row(e, null));
    })();
  }

  /** Open episodes to continue after a restart, by group. */
  openEpisodes(): Map<string, OpenEpisode> {
    const rows = this.db.prepare('SELECT episode, resume_state FROM episodes WHERE end_ms IS NULL ORDER BY start_ms').all() as {
      episode: string;
      resume_state: string | null;
    }[];
    const result = new Map<string, OpenEpisode>();
    for (const r of rows) {
      const episode = JSON.parse(r.episode) as Episode;
      result.set(episode.group, resumedEpisode(episode, r.resume_state ? (JSON.parse(r.resume_state) as ResumeState) : undefined));
    }
    return result;
  }

  list(query: EpisodeQuery = {}): Episode[] {
    const limit = Math.max(1, Math.min(query.limit ?? 100, 10_000));
    const rows = (
      query.group === undefined
        ? this.db.prepare('SELECT episode FROM episodes ORDER BY start_ms DESC, id LIMIT ?').all(limit)
        : this.db.prepare('SELECT episode FROM episodes WHERE group_name = ? ORDER BY start_ms DESC, id LIMIT ?').all(query.group, limit)
    ) as { episode: string }[];
    return rows.map((r) => JSON.parse(r.episode) as Episode);
  }

  close(): void {
    this.db.close();
  }

  private reconnect(): void {
    // Checked when first opened; a retry every 30 s must not re-read the whole file.
    const fresh = connect(this.path, { check: false });
    if (fresh.readOnly !== null) {
      fresh.db.close();
      throw new Error(fresh.readOnly);
    }
    this.connection.db.close();
    this.connection = fresh;
  }
}

/** An open database, and why it cannot be written when it cannot (null when it can). */
export interface Connection {
  db: Database.Database;
  /** Null while writable; the statement is prepared only then. */
  upsert: Database.Statement | null;
  readOnly: string | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS episodes (
    id TEXT PRIMARY KEY,
    group_name TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER,
    duration_seconds REAL,
    episode TEXT NOT NULL,
    resume_state TEXT
  );
  CREATE INDEX IF NOT EXISTS episodes_by_group_start ON episodes (group_name, start_ms DESC);
  CREATE INDEX IF NOT EXISTS episodes_by_start ON episodes (start_ms DESC);
  CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * Open `path` and check it is a sound episode store. Throws SQLite's error as
 * it comes (SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_CANTOPEN, …) when it is not;
 * a store that opens but cannot be written comes back with `readOnly` set.
 */
export function connect(path: string, options: { check: boolean } = { check: true }): Connection {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    if (options.check) assertSound(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, ...writability(db) };
}

/**
 * SQLite opens a file it may not write read-only without saying so, and
 * BEGIN IMMEDIATE succeeds on such a connection: only a real write tells.
 * Writing when we opened also keeps the schema current.
 */
function writability(db: Database.Database): Pick<Connection, 'upsert' | 'readOnly'> {
  try {
    db.transaction(() => {
      db.exec(SCHEMA);
      db.prepare("INSERT OR REPLACE INTO store_meta (key, value) VALUES ('opened_at', ?)").run(new Date().toISOString());
    })();
  } catch (error) {
    return { upsert: null, readOnly: describeStoreError(error) };
  }
  return {
    readOnly: null,
    upsert: db.prepare(`
      INSERT INTO episodes (id, group_name, start_ms, end_ms, duration_seconds, episode, resume_state)
      VALUES (@id, @group, @start, @end, @duration, @episode, @resume)
      ON CONFLICT (id) DO UPDATE SET end_ms = excluded.end_ms, duration_seconds = excluded.duration_seconds,
        episode = excluded.episode, resume_state = excluded.resume_state`),
  };
}

/**
 * A read-only copy of the store in memory, for when SQLite cannot open the
 * file at all: a WAL database in a directory where its `-shm` file cannot be
 * created (read-only directory or filesystem) after a clean shutdown. The copy
 * is marked as a rollback-journal database (header bytes 18–19) so SQLite
 * reads it without the WAL index; the file itself is never written.
 */
export function readOnlyCopy(path: string, reason: string): Connection {
  const image = readFileSync(path);
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) image[18] = image[19] = 1;
  const db = new Database(image, { readonly: true });
  try {
    assertSound(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, upsert: null, readOnly: reason };
}

/** SQLite's quick_check: every page and index readable and consistent (not the slower cross-checks of integrity_check). */
function assertSound(db: Database.Database): void {
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new CorruptStoreError(`quick_check: ${String(check)}`);
}

/** The file opens but is not a sound SQLite database (quick_check found damage). */
export class CorruptStoreError extends Error {
  readonly code = 'SQLITE_CORRUPT';
  constructor(detail: string) {
    super(`database disk image is malformed (${detail})`);
    this.name = 'SqliteError';
  }
}

function row(episode: Episode, resume: string | null) {
  return {
    id: episode.id,
    group: episode.group,
    start: episode.startMillis,
    end: episode.endMillis,
    duration: episode.durationSeconds,
    episode: JSON.stringify(episode),
    resume,
  };
}

function resumeState(open: OpenEpisode): Omit<OpenEpisode, 'episode'> {
  return {
    recoveredMembers: open.recoveredMembers,
    serviceWasDown: open.serviceWasDown,
    leaderBefore: open.leaderBefore,
    loadBefore: open.loadBefore,
  };
}
