import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeEpisode, openEpisode, type OpenEpisode } from '../engine/episode-record';
import { createMemoryLogger } from '../logger';
import { startPostgresPrimaryStandby, type PostgresPrimaryStandby } from '../testing/postgres-primary-standby';
import { waitFor } from '../testing/processes';
import { hostUrls, LOCK_KEY, MIGRATIONS, PostgresEpisodeStore } from './postgres-episode-store';

/** Against a real PostgreSQL primary + streaming standby the harness starts on spare ports. */
describe('PostgresEpisodeStore (real PostgreSQL)', { timeout: 240_000 }, () => {
  let pg: PostgresPrimaryStandby;
  const stores: PostgresEpisodeStore[] = [];
  let databases = 0;

  before(async () => {
    pg = await startPostgresPrimaryStandby();
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await pg?.close();
  });

  /** A database of its own per case, so the cases do not share a lock or rows. */
  const freshDatabase = async (): Promise<string> => {
    const name = `rebound_case_${++databases}`;
    await pg.query(pg.primary, `CREATE DATABASE ${name}`);
    return pg.primary.url().replace(/\/postgres$/, `/${name}`);
  };
  const storeOn = (url: string, roleCheckMillis = 200) => {
    const logger = createMemoryLogger();
    const store = new PostgresEpisodeStore({ url, redacted: url, logger, roleCheckMillis, connectTimeoutMillis: 2000 });
    stores.push(store);
    return { store, logger };
  };
  const episode = (id: string, group: string, startMillis: number): OpenEpisode =>
    openEpisode({ id, group, phase: 'recovering', nowMillis: startMillis, rtoSeconds: 60, leaderBefore: 'pg-1', loadBefore: 10 });

  it('creates the schema at first start and migrates once; a newer schema is refused, not written', async () => {
    const url = await freshDatabase();
    const { store } = storeOn(url);
    await store.start();
    assert.equal(store.reachable, true);
    assert.equal(store.active, true);
    const db = { ...pg.primary, url: () => url };
    assert.deepEqual(
      (await pg.query<{ version: number }>(db, 'SELECT version FROM rebound_schema ORDER BY version')).map((r) => r.version),
      MIGRATIONS.map((_, i) => i + 1),
    );
    const second = storeOn(url);
    await second.store.start();
    assert.equal((await pg.query(db, 'SELECT version FROM rebound_schema')).length, MIGRATIONS.length, 'a second start migrates nothing');

    await pg.query(db, 'INSERT INTO rebound_schema (version) VALUES ($1)', [MIGRATIONS.length + 1]);
    const newer = storeOn(url);
    await newer.store.start();
    assert.equal(newer.store.reachable, false);
    assert.match(newer.logger.lines.join('\n'), /schema version 2 is newer than this collector's \(1\); upgrade the collector/);
    await assert.rejects(Promise.resolve(newer.store.save([episode('e-x', 'g', 1)], [])), /not connected/);
  });

  it('works as the documented least-privilege role: a login that owns its database, no superuser', async () => {
    await pg.query(pg.primary, "CREATE ROLE rebound_store LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'store-secret'");
    await pg.query(pg.primary, 'CREATE DATABASE rebound_least OWNER rebound_store');
    const url = pg.primary.url('rebound_store', 'store-secret').replace(/\/postgres$/, '/rebound_least');
    const { store } = storeOn(url);
    await store.start();
    assert.equal(store.active, true, store.problem ?? '');
    await store.save([episode('e-least', 'orders', 1_000)], []);
    assert.deepEqual(
      store.list().map((e) => e.id),
      ['e-least'],
    );
  });

  it('saves open and completed episodes, lists them newest first and resumes the open ones; a late open write never reopens a completed one', async () => {
    const url = await freshDatabase();
    const { store } = storeOn(url);
    await store.start();
    const a = episode('e-a', 'orders', 1_000);
    const b = episode('e-b', 'users', 2_000);
    await store.save([a, b], []);
    const aDone = closeEpisode(structuredClone(a), 5_000);
    await store.save([], [aDone]);
    await store.save([a], []); // the old state of a, e.g. an old active collector's retry after a failover
    const reader = storeOn(url);
    await reader.store.start();
    assert.equal(reader.store.active, false, 'the first store holds the lock');
    assert.deepEqual(
      reader.store.list().map((e) => [e.id, e.endMillis]),
      [
        ['e-b', null],
        ['e-a', 5_000],
      ],
    );
    assert.deepEqual(
      reader.store.list({ group: 'orders' }).map((e) => e.id),
      ['e-a'],
    );
    assert.deepEqual([...reader.store.openEpisodes().keys()], ['users']);
    assert.equal(reader.store.openEpisodes().get('users')?.leaderBefore, 'pg-1');
  });

  it('two collectors on one store: one active, the standby writes nothing and takes over, with the open episodes, when the active one goes', async () => {
    const url = await freshDatabase();
    const first = storeOn(url);
    const second = storeOn(url);
    const takenOver: Map<string, OpenEpisode>[] = [];
    second.store.onActive((open) => takenOver.push(open));
    await first.store.start();
    await second.store.start();
    assert.deepEqual([first.store.active, second.store.active], [true, false]);

    await first.store.save([episode('e-1', 'orders', 1_000)], []);
    await second.store.save([episode('e-standby', 'orders', 1_100)], [closeEpisode(episode('e-standby-done', 'users', 500), 900)]);
    await waitFor("the standby to list the active one's episode", 5_000, () => (second.store.list().some((e) => e.id === 'e-1') ? true : undefined));
    assert.deepEqual(
      second.store.list().map((e) => e.id),
      ['e-1'],
      'the standby wrote nothing',
    );

    await first.store.close(); // as kill -9 does, the session ends and PostgreSQL releases the lock
    await waitFor('the standby to become active', 5_000, () => (second.store.active ? true : undefined));
    assert.equal(takenOver.length, 1);
    assert.equal(takenOver[0]!.get('orders')?.episode.id, 'e-1');
    assert.equal(takenOver[0]!.get('orders')?.episode.startMillis, 1_000);
    assert.match(
      second.logger.lines.join('\n'),
      new RegExp(`this collector is active \\(holds the store lock, after ${first.store.instance}\\); continuing 1 open episode`),
    );
  });

  it("taking over writes none of the standby's own open episodes: active only once the stored ones are handed over", async () => {
    // The engine saves every tick; a save between taking the lock and resuming the stored episodes
    // wrote the standby's own open episode (an id the store never saw) as a second open row (CI, HA pair).
    const url = await freshDatabase();
    const first = storeOn(url);
    const second = storeOn(url);
    await first.store.start();
    await first.store.save([episode('e-stored', 'orders', 1_000)], []);
    let handedOver = false;
    second.store.onActive(() => (handedOver = true));
    await second.store.start();
    const own = episode('e-standby-own', 'orders', 1_100);
    let savesWhileActive = 0;
    const saving = (async () => {
      while (!handedOver) {
        if (second.store.active) savesWhileActive++;
        await Promise.resolve(second.store.save([own], [])).catch(() => undefined);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await first.store.close();
    await waitFor('the standby to take over', 5_000, () => (handedOver ? true : undefined));
    await saving;
    const db = { ...pg.primary, url: () => url };
    assert.deepEqual(
      (await pg.query<{ id: string }>(db, 'SELECT id FROM rebound_episodes ORDER BY id')).map((r) => r.id),
      ['e-stored'],
    );
    assert.equal(savesWhileActive, 0, 'active before the stored open episodes were handed over');
  });

  it('after an outage both collectors complete the same episode: the first write closes the row and only its writer counts it', async () => {
    const url = await freshDatabase();
    // The old active retries its connection slowly, so the standby takes the lock first.
    const old = storeOn(url, 2_000);
    const next = storeOn(url);
    const closedBy = { old: [] as string[], next: [] as string[] };
    old.store.onClosed((e) => closedBy.old.push(e.id));
    next.store.onClosed((e) => closedBy.next.push(e.id));
    await old.store.start();
    await next.store.start();
    const open = episode('e-race', 'orders', 1_000);
    await old.store.save([open], []);

    // The old active's session is cut (as a network outage or a PostgreSQL restart would).
    const db = { ...pg.primary, url: () => url };
    await pg.query(db, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2", [
      ...LOCK_KEY,
    ]);
    await waitFor('the old active to notice', 5_000, () => (old.store.reachable ? undefined : true));
    await waitFor('the standby to take over', 5_000, () => (next.store.active ? true : undefined));
    assert.equal(old.store.writesCompleted, true, 'the old active still writes what it completed meanwhile');

    const byNext = closeEpisode(structuredClone(next.store.openEpisodes().get('orders')!), 5_000);
    await next.store.save([], [byNext]);
    await next.store.save([], [byNext]); // a retried write is not a second close
    await waitFor('the old active to reconnect', 10_000, () => (old.store.reachable ? true : undefined));
    assert.equal(old.store.active, false);
    await old.store.save([], [closeEpisode(open, 4_000)]);

    assert.deepEqual(closedBy, { old: [], next: ['e-race'] }, 'counted once, by the collector that closed the row');
    const rows = await pg.query<{ end_ms: string; closed_by: string }>(db, 'SELECT end_ms, closed_by FROM rebound_episodes');
    assert.deepEqual(
      rows.map((r) => [Number(r.end_ms), r.closed_by]),
      [[5_000, next.store.instance]],
    );
    assert.equal(old.store.list()[0]?.endMillis, 5_000, 'the old active lists the stored close, not its own');
  });

  it('a failover: the primary crashes, the store is unreachable, then finds the promoted standby in its host list and writes there', async () => {
    const hosts = `postgres://postgres@127.0.0.1:${pg.primary.port},127.0.0.1:${pg.standby.port}/postgres`;
    assert.equal(hostUrls(hosts).length, 2);
    const { store, logger } = storeOn(hosts);
    await store.start();
    assert.equal(store.active, true);
    await store.save([episode('e-before', 'orders', 1_000)], []);
    await pg.waitForCatchUp();

    await pg.crashPrimary();
    await waitFor('the store to notice the lost primary', 10_000, () => (store.reachable ? undefined : true));
    assert.equal(store.active, false);
    await assert.rejects(Promise.resolve(store.save([], [closeEpisode(episode('e-during', 'users', 2_000), 3_000)])), /not connected/);
    // The standby is still in recovery: found, and refused as not writable.
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(store.reachable, false);
    assert.match(store.problem ?? '', /standby \(in recovery\), not writable/);
    assert.equal(logger.lines.filter((l) => /unreachable/.test(l)).length, 1, 'one line per outage');

    await pg.promoteStandby();
    await waitFor('the store to be active on the promoted standby', 15_000, () => (store.active ? true : undefined));
    const done = closeEpisode(structuredClone(store.openEpisodes().get('orders')!), 4_000);
    await store.save([], [done]);
    const rows = await pg.query<{ id: string; end_ms: string | null }>(pg.standby, 'SELECT id, end_ms FROM rebound_episodes ORDER BY id');
    assert.deepEqual(
      rows.map((r) => [r.id, r.end_ms === null ? null : Number(r.end_ms)]),
      [['e-before', 4_000]],
    );
    assert.match(logger.lines.join('\n'), new RegExp(`connected to 127.0.0.1:${pg.standby.port} again`));
    assert.match(logger.lines.at(-1)!, /this collector is active again \(holds the store lock\)$/, 'nobody else was active: nothing taken over');
  });
});
