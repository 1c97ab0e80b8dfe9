import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METRICS } from '@rebound/contract';
import { createMemoryLogger } from '../logger';
import type { Phase } from '../model/types';
import { FakeEpisodeStore, sqliteError } from '../store/testing/fake-episode-store';
import { RecoveryEngine, type RecoveryEngineOptions } from './engine';
import { obs, testGroup } from './testing/scenario';

function clock(startMillis = 1_700_000_000_000) {
  let now = startMillis;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function feed(engine: RecoveryEngine, now: number, cDown: boolean) {
  engine.observe(obs('a', now, { role: 'leader', position: 10 }));
  engine.observe(obs('b', now, { position: 10 }));
  engine.observe(obs('c', now, cDown ? { reachable: false } : { position: 10 }));
}

const diskIo = () => sqliteError('disk I/O error', 'SQLITE_IOERR_WRITE');

function setup(options: Partial<RecoveryEngineOptions> & { store?: FakeEpisodeStore } = {}) {
  const c = clock();
  const store = options.store ?? new FakeEpisodeStore();
  const logger = createMemoryLogger();
  const engine = new RecoveryEngine({ groups: [testGroup()], now: c.now, store, logger, ...options });
  const completed: string[] = [];
  const phases: Phase[] = [];
  engine.onEpisodeCompleted((e) => completed.push(e.id));
  engine.onPhaseChange((state) => phases.push(state.phase));
  /** Tick once a second for `seconds`, member c down while `down(s)`. */
  const run = (seconds: number, down: (s: number) => boolean = () => false) => {
    for (let s = 0; s < seconds; s++) {
      feed(engine, c.now(), down(s));
      engine.tick();
      c.advance(1000);
    }
  };
  const linesWith = (text: string) => logger.lines.filter((l) => l.includes(text));
  return { c, store, logger, engine, completed, phases, run, linesWith };
}

describe('RecoveryEngine with an episode store that cannot be written', () => {
  it('derives, counts and notifies a whole recovery during the outage, then stores it with its original start', () => {
    const { store, engine, completed, phases, run, linesWith } = setup();
    run(3);
    run(2, () => true); // c goes down: the episode opens and is saved
    const [open] = store.list();
    assert.ok(open && open.endMillis === null, 'the open episode was saved before the outage');
    assert.equal(engine.storeUp(), true);

    store.failure = diskIo();
    run(3, () => true);
    run(20); // c back, hold-down passes: the episode completes while every write fails
    assert.deepEqual(completed, [open.id], `the completion reached the listeners (${METRICS.episodes.name})`);
    assert.equal(phases.at(-1), 'healthy', 'the phase lines reached the listeners');
    assert.equal(engine.snapshot()[0]!.phase, 'healthy');
    assert.equal(engine.storeUp(), false);
    assert.equal(store.list()[0]!.endMillis, null, 'the store still has the open version only');
    const [listed] = engine.episodes({ group: 'db' });
    assert.equal(listed!.id, open.id);
    assert.equal(listed!.startMillis, open.startMillis);
    assert.notEqual(listed!.endMillis, null, 'the API lists the completed episode from memory');
    const down = linesWith('episode store ./data/rebound.db: not writable (SqliteError: disk I/O error); keeping 1 episode in memory');
    assert.equal(down.length, 1, 'one line for the outage, however many retries failed');
    assert.ok(store.saveCalls > 2, 'retried');

    store.failure = null;
    run(31); // at most the longest backoff
    assert.equal(engine.storeUp(), true);
    const [stored] = store.list();
    assert.equal(stored!.id, open.id);
    assert.equal(stored!.startMillis, open.startMillis, 'stored with its original start');
    assert.equal(stored!.durationSeconds, listed!.durationSeconds);
    assert.equal(store.openEpisodes().size, 0, 'a restart would not resume the completed episode');
    assert.equal(linesWith('episode store ./data/rebound.db: writable again; wrote 1 episode').length, 1);
    assert.equal(linesWith('not writable').length, 1);
  });

  it('retries with doubling backoff up to 30 s instead of on every tick', () => {
    const { c, store, engine, run } = setup();
    const attempts: number[] = [];
    const save = store.save.bind(store);
    store.save = (open, done) => {
      attempts.push(c.now());
      save(open, done);
    };
    run(2);
    store.failure = diskIo();
    const start = c.now();
    run(70, () => true);
    assert.deepEqual(
      attempts.map((t) => (t - start) / 1000),
      [0, 1, 3, 7, 15, 31, 61],
      'first write fails at once, then retries after 1, 2, 4, 8, 16, 30 s',
    );
    assert.equal(engine.storeUp(), false);
  });

  it('writes the open episode in its newest state and every completed one in one transaction when the store heals', () => {
    const { store, engine, run } = setup();
    run(2);
    store.failure = diskIo();
    run(3, () => true); // opened during the outage: never saved
    run(20); // completed
    run(3, () => true); // a relapse after healthy: a second episode, still open
    assert.equal(engine.episodes().length, 2, 'both listed from memory');
    assert.equal(store.list().length, 0);
    store.failure = null;
    run(31, () => true);
    assert.equal(store.writes.length, 1, 'one transaction');
    assert.equal(store.writes[0]!.length, 2);
    const [newest, oldest] = store.list();
    assert.equal(newest!.endMillis, null);
    assert.notEqual(oldest!.endMillis, null);
    assert.deepEqual(newest, engine.episodes()[0], 'the open one as the engine has it now');
  });

  it('keeps the newest N completed episodes, drops older ones and says so once', () => {
    const { store, engine, completed, run, linesWith } = setup({ unsaved: { maxCompleted: 2 } });
    run(2);
    store.failure = diskIo();
    for (let round = 0; round < 4; round++) run(25, (s) => s < 3);
    assert.equal(completed.length, 4, 'every completion counted');
    const listed = engine.episodes();
    assert.equal(listed.length, 2);
    assert.deepEqual(
      listed.map((e) => e.id),
      completed.slice(2).reverse(),
      'the newest two are kept',
    );
    assert.equal(linesWith('dropping the oldest').length, 1);
    store.failure = null;
    run(31);
    assert.equal(store.list().length, 2);
    assert.equal(linesWith('writable again; wrote 2 episodes (2 episodes completed while it was down were dropped: more than 2 waited)').length, 1);
  });

  it('serves a store opened read-only and keeps new episodes in memory', () => {
    const readOnly = new FakeEpisodeStore('/var/lib/rebound/rebound.db', 'SqliteError: attempt to write a readonly database');
    readOnly.openedReadOnly = null;
    const { run: seed } = setup({ store: readOnly });
    seed(2);
    seed(25, (s) => s < 3);
    assert.equal(readOnly.list().length, 1);
    readOnly.openedReadOnly = 'SqliteError: attempt to write a readonly database';

    const { engine, run, linesWith } = setup({ store: readOnly });
    assert.equal(engine.storeUp(), false, `${METRICS.storeUp.name} 0 from the start`);
    assert.equal(
      linesWith(
        'episode store /var/lib/rebound/rebound.db: not writable (SqliteError: attempt to write a readonly database); serving its stored episodes read-only',
      ).length,
      1,
    );
    run(2);
    run(25, (s) => s < 3);
    assert.equal(engine.episodes().length, 2, 'the stored episode and the new one');
    assert.equal(readOnly.list().length, 1);
    readOnly.openedReadOnly = null;
    run(31);
    assert.equal(engine.storeUp(), true);
    assert.equal(readOnly.list().length, 2);
  });

  it('lists the episodes in memory when the store cannot even be read, and says so once a minute', () => {
    const { store, engine, run, linesWith } = setup();
    run(2);
    store.failure = diskIo();
    run(3, () => true);
    store.list = () => {
      throw diskIo();
    };
    assert.equal(engine.episodes().length, 1);
    assert.equal(engine.episodes().length, 1);
    assert.equal(linesWith('episode store ./data/rebound.db: cannot be read (SqliteError: disk I/O error); listing the episodes in memory only').length, 1);
  });

  it('says at shutdown what cannot be saved', () => {
    const { store, engine, run, linesWith } = setup();
    run(2);
    store.failure = diskIo();
    run(3, () => true);
    assert.equal(engine.flush(), false);
    assert.equal(linesWith('episode store ./data/rebound.db: not writable at shutdown; 1 unsaved episode(s) are lost').length, 1);
    store.failure = null;
    assert.equal(engine.flush(), true, 'flush ignores the backoff');
    assert.equal(store.list().length, 1);
  });
});
