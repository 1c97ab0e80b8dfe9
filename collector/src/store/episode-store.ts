import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Episode } from '../model/group-state';
import type { OpenEpisode } from '../engine/episode-record';

export interface EpisodeQuery {
  group?: string;
  /** At most this many, newest first. */
  limit?: number;
}

/**
 * Recovery episodes on disk (SQLite), so that a restart — even `kill -9` —
 * continues an open episode with its original start and keeps the history.
 * WAL mode with synchronous=NORMAL: a committed write survives a process crash;
 * only a power loss may drop the last transaction.
 */
export class EpisodeStore {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
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
    `);
    this.upsert = this.db.prepare(`
      INSERT INTO episodes (id, group_name, start_ms, end_ms, duration_seconds, episode, resume_state)
      VALUES (@id, @group, @start, @end, @duration, @episode, @resume)
      ON CONFLICT (id) DO UPDATE SET end_ms = excluded.end_ms, duration_seconds = excluded.duration_seconds,
        episode = excluded.episode, resume_state = excluded.resume_state`);
  }

  /** Save open episodes (with their resume state) and completed ones, in one transaction. */
  save(open: readonly OpenEpisode[], completed: readonly Episode[] = []): void {
    if (open.length === 0 && completed.length === 0) return;
    this.db.transaction(() => {
      for (const o of open) this.upsert.run(row(o.episode, JSON.stringify(resumeState(o))));
      for (const e of completed) this.upsert.run(row(e, null));
    })();
  }

  /** Open episodes to continue after a restart, by group. */
  openEpisodes(): Map<string, OpenEpisode> {
    const rows = this.db
      .prepare('SELECT episode, resume_state FROM episodes WHERE end_ms IS NULL ORDER BY start_ms')
      .all() as { episode: string; resume_state: string | null }[];
    const result = new Map<string, OpenEpisode>();
    for (const r of rows) {
      const episode = JSON.parse(r.episode) as Episode;
      const resume = r.resume_state ? (JSON.parse(r.resume_state) as Omit<OpenEpisode, 'episode'>) : undefined;
      result.set(episode.group, {
        episode,
        recoveredMembers: resume?.recoveredMembers ?? [],
        serviceWasDown: resume?.serviceWasDown ?? false,
        leaderBefore: resume?.leaderBefore ?? null,
        loadBefore: resume?.loadBefore ?? null,
      });
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
