import { METRICS } from '@rebound/contract';
import type { Logger } from '../logger';
import type { Episode } from '../model/group-state';
import { describeStoreError, type EpisodeStore } from '../store/types';
import type { OpenEpisode } from './episode-record';

export interface UnsavedEpisodesOptions {
  store: EpisodeStore;
  logger: Logger;
  /** Completed episodes kept while the store cannot be written; beyond it the oldest are dropped (and counted). */
  maxCompleted?: number;
  /** First retry this long after a failed write, doubling up to `maxRetryMillis`. */
  firstRetryMillis?: number;
  maxRetryMillis?: number;
}

export const UNSAVED_DEFAULTS = { maxCompleted: 1000, firstRetryMillis: 1000, maxRetryMillis: 30_000 } as const;

/**
 * Episode changes on their way to the store. Every change is queued here and
 * written in one transaction; when the store refuses (disk full, read-only,
 * I/O error) the changes stay in memory and the write is retried with backoff
 * on later ticks, so derivation, metrics and listeners never wait on the disk.
 *
 * Bounded: every open episode's newest state (one per group at most) and the
 * newest `maxCompleted` completed episodes. Older completed episodes are
 * dropped beyond that, counted and named in the log; they stay counted in
 * `recovery_episodes_total` and the duration histogram, which never depend on
 * the store.
 *
 * One log line when an outage starts and one when it ends, naming the store.
 */
export class UnsavedEpisodes {
  private readonly store: EpisodeStore;
  private readonly logger: Logger;
  private readonly maxCompleted: number;
  private readonly firstRetryMillis: number;
  private readonly maxRetryMillis: number;
  /** By episode id; the object is the tracker's own, so a retry writes its newest state. */
  private readonly open = new Map<string, OpenEpisode>();
  /** By episode id, oldest completion first. */
  private readonly completed = new Map<string, Episode>();
  private up = true;
  private retryMillis: number;
  private nextAttemptMillis = 0;
  private droppedThisOutage = 0;
  /** Each change's number, by episode id: a write that was on its way removes only what did not change meanwhile. */
  private readonly change = new Map<string, number>();
  private changes = 0;
  /** A write to a store on a server (save returned a promise), until it settles. */
  private inFlight: Promise<void> | undefined;

  constructor(options: UnsavedEpisodesOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.maxCompleted = options.maxCompleted ?? UNSAVED_DEFAULTS.maxCompleted;
    this.firstRetryMillis = options.firstRetryMillis ?? UNSAVED_DEFAULTS.firstRetryMillis;
    this.maxRetryMillis = options.maxRetryMillis ?? UNSAVED_DEFAULTS.maxRetryMillis;
    this.retryMillis = this.firstRetryMillis;
    if (this.store.openedReadOnly !== null) {
      this.up = false;
      this.logger.error(
        `episode store ${this.store.path}: not writable (${this.store.openedReadOnly}); serving its stored episodes read-only, keeping new ones in memory`,
      );
    }
  }

  /** True while the store accepts writes (`recovery_store_up`). */
  get storeUp(): boolean {
    return this.up && this.store.reachable !== false;
  }

  get size(): number {
    return this.open.size + this.completed.size;
  }

  /** Queue changes; nothing is written until `write`. */
  add(open: readonly OpenEpisode[], completed: readonly Episode[]): void {
    for (const o of open) {
      this.open.set(o.episode.id, o);
      this.change.set(o.episode.id, ++this.changes);
    }
    for (const episode of completed) {
      this.open.delete(episode.id);
      this.completed.delete(episode.id);
      this.completed.set(episode.id, episode);
      this.change.set(episode.id, ++this.changes);
    }
    // While the store is up everything queued is written this tick, however many groups completed at once.
    if (!this.up) this.trim();
  }

  /**
   * Write everything queued in one transaction, when the store is up or its
   * retry is due (`force` ignores the backoff: shutdown). Never throws.
   * Returns whether nothing is left unsaved.
   */
  write(nowMillis: number, force = false): boolean {
    if (this.inFlight !== undefined) return false;
    if (!this.up && !force && nowMillis < this.nextAttemptMillis) return false;
    if (this.up && this.size === 0) return true;
    const count = this.size;
    const sent = new Map(this.change);
    let pending: void | Promise<void>;
    try {
      pending = this.store.save([...this.open.values()], [...this.completed.values()]);
    } catch (error) {
      this.failed(error, nowMillis);
      return false;
    }
    if (pending instanceof Promise) {
      this.inFlight = pending
        .then(
          () => {
            this.written(sent);
            if (!this.up) this.recovered(count);
          },
          (error: unknown) => this.failed(error, nowMillis),
        )
        .finally(() => {
          this.inFlight = undefined;
        });
      return false;
    }
    this.written(sent);
    if (!this.up) this.recovered(count);
    return true;
  }

  /** Settles when no write is on its way (a store on a server); then `size` is what is still unsaved. */
  async settled(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
  }

  /**
   * The open episodes are now these (a collector that became active took over
   * the stored ones): open episodes queued that are not among them are
   * forgotten, these are queued to be written.
   */
  replaceOpen(open: readonly OpenEpisode[]): void {
    for (const id of this.open.keys()) this.change.delete(id);
    this.open.clear();
    this.add(open, []);
  }

  /** Forget what was written, unless it changed since it was sent. */
  private written(sent: ReadonlyMap<string, number>): void {
    for (const [id, number] of sent) {
      if (this.change.get(id) !== number) continue;
      this.change.delete(id);
      this.open.delete(id);
      this.completed.delete(id);
    }
  }

  /** The queued episodes (open ones with their newest state), for listing while the store is down. */
  episodes(): Episode[] {
    return [...[...this.open.values()].map((o) => o.episode), ...this.completed.values()];
  }

  private failed(error: unknown, nowMillis: number): void {
    if (this.up) {
      this.up = false;
      this.droppedThisOutage = 0;
      this.retryMillis = this.firstRetryMillis;
      this.logger.error(`episode store ${this.store.path}: not writable (${describeStoreError(error)}); keeping ${episodes(this.size)} in memory`);
    } else {
      this.retryMillis = Math.min(this.retryMillis * 2, this.maxRetryMillis);
    }
    this.nextAttemptMillis = nowMillis + this.retryMillis;
    this.trim();
  }

  private recovered(written: number): void {
    this.up = true;
    this.retryMillis = this.firstRetryMillis;
    const dropped =
      this.droppedThisOutage > 0
        ? ` (${episodes(this.droppedThisOutage)} completed while it was down ${this.droppedThisOutage === 1 ? 'was' : 'were'} dropped: more than ${this.maxCompleted} waited)`
        : '';
    this.logger.info(`episode store ${this.store.path}: writable again; wrote ${episodes(written)}${dropped}`);
    this.droppedThisOutage = 0;
  }

  private trim(): void {
    while (this.completed.size > this.maxCompleted) this.dropOldest();
  }

  private dropOldest(): void {
    const oldest = this.completed.keys().next().value as string;
    this.completed.delete(oldest);
    this.change.delete(oldest);
    if (this.droppedThisOutage++ === 0) {
      this.logger.error(
        `episode store ${this.store.path}: still not writable; more than ${this.maxCompleted} completed episodes wait in memory, dropping the oldest (they stay counted in ${METRICS.episodes.name})`,
      );
    }
  }
}

function episodes(n: number): string {
  return `${n} episode${n === 1 ? '' : 's'}`;
}
