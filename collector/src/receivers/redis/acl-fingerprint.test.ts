import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aclPermissionEntries, aclPermissionFingerprint, defaultUserRequiresPassword } from './acl-fingerprint';
import { fixture } from './testdata/fixtures';

const captured = fixture('acl-list.txt').trim().split('\n');

describe('aclPermissionFingerprint', () => {
  it('is stable: same rules in another order or with stray whitespace hash the same', () => {
    const a = aclPermissionFingerprint(captured, false);
    assert.match(a, /^sha256:[0-9a-f]{64}$/);
    assert.equal(
      aclPermissionFingerprint(
        [...captured]
          .reverse()
          .map((l) => `  ${l} `)
          .concat(['']),
        false,
      ),
      a,
    );
    assert.equal(aclPermissionFingerprint(captured, false), a);
  });

  it('changes with a granted command, a new user, a changed password, TLS', () => {
    const base = aclPermissionFingerprint(captured, false);
    const granted = captured.map((l) => (l.startsWith('user rebound') ? l + ' +get' : l));
    const newUser = [...captured, 'user intruder on nopass ~* &* +@all'];
    const newPassword = captured.map((l) => l.replace(/#[0-9a-f]{64}/, '#' + 'a'.repeat(64)));
    for (const changed of [
      aclPermissionFingerprint(granted, false),
      aclPermissionFingerprint(newUser, false),
      aclPermissionFingerprint(newPassword, false),
      aclPermissionFingerprint(captured, true),
    ]) {
      assert.notEqual(changed, base);
    }
  });

  it('knows whether the default user lets anyone in', () => {
    assert.equal(defaultUserRequiresPassword(captured), false);
    assert.equal(defaultUserRequiresPassword(['user default on #abc ~* &* +@all']), true);
    assert.equal(defaultUserRequiresPassword(['user default off nopass ~* &* +@all']), true);
  });
});

describe('canonicalAclLine', () => {
  it('sorts runs of single commands (Redis lists them in per-node dict order), keeps category order', () => {
    const a = 'user app on #05 ~app:* resetchannels -@all +set +get';
    const b = 'user app on #05 ~app:* resetchannels -@all +get +set';
    assert.equal(aclPermissionFingerprint([a], false), aclPermissionFingerprint([b], false));
    assert.notEqual(
      aclPermissionFingerprint(['user x on nopass +@all -@dangerous'], false),
      aclPermissionFingerprint(['user x on nopass -@dangerous +@all'], false),
    );
  });
});

describe('aclPermissionEntries', () => {
  it('gives one entry per user of the captured ACL LIST with no password hash in it', () => {
    const entries = aclPermissionEntries(captured);
    assert.deepEqual(entries.map((e) => e.subject).sort(), captured.map((l) => `user ${l.split(' ')[1]}`).sort());
    const rebound = entries.find((e) => e.subject === 'user rebound')!;
    assert.match(rebound.rules, /^on resetchannels -@all .* password:[0-9a-f]{12}$/);
    for (const e of entries) assert.doesNotMatch(e.rules, /#[0-9a-f]{64}/, `${e.subject}: no hash`);
    assert.ok(!entries.some((e) => e.rules.includes('30a2958feb5c')), 'not even a prefix of the hash');
  });

  it('tells a changed password and a missing command apart from the same rules', () => {
    const [same] = aclPermissionEntries(['user app on #aa ~* +get +set']);
    const [reordered] = aclPermissionEntries(['user app on #aa ~* +set +get']);
    const [otherPassword] = aclPermissionEntries(['user app on #bb ~* +get +set']);
    assert.equal(same!.rules, reordered!.rules);
    assert.notEqual(same!.rules, otherPassword!.rules);
  });
});
