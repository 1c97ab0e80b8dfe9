import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryLogger } from '../logger';
import type { Episode } from '../model/group-state';
import type { EpisodeStore } from '../store/types';
import { closeEpisode, openEpisode, type OpenEpisode } from './episode-record';
import { UnsavedEpisodes } from './unsaved-episodes';

/** A store on a server, as PostgresEpisodeStore is to the engine: save returns a promise the test settles. */
class AsyncStore implements EpisodeStore {
  readonly path = 'postgres://rebound@db/rebound';
  readonly openedReadOnly = null;
  reachable = true;
  readonly pending: { ids: string[]; resolve: () => void; reject: (error: Error) => void }[] = [];
  save(open: readonly OpenEpisode[], completed: readonly Episode[]): Promise<void> {
    return new Promise((resolve, reject) => this.pending.push({ ids: [...open.map((o) => o.episode.id), ...completed.map((e) => e.id)], resolve, reject }));
  }
  openEpisodes() {
    return new Map<string, OpenEpisode>();
  }
  list() {
    return [];
  }
  close() {}
}

const open = (id: string) =>
  openEpisode({ id, group: `group-${id}`, phase: 'recovering', nowMillis: 1_000, rtoSeconds: 60, leaderBefore: null, loadBefore: null });

describe('UnsavedEpisodes with a store that writes asynchronously', () => {
  it('keeps what changed while a write was on its way, writes one at a time, and forgets the rest once written', async () => {
    const store = new AsyncStore();
    const unsaved = new UnsavedEpisodes({ store, logger: createMemoryLogger() });
    const a = open('a');
    unsaved.add([a, open('b')], []);
    assert.equal(unsaved.write(1_000), false, 'not written yet');
    assert.equal(unsaved.write(1_100), false);
    assert.equal(store.pending.length, 1, 'one write at a time');
    unsaved.add([], [closeEpisode(a, 1_050)]); // a completes while its open state is on its way
    store.pending[0]!.resolve();
    await unsaved.settled();
    assert.equal(unsaved.size, 1, 'the completion of a is still to write; b is written');
    assert.deepEqual(
      unsaved.episodes().map((e) => [e.id, e.endMillis]),
      [['a', 1_050]],
    );
    unsaved.write(1_200);
    assert.deepEqual(store.pending[1]!.ids, ['a']);
    store.pending[1]!.resolve();
    await unsaved.settled();
    assert.equal(unsaved.size, 0);
    assert.equal(unsaved.storeUp, true);
  });

  it('a refused write keeps everything, says so once, backs off, and a store known unreachable is down even with nothing to write', async () => {
    const store = new AsyncStore();
    const logger = createMemoryLogger();
    const unsaved = new UnsavedEpisodes({ store, logger });
    unsaved.add([open('a')], []);
    unsaved.write(1_000);
    store.pending[0]!.reject(new Error('not connected (connect ECONNREFUSED 127.0.0.1:5432)'));
    await unsaved.settled();
    assert.equal(unsaved.storeUp, false);
    assert.equal(unsaved.size, 1);
    assert.match(
      logger.lines.join('\n'),
      /episode store postgres:\/\/rebound@db\/rebound: not writable \(Error: not connected \(connect ECONNREFUSED 127\.0\.0\.1:5432\)\); keeping 1 episode in memory/,
    );
    unsaved.write(1_500);
    assert.equal(store.pending.length, 1, 'the retry waits for its backoff (1 s)');
    unsaved.write(2_000);
    store.pending[1]!.resolve();
    await unsaved.settled();
    assert.equal(unsaved.storeUp, true);
    assert.match(logger.lines.at(-1)!, /writable again; wrote 1 episode$/);

    store.reachable = false;
    assert.equal(unsaved.storeUp, false, 'the store shown down while the connection is known lost');
  });

  it('replaceOpen forgets queued open episodes that are no longer the open ones (taken over from the store)', () => {
    const store = new AsyncStore();
    const unsaved = new UnsavedEpisodes({ store, logger: createMemoryLogger() });
    unsaved.add([open('local')], [closeEpisode(open('done'), 2_000)]);
    unsaved.replaceOpen([open('stored')]);
    assert.deepEqual(
      unsaved
        .episodes()
        .map((e) => e.id)
        .sort(),
      ['done', 'stored'],
    );
  });
});
