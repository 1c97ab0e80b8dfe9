import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Client } from 'pg';
import type { Logger } from '../logger';
import type { Episode } from '../model/group-state';
import type { OpenEpisode } from '../engine/episode-record';
import { describeStoreError, type EpisodeQuery, type EpisodeStore } from './types';
import { LEASE_TAKEN, LOCK_KEY, migrate, readOpenEpisodes, resumeState, row, upsertStatement, type Row } from './postgres-sql';

/**
 * Recovery episodes in PostgreSQL (`store: postgres://…`), shared by an HA
 * pair of collectors with the same config. Both derive and serve; the one
 * holding the session-level advisory lock `pg_try_advisory_lock(2105810, 1)`
 * is active and the only one that writes episodes. The lock lives as long as
 * the active collector's connection: when it dies (kill -9, a crash, a lost
 * network, a PostgreSQL failover) PostgreSQL releases it and the standby takes
 * it on its next role check; on becoming active a collector reloads the open
 * episodes and continues them (same id, same start), as after a restart.
 *
 * The engine's interface is synchronous, PostgreSQL is not: `save` returns a
 * promise (UnsavedEpisodes keeps what it sent until it resolves and retries
 * what it refused), and `list` / `openEpisodes` answer from what was read on
 * the last role check (the newest LIST_CACHE episodes, then what was updated since).
 *
 * Several hosts (`postgres://u:p@db-1:5432,db-2:5432/rebound`) are tried in
 * order and the first that is not in recovery is used (libpq's
 * `target_session_attrs=read-write`): after a failover the promoted standby is
 * found without a config change. A standby server is never written.
 */
export { LOCK_KEY, MIGRATIONS } from './postgres-sql';

export class PostgresEpisodeStore implements EpisodeStore {
  readonly openedReadOnly = null;
  private session: Client | null = null;
  private connecting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private isActive = false;
  /**
   * Held the lock when the connection was lost: completed episodes derived then
   * are still this collector's to write. True until the first lock attempt: a
   * collector started while its store is unreachable may well be alone.
   */
  private heldBeforeOutage = true;
  private triedLock = false;
  private lastError: string | null = null;
  private downSinceLogged = false;
  private closed = false;
  /** The server's clock at the last refresh; null before the first (which reads the newest LIST_CACHE). */
  private refreshedAt: Date | null = null;
  private readonly cache = new Map<string, Episode>();
  private open = new Map<string, OpenEpisode>();
  private readonly activeListeners: ((open: Map<string, OpenEpisode>) => void)[] = [];
  private readonly closedListeners: ((episode: Episode) => void)[] = [];
  /** Episodes this collector closed in the store, already reported to closedListeners (a retried write is not a second close). */
  private readonly reportedClosed = new Set<string>();
  private readonly hosts: string[];
  /** This process, as `rebound_lease.holder` names it. */
  readonly instance = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

  constructor(private readonly options: PostgresStoreOptions) {
    this.hosts = hostUrls(options.url);
  }

  /** The redacted URL, named in every message about the store. */
  get path(): string {
    return this.options.redacted;
  }

  /** This collector holds the lock and writes the episodes (`recovery_collector_active`). */
  get active(): boolean {
    return this.isActive;
  }

  /** Connected to a writable server; false from a lost connection until the next one (`recovery_store_up`). */
  get reachable(): boolean {
    return this.session !== null;
  }

  /**
   * Completed episodes are this collector's to write (and to count in
   * `recovery_episodes_total`): while active, and after losing the lock to an
   * outage until its next successful write.
   */
  get writesCompleted(): boolean {
    return this.isActive || this.heldBeforeOutage;
  }

  /** Why the store is unreachable (the last connection attempt's error), or null while connected. */
  get problem(): string | null {
    return this.session === null ? this.lastError : null;
  }

  /**
   * Called once for each episode whose completion this collector wrote, i.e.
   * the write that closed its row. The pair counts episodes here, not when they
   * complete in the engine: after a store outage both collectors may complete
   * the same open episode (the old active from memory, the new one from the
   * store); only the first write closes the row, so it is counted once.
   */
  onClosed(listener: (episode: Episode) => void): void {
    this.closedListeners.push(listener);
  }

  /** Called with the stored open episodes each time this collector becomes active (at start too). */
  onActive(listener: (open: Map<string, OpenEpisode>) => void): void {
    this.activeListeners.push(listener);
  }

  /**
   * Connect (bounded by connectTimeoutMillis per host), migrate the schema,
   * read the episodes and try the lock once; then check the role and refresh
   * every `roleCheckMillis`. Never throws: an unreachable store is retried.
   */
  async start(): Promise<void> {
    await this.check();
    if (!this.closed) this.timer = setInterval(() => void this.check(), this.options.roleCheckMillis ?? 1000);
    this.timer?.unref();
  }

