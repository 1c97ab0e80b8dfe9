import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger';
import { connect, readOnlyCopy, SqliteEpisodeStore, type Connection } from './episode-store';
import { describeStoreError } from './types';

/**
 * The episode store cannot be opened at all (its parent is a file, it is a
 * directory, …). The CLI prints the message on one line and exits 2: nothing
 * would be kept, so starting would only hide the mistake.
 */
export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

export interface OpenStoreOptions {
  logger: Logger;
  /** Wall clock in epoch ms, for the name of a corrupt file moved aside. */
  now?: () => number;
}

/**
 * Open the episode store at `path` for the collector, deciding at start:
 * - a corrupt file (not SQLite, or damaged) is moved aside to
 *   `PATH.corrupt-<UTC time>` (its `-wal`/`-shm` beside it) and a fresh store
 *   is created, with a warning naming both paths;
 * - a store that can be read but not written (read-only file, directory or
 *   filesystem) is served read-only: `openedReadOnly` says why, and the
 *   engine keeps new episodes in memory until it can write again;
 * - a path that cannot be opened at all throws `StoreOpenError`.
 */
export function openEpisodeStore(path: string, options: OpenStoreOptions): SqliteEpisodeStore {
  if (path === ':memory:') return new SqliteEpisodeStore(path);
  refuseUnusablePath(path);
  try {
    refuseForeignFile(path);
    return new SqliteEpisodeStore(path, connect(path));
  } catch (error) {
    if (isCorrupt(error)) return new SqliteEpisodeStore(path, moveAsideAndStartFresh(path, error, options));
    if (isCantOpen(error) && existsSync(path)) return new SqliteEpisodeStore(path, servedFromCopy(path, error));
    throw new StoreOpenError(
      `episode store ${path}: cannot be opened (${describeStoreError(error)}); check the path and its permissions, or set store: to another file`,
    );
  }
}

/** A directory, or a parent that is a file, gets a message naming what is wrong instead of SQLite's "unable to open database file". */
function refuseUnusablePath(path: string): void {
  if (kindOf(path) === 'directory') {
    throw new StoreOpenError(`episode store ${path}: is a directory; set store: to a file inside it, e.g. ${join(path, 'rebound.db')}`);
  }
  const parent = dirname(path);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const fileOnTheWay =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? ` (${firstFileAncestor(parent) ?? parent} is a file, not a directory)`
        : ` (${code ?? describeStoreError(error)})`;
    throw new StoreOpenError(`episode store ${path}: cannot create its directory ${parent}${fileOnTheWay}; set store: to a path in a writable directory`);
  }
}

function firstFileAncestor(dir: string): string | undefined {
  const chain: string[] = [];
  for (let d = dir; dirname(d) !== d; d = dirname(d)) chain.unshift(d);
  return chain.find((d) => kindOf(d) === 'file');
}

/** What is at `path`; 'none' also when a parent is not a directory (ENOTDIR). */
function kindOf(path: string): 'file' | 'directory' | 'other' | 'none' {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat === undefined ? 'none' : stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
  } catch {
    return 'none';
  }
}

/**
 * A file that does not start with SQLite's header is not a store; SQLite would
 * say so too, but only after deleting the `-wal` beside it, which is moved
 * aside with it instead.
 */
function refuseForeignFile(path: string): void {
  if (kindOf(path) !== 'file') return;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0 || header.equals(SQLITE_HEADER)) return;
  throw Object.assign(new Error('file is not a database'), { name: 'SqliteError', code: 'SQLITE_NOTADB' });
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function isCorrupt(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

function isCantOpen(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_CANTOPEN');
}

/** `rebound.db.corrupt-20261201T112537Z`: sortable, and no colons to trip up shells and copies. */
export function corruptName(path: string, nowMillis: number): string {
  return `${path}.corrupt-${new Date(nowMillis)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

function moveAsideAndStartFresh(path: string, error: unknown, options: OpenStoreOptions): Connection {
  const aside = corruptName(path, (options.now ?? Date.now)());
  try {
    renameSync(path, aside);
    // The WAL belongs to the damaged file; a fresh store must not replay it.
    for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  } catch (moveError) {
    throw new StoreOpenError(
      `episode store ${path}: not a sound SQLite database (${describeStoreError(error)}) and it cannot be moved aside to ${aside} (${describeStoreError(moveError)}); move or delete it, or set store: to another file`,
    );
  }
  options.logger.warn(
    `episode store ${path}: not a sound SQLite database (${describeStoreError(error)}); moved it aside to ${aside} and started a fresh store`,
  );
  try {
    return connect(path);
  } catch (freshError) {
    throw new StoreOpenError(`episode store ${path}: a fresh store cannot be created (${describeStoreError(freshError)}); the damaged one is at ${aside}`);
  }
}

/** SQLite cannot open an existing store even read-only: read it into memory and serve that copy read-only. */
function servedFromCopy(path: string, error: unknown): Connection {
  let reason: string;
  try {
    closeSync(openSync(path, 'r+'));
    reason = `${dirname(path)} is not writable, so SQLite cannot create ${path}-shm beside it`;
  } catch (openError) {
    reason = `${(openError as NodeJS.ErrnoException).code ?? 'error'}: ${path} is not writable and its directory does not allow SQLite's -shm file`;
  }
  try {
    return readOnlyCopy(path, `read-only: ${reason}`);
  } catch (copyError) {
    if (isCorrupt(copyError)) {
      throw new StoreOpenError(
        `episode store ${path}: read-only and not a sound SQLite database (${describeStoreError(copyError)}); move or delete it, or set store: to another file`,
      );
    }
    throw new StoreOpenError(
      `episode store ${path}: cannot be opened (${describeStoreError(error)}; reading a copy: ${describeStoreError(copyError)}); check the path and its permissions`,
    );
  }
}
