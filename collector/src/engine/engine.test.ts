import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteEpisodeStore } from '../store/episode-store';
import { RecoveryEngine } from './engine';
import { obs, testGroup } from './testing/scenario';

const dir = mkdtempSync(join(tmpdir(), 'rebound-engine-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function clock(startMillis = 1_700_000_000_000) {
  let now = startMillis;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function feed(engine: RecoveryEngine, now: number, cDown: boolean) {
  engine.observe(obs('a', now, { role: 'leader', position: 10 }));
  engine.observe(obs('b', now, { position: 10 }));
  engine.observe(obs('c', now, cDown ? { reachable: false } : { position: 10 }));
}

describe('RecoveryEngine', () => {
  describe('tick', () => {
    it('records one completed episode whose duration stops at convergence, not after hold-down', () => {
      const c = clock();
      const engine = new RecoveryEngine({ groups: [testGroup()], now: c.now });
      const completed: number[] = [];
      engine.onEpisodeCompleted((e) => completed.push(e.durationSeconds!));
      for (let s = 0; s < 40; s++) {
        feed(engine, c.now(), s >= 2 && s < 9); // down for 7 s
        engine.tick();
        c.advance(1000);
      }
      assert.deepEqual(completed, [7]);
      const [episode] = engine.episodes();
      assert.equal(episode!.durationSeconds, 7);
      assert.equal(episode!.endMillis! - episode!.startMillis, 17_000, 'ended after the 10 s hold-down');
      assert.deepEqual(episode!.membersAffected, ['c']);
      assert.deepEqual(episode!.phases.map((p) => p.phase).slice(-2), ['stabilizing', 'healthy']);
      assert.equal(episode!.phases[0]!.phase, 'degraded');
      assert.equal(episode!.phases.at(-1)!.phase, 'healthy');
    });
  });

  describe('restart', () => {
    it('continues an open episode with its original start after the process is replaced', () => {
      const path = join(dir, 'restart.db');
      const c = clock();
      const first = new RecoveryEngine({ groups: [testGroup()], now: c.now, store: new SqliteEpisodeStore(path) });
      for (let s = 0; s < 5; s++) {
        feed(first, c.now(), s >= 2);
        first.tick();
        c.advance(1000);
      }
      const open = first.snapshot()[0]!;
      assert.ok(open.episodeId);
      // No flush: the episode was saved when it opened, as after kill -9.
      c.advance(30_000);
      const second = new RecoveryEngine({ groups: [testGroup()], now: c.now, store: new SqliteEpisodeStore(path) });
      feed(second, c.now(), true);
      const [state] = second.tick();
      assert.equal(state!.episodeId, open.episodeId);
      assert.equal(state!.elapsedSeconds, 33);
      for (let s = 0; s < 20; s++) {
        c.advance(1000);
        feed(second, c.now(), false);
        second.tick();
      }
      const episodes = second.episodes({ group: 'db' });
      assert.equal(episodes.length, 1);
      assert.equal(episodes[0]!.id, open.episodeId);
      assert.notEqual(episodes[0]!.endMillis, null);
      assert.equal(episodes[0]!.durationSeconds, 34);
    });
  });

  describe('episodes', () => {
    it('lists newest first and honours group and limit', () => {
      const c = clock();
      const engine = new RecoveryEngine({ groups: [testGroup(), testGroup({ name: 'cache' })], now: c.now });
      for (let round = 0; round < 3; round++) {
        for (let s = 0; s < 25; s++) {
          feed(engine, c.now(), s < 3 && round < 3);
          engine.tick();
          c.advance(1000);
        }
      }
      const all = engine.episodes();
      assert.equal(all.length, 3);
      assert.ok(all[0]!.startMillis > all[1]!.startMillis);
      assert.equal(engine.episodes({ limit: 1 }).length, 1);
      assert.equal(engine.episodes({ group: 'cache' }).length, 0);
    });
  });

  describe('retireMember', () => {
    it('forgets a learned member of the named group only, and never a declared one', () => {
      const c = clock();
      const engine = new RecoveryEngine({ groups: [testGroup(), testGroup({ name: 'cache' })], now: c.now });
      engine.declare('db', [{ member: 'b' }]);
      feed(engine, c.now(), false);
      engine.observe({ ...obs('c', c.now()), group: 'cache' });
      engine.tick();
      assert.equal(engine.retireMember('db', 'b'), false, 'declared');
      assert.equal(engine.retireMember('nowhere', 'c'), false, 'no such group');
      assert.equal(engine.retireMember('db', 'c'), true);
      const [db, cache] = engine.tick();
      assert.deepEqual(
        db!.members.map((m) => m.member),
        ['b', 'a'],
      );
      assert.deepEqual(
        cache!.members.map((m) => m.member),
        ['c'],
      );
    });
  });
});