  save(open: readonly OpenEpisode[], completed: readonly Episode[]): Promise<void> {
    // Serialized now: the tracker keeps changing its open episode while the write is on its way.
    const session = this.session;
    if (session === null) return Promise.reject(new Error(`not connected${this.lastError === null ? '' : ` (${this.lastError})`}`));
    const rows: Row[] = [];
    if (this.isActive) for (const o of open) rows.push(row(o.episode, resumeState(o), null));
    if (this.isActive || this.heldBeforeOutage) for (const e of completed) rows.push(row(e, null, this.instance));
    if (rows.length === 0) return Promise.resolve();
    return this.write(session, rows);
  }

  openEpisodes(): Map<string, OpenEpisode> {
    return new Map(this.open);
  }

  list(query: EpisodeQuery = {}): Episode[] {
    const limit = Math.max(1, Math.min(query.limit ?? 100, 10_000));
    return [...this.cache.values()]
      .filter((e) => query.group === undefined || e.group === query.group)
      .sort((a, b) => b.startMillis - a.startMillis || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.connecting?.catch(() => undefined);
    const session = this.session;
    this.session = null;
    this.isActive = false;
    // Ending the session releases the lock at once: the standby takes over on its next check.
    await session?.end().catch(() => undefined);
  }

  private async write(session: Client, rows: Row[]): Promise<void> {
    const written = new Map<string, boolean>();
    const upsert = async (batch: readonly Row[]) => {
      for (const r of (await session.query<{ id: string; closed: boolean }>(upsertStatement(batch))).rows) written.set(r.id, r.closed);
    };
    if (rows.length <= WRITE_BATCH) {
      // One statement is one transaction: one round trip.
      await upsert(rows);
    } else {
      try {
        await session.query('BEGIN');
        for (let i = 0; i < rows.length; i += WRITE_BATCH) await upsert(rows.slice(i, i + WRITE_BATCH));
        await session.query('COMMIT');
      } catch (error) {
        await session.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    const refused: string[] = [];
    for (const r of rows) {
      if (!written.has(r.episode.id)) {
        refused.push(r.episode.id);
        continue;
      }
      this.remember(r.episode);
      if (written.get(r.episode.id) === true && r.closedBy !== null) this.reportClosed(r.episode);
    }
    // Closed by the other collector first (or an open write after its close): list the stored version.
    if (refused.length > 0) {
      const stored = await session.query<{ episode: Episode }>('SELECT episode FROM rebound_episodes WHERE id = ANY($1)', [refused]);
      for (const r of stored.rows) this.remember(r.episode);
    }
    this.heldBeforeOutage = false;
  }

  private reportClosed(episode: Episode): void {
    if (this.reportedClosed.has(episode.id)) return;
    this.reportedClosed.add(episode.id);
    if (this.reportedClosed.size > LIST_CACHE) this.reportedClosed.delete(this.reportedClosed.values().next().value!);
    for (const listener of this.closedListeners) listener(episode);
  }

  /** One role check: connect when needed, refresh what is listed, take the lock when free. */
  private check(): Promise<void> {
    if (this.connecting !== null || this.closed) return this.connecting ?? Promise.resolve();
    this.connecting = this.checkOnce()
      .catch((error: unknown) => this.lost(error))
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  private async checkOnce(): Promise<void> {
    if (this.session === null) await this.connect();
    const session = this.session!;
    await this.refresh(session);
    if (this.isActive) return;
    const [{ locked }] = (await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [...LOCK_KEY])).rows as [
      { locked: boolean },
    ];
    const first = !this.triedLock;
    this.triedLock = true;
    if (!locked) {
      // Another collector is active: what this one derived before it knew is the other's to write.
      if (first) this.heldBeforeOutage = false;
      return;
    }
    const previous = (await session.query<{ previous: string | null }>(LEASE_TAKEN, [this.instance])).rows[0]?.previous ?? null;
    this.open = await readOpenEpisodes(session);
    // Active only from here, in the same turn as the listeners: a save() in between would write this
    // engine's own open episodes (ids the store never saw) before they are replaced by the stored ones.
    this.isActive = true;
    if (previous === this.instance) {
      // Active again after an outage with no one else active meanwhile: this engine's episodes are the newest.
      this.options.logger.info(`episode store ${this.path}: this collector is active again (holds the store lock)`);
      return;
    }
    this.options.logger.info(
      `episode store ${this.path}: this collector is active (holds the store lock${previous === null ? '' : `, after ${previous}`}); continuing ${this.open.size} open episode(s)`,
    );
    for (const listener of this.activeListeners) listener(this.openEpisodes());
  }

  private async connect(): Promise<void> {
    const failures: string[] = [];
    for (const url of this.hosts) {
      const client = new Client({
        connectionString: url,
        connectionTimeoutMillis: this.options.connectTimeoutMillis ?? 5000,
        query_timeout: this.options.queryTimeoutMillis ?? 10_000,
        keepAlive: true,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        // PostgreSQL drops a silent peer (and its lock) within ~15 s instead of the kernel's two hours.
        await client.query('SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 5');
        const [{ recovery }] = (await client.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery')).rows as [{ recovery: boolean }];
        if (recovery) throw new Error('the server is a standby (in recovery), not writable');
        await migrate(client);
      } catch (error) {
        failures.push(`${hostOf(url)}: ${describeStoreError(error)}`);
        await client.end().catch(() => undefined);
        continue;
      }
      client.on('error', (error) => this.lost(error));
      client.on('end', () => this.lost(new Error('connection ended')));
      this.session = client;
      this.cache.clear();
      this.refreshedAt = null;
      if (this.lastError !== null || this.downSinceLogged) this.options.logger.info(`episode store ${this.path}: connected to ${hostOf(url)} again`);
      this.lastError = null;
      this.downSinceLogged = false;
      return;
    }
    throw new Error(failures.join('; '));
  }

  /**
   * Episodes written since the last refresh (by anyone), into the list cache.
   * `updated_at` is its writer's transaction start, so a write that committed
   * after the last refresh may carry an earlier time: REFRESH_LOOKBACK covers
   * it (a write is bounded by the query timeout).
   */
  private async refresh(session: Client): Promise<void> {
    const first = this.refreshedAt === null;
    const { rows } = await session.query<{ episode: Episode; at: Date }>(
      first
        ? 'SELECT episode, now() AS at FROM rebound_episodes ORDER BY start_ms DESC LIMIT $1'
        : `SELECT episode, now() AS at FROM rebound_episodes WHERE updated_at > $1::timestamptz - interval '${REFRESH_LOOKBACK_SECONDS} seconds'`,
      [first ? LIST_CACHE : this.refreshedAt],
    );
    for (const r of rows) this.remember(r.episode);
    this.refreshedAt = rows[0]?.at ?? (await session.query<{ at: Date }>('SELECT now() AS at')).rows[0]!.at;
    if (first && this.open.size === 0) this.open = await readOpenEpisodes(session);
  }

  private remember(episode: Episode): void {
    this.cache.set(episode.id, episode);
    if (this.cache.size <= LIST_CACHE * 1.2) return;
    const keep = [...this.cache.values()].sort((a, b) => b.startMillis - a.startMillis).slice(0, LIST_CACHE);
    this.cache.clear();
    for (const e of keep) this.cache.set(e.id, e);
  }

  private lost(error: unknown): void {
    const session = this.session;
    if (session !== null) {
      this.session = null;
      session.removeAllListeners('end');
      void session.end().catch(() => undefined);
    }
    if (this.closed) return;
    if (this.isActive) {
      this.isActive = false;
      this.heldBeforeOutage = true;
    }
    this.lastError = describeStoreError(error);
    if (!this.downSinceLogged) {
      this.downSinceLogged = true;
      this.options.logger.error(
        `episode store ${this.path}: unreachable (${this.lastError}); deriving and serving on, episodes wait in memory; retrying every ${(this.options.roleCheckMillis ?? 1000) / 1000} s`,
      );
    }
  }
}

export interface PostgresStoreOptions {
  /** The connection URL, user and password percent-encoded; `host1:port1,host2:port2` for several servers. */
  url: string;
  /** The URL without its password, for messages. */
  redacted: string;
  logger: Logger;
  /** How often the role is checked, a lost connection retried and the list refreshed (default 1 s). */
  roleCheckMillis?: number;
  connectTimeoutMillis?: number;
  queryTimeoutMillis?: number;
}

/** Episodes kept for `GET /api/v1/episodes` (its largest limit). */
const LIST_CACHE = 10_000;
const WRITE_BATCH = 500;
const REFRESH_LOOKBACK_SECONDS = 30;

/** `postgres://u:p@a:1,b:2/db?x` → one URL per host, in order. */
export function hostUrls(url: string): string[] {
  const match = /^(postgres(?:ql)?:\/\/(?:[^@/]*@)?)([^/?#]*)(.*)$/i.exec(url);
  if (match === null) return [url];
  const [, prefix, hosts, rest] = match as unknown as [string, string, string, string];
  return hosts.split(',').map((host) => `${prefix}${host}${rest}`);
}

function hostOf(url: string): string {
  return /^postgres(?:ql)?:\/\/(?:[^@/]*@)?([^/?#]*)/i.exec(url)?.[1] ?? url;
}
