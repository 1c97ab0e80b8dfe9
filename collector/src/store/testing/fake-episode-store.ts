import type { OpenEpisode } from '../../engine/episode-record';
import type { Episode } from '../../model/group-state';
import type { EpisodeQuery, EpisodeStore } from '../types';

/**
 * An episode store in memory that fails on demand: set `failure` and every
 * `save` throws it (as a full or immutable disk makes SQLite throw), clear it
 * and saves work again. Rows are copied as the SQLite store serializes them.
 */
export class FakeEpisodeStore implements EpisodeStore {
  readonly rows = new Map<string, { episode: Episode; open: boolean }>();
  failure: Error | null = null;
  saveCalls = 0;
  /** Episodes written per successful save, in order. */
  readonly writes: string[][] = [];

  constructor(
    readonly path = './data/rebound.db',
    public openedReadOnly: string | null = null,
  ) {}

  save(open: readonly OpenEpisode[], completed: readonly Episode[]): void {
    this.saveCalls++;
    if (this.failure !== null) throw this.failure;
    if (this.openedReadOnly !== null) throw new Error(this.openedReadOnly);
    if (open.length === 0 && completed.length === 0) return;
    for (const o of open) this.rows.set(o.episode.id, { episode: structuredClone(o.episode), open: true });
    for (const e of completed) this.rows.set(e.id, { episode: structuredClone(e), open: false });
    this.writes.push([...open.map((o) => o.episode.id), ...completed.map((e) => e.id)]);
  }

  openEpisodes(): Map<string, OpenEpisode> {
    const result = new Map<string, OpenEpisode>();
    for (const { episode, open } of this.rows.values()) {
      if (open && episode.endMillis === null)
        result.set(episode.group, { episode: structuredClone(episode), recoveredMembers: [], serviceWasDown: false, leaderBefore: null, loadBefore: null });
    }
    return result;
  }

  list(query: EpisodeQuery = {}): Episode[] {
    return [...this.rows.values()]
      .map((r) => structuredClone(r.episode))
      .filter((e) => query.group === undefined || e.group === query.group)
      .sort((a, b) => b.startMillis - a.startMillis)
      .slice(0, query.limit ?? 100);
  }

  close(): void {}
}

/** What SQLite throws when the disk is full or the file immutable: name SqliteError, so messages read as they do live. */
export function sqliteError(message: string, code: string): Error {
  const error = new Error(message) as Error & { code: string };
  error.name = 'SqliteError';
  error.code = code;
  return error;
}
