import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { permissionDifferences } from './permission-diff';

describe('permissionDifferences', () => {
  const leader = {
    member: 'cache-a',
    entries: [
      { subject: 'user default', rules: 'on nopass ~* &* +@all' },
      { subject: 'user app', rules: 'on password:1a2b3c4d5e6f ~app:* -@all +get +set' },
      { subject: 'user auditor', rules: 'on password:9f8e7d6c5b4a ~* -@all +@read' },
    ],
  };

  it('names users missing, extra and different, and a changed password without its digest', () => {
    const replica = {
      member: 'cache-b',
      entries: [
        { subject: 'user default', rules: 'on nopass ~* &* +@all' },
        { subject: 'user app', rules: 'on password:0000aaaa1111 ~app:* -@all +get' },
        { subject: 'user cache-admin', rules: 'on nopass ~* +@all' },
      ],
    };
    const differences = permissionDifferences(leader, replica);
    assert.deepEqual(differences, [
      'user app on cache-b: password differs, lacks +set',
      'user auditor exists only on cache-a',
      'user cache-admin exists only on cache-b',
    ]);
    assert.doesNotMatch(differences.join(' '), /1a2b|0000aaaa|9f8e/, 'no password digest is ever shown');
  });

  it('shows the first three and counts the rest', () => {
    const replica = { member: 'cache-b', entries: [] };
    const many = { member: 'cache-a', entries: ['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => ({ subject: `user ${u}`, rules: 'on' })) };
    assert.deepEqual(permissionDifferences(many, replica), [
      'user u1 exists only on cache-a',
      'user u2 exists only on cache-a',
      'user u3 exists only on cache-a',
      'and 2 more',
    ]);
  });

  it('says when only the order differs (ACL categories and HBA rules are order-sensitive)', () => {
    const replica = { member: 'cache-b', entries: [{ subject: 'user x', rules: '+@all -@write' }] };
    assert.deepEqual(permissionDifferences({ member: 'cache-a', entries: [{ subject: 'user x', rules: '-@write +@all' }] }, replica), [
      'user x on cache-b: same rules in another order',
    ]);
  });
});
