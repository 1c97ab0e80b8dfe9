import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { OpenEpisode } from '../engine/episode-record';
import { createMemoryLogger } from '../logger';
import type { Episode } from '../model/group-state';
import { clearImmutable, immutableUnsupported, setImmutable } from '../testing/immutable-files';
import { corruptName, openEpisodeStore, StoreOpenError } from './open-episode-store';
import { SqliteEpisodeStore } from './episode-store';

const root = mkdtempSync(join(tmpdir(), 'rebound-store-'));
after(() => {
  clearImmutable(root);
  rmSync(root, { recursive: true, force: true });
});
let dirs = 0;
const freshDir = () => {
  const dir = join(root, `case-${++dirs}`);
  mkdirSync(dir);
  return dir;
};
const NOW = Date.parse('2026-12-01T11:25:37.123Z');
const noChattr = immutableUnsupported(root);

function episode(id: string, startMillis = NOW - 60_000): Episode {
  return {
    id,
    group: 'db',
    startMillis,
    endMillis: startMillis + 30_000,
    durationSeconds: 20,
    worstPhase: 'degraded',
    phases: [
      { phase: 'degraded', atMillis: startMillis },
      { phase: 'healthy', atMillis: startMillis + 30_000 },
    ],
    membersAffected: ['c'],
    peakLagSeconds: null,
    permissionDriftSeen: false,
    hiddenInstabilitySeen: false,
    convergedAtMillis: startMillis + 20_000,
    rtoSeconds: 60,
  };
}

function openOne(id: string): OpenEpisode {
  return {
    episode: { ...episode(id), endMillis: null, durationSeconds: null },
    recoveredMembers: [],
    serviceWasDown: false,
    leaderBefore: null,
    loadBefore: null,
  };
}

/** A store with one completed episode, closed cleanly (no -wal/-shm left). */
function storeWithOneEpisode(path: string): void {
  const store = new SqliteEpisodeStore(path);
  store.save([], [episode('kept')]);
  store.close();
}

