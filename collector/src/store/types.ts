import type { OpenEpisode } from '../engine/episode-record';
import type { Episode } from '../model/group-state';

export interface EpisodeQuery {
  group?: string;
  /** At most this many, newest first. */
  limit?: number;
}

/**
 * Where the engine keeps recovery episodes across restarts. The engine never
 * lets a failing store stop derivation: `save` may throw (disk full, read-only,
 * I/O error) and the engine keeps the unsaved episodes in memory until a later
 * `save` succeeds (see `UnsavedEpisodes`). Tests hand the engine a fake.
 */
export interface EpisodeStore {
  /** The path as configured, named in every message about the store. */
  readonly path: string;
  /**
   * Why the store could not be written when it was opened (read-only file,
   * directory or filesystem), or null when it could. The engine starts with
   * the store down and its episodes served read-only when this is set.
   */
  readonly openedReadOnly: string | null;
  /**
   * Save open episodes (with their resume state) and completed ones, in one
   * transaction; throws when the store cannot be written. A store on a server
   * (PostgreSQL) returns a promise instead, rejected when it refused; it reads
   * the episodes before returning, so they may change while it writes.
   */
  save(open: readonly OpenEpisode[], completed: readonly Episode[]): void | Promise<void>;
  /** False while a store on a server is known to be unreachable (`recovery_store_up` 0 even with nothing to write); absent: not known. */
  readonly reachable?: boolean;
  /** Open episodes to continue after a restart, by group. */
  openEpisodes(): Map<string, OpenEpisode>;
  /** Stored episodes, newest first. */
  list(query?: EpisodeQuery): Episode[];
  close(): void | Promise<void>;
}

/** `SqliteError: disk I/O error`: the error's name and message, on one line. */
export function describeStoreError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return `${error.name}: ${error.message}`.replace(/\s+/g, ' ');
}