describe('openEpisodeStore', () => {
  it('moves a file that is not SQLite aside, names both paths and starts a fresh store', () => {
    const path = join(freshDir(), 'rebound.db');
    writeFileSync(path, 'groups:\n  - name: not a database\n');
    writeFileSync(`${path}-wal`, 'its WAL');
    const logger = createMemoryLogger();
    const store = openEpisodeStore(path, { logger, now: () => NOW });
    const aside = `${path}.corrupt-20261201T112537Z`;
    assert.equal(corruptName(path, NOW), aside);
    assert.equal(readFileSync(aside, 'utf8'), 'groups:\n  - name: not a database\n', 'the damaged file is kept as it was');
    assert.equal(readFileSync(`${aside}-wal`, 'utf8'), 'its WAL', 'the WAL goes with its database');
    assert.deepEqual(logger.lines, [
      `warn episode store ${path}: not a sound SQLite database (SqliteError: file is not a database); moved it aside to ${aside} and started a fresh store`,
    ]);
    assert.equal(store.openedReadOnly, null);
    store.save([], [episode('new')]);
    assert.deepEqual(
      store.list().map((e) => e.id),
      ['new'],
    );
    store.close();
  });

  it('moves a SQLite file with damaged pages aside', () => {
    const path = join(freshDir(), 'rebound.db');
    storeWithOneEpisode(path);
    const image = readFileSync(path);
    image.fill(0x41, 100, image.length); // keep the 100-byte header, ruin every page
    writeFileSync(path, image);
    const logger = createMemoryLogger();
    const store = openEpisodeStore(path, { logger, now: () => NOW });
    assert.match(logger.lines[0]!, /not a sound SQLite database \(SqliteError: (database disk image is malformed|file is not a database)/);
    assert.ok(existsSync(`${path}.corrupt-20261201T112537Z`));
    assert.deepEqual(store.list(), []);
    store.close();
  });

  it('refuses a path whose parent is a file, naming both', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'data'), 'a file');
    const path = join(dir, 'data', 'rebound.db');
    assert.throws(
      () => openEpisodeStore(path, { logger: createMemoryLogger() }),
      (error: unknown) =>
        error instanceof StoreOpenError &&
        error.message ===
          `episode store ${path}: cannot create its directory ${join(dir, 'data')} (${join(dir, 'data')} is a file, not a directory); set store: to a path in a writable directory`,
    );
  });

  it('refuses a directory, suggesting a file inside it', () => {
    const dir = freshDir();
    assert.throws(
      () => openEpisodeStore(dir, { logger: createMemoryLogger() }),
      (error: unknown) =>
        error instanceof StoreOpenError &&
        error.message === `episode store ${dir}: is a directory; set store: to a file inside it, e.g. ${join(dir, 'rebound.db')}`,
    );
  });

  describe('read-only stores', { skip: noChattr ?? false }, () => {
    it('serves an immutable file read-only, and writes again once it is not', () => {
      const path = join(freshDir(), 'rebound.db');
      storeWithOneEpisode(path);
      setImmutable([path], true);
      const store = openEpisodeStore(path, { logger: createMemoryLogger() });
      try {
        assert.equal(store.openedReadOnly, 'SqliteError: attempt to write a readonly database');
        assert.deepEqual(
          store.list().map((e) => e.id),
          ['kept'],
        );
        assert.throws(() => store.save([openOne('new')], []), /readonly/);
        setImmutable([path], false);
        store.save([openOne('new')], []);
        assert.equal(store.openedReadOnly, null);
        assert.deepEqual(
          store
            .list()
            .map((e) => e.id)
            .sort(),
          ['kept', 'new'],
        );
      } finally {
        setImmutable([path], false);
        store.close();
      }
    });

    it('serves a store in a read-only directory from a copy, and writes again once the directory is writable', () => {
      const dir = freshDir();
      const path = join(dir, 'rebound.db');
      storeWithOneEpisode(path);
      setImmutable([dir], true);
      const store = openEpisodeStore(path, { logger: createMemoryLogger() });
      try {
        assert.equal(store.openedReadOnly, `read-only: ${dir} is not writable, so SQLite cannot create ${path}-shm beside it`);
        assert.deepEqual(
          store.list().map((e) => e.id),
          ['kept'],
        );
        assert.throws(() => store.save([], []), /unable to open database file|not writable/);
        setImmutable([dir], false);
        store.save([openOne('new')], []);
        assert.equal(store.openedReadOnly, null);
        assert.deepEqual(
          store
            .list()
            .map((e) => e.id)
            .sort(),
          ['kept', 'new'],
        );
      } finally {
        setImmutable([dir], false);
        store.close();
      }
    });

    it('refuses a store that does not exist in a read-only directory: nothing could ever be kept', () => {
      const dir = freshDir();
      const path = join(dir, 'rebound.db');
      setImmutable([dir], true);
      try {
        assert.throws(
          () => openEpisodeStore(path, { logger: createMemoryLogger() }),
          (error: unknown) =>
            error instanceof StoreOpenError && error.message.startsWith(`episode store ${path}: cannot be opened (SqliteError: unable to open database file)`),
        );
      } finally {
        setImmutable([dir], false);
      }
    });

    it('refuses a corrupt file that cannot be moved aside, naming both paths', () => {
      const dir = freshDir();
      const path = join(dir, 'rebound.db');
      writeFileSync(path, 'not a database');
      setImmutable([dir], true);
      try {
        assert.throws(
          () => openEpisodeStore(path, { logger: createMemoryLogger(), now: () => NOW }),
          (error: unknown) =>
            error instanceof StoreOpenError && error.message.includes(`episode store ${path}: `) && error.message.includes(`${path}.corrupt-20261201T112537Z`),
        );
      } finally {
        setImmutable([dir], false);
      }
    });
  });
});
