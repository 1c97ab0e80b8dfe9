import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '../model/types';
import { keepObservation, newMemberRecord } from './member-record';

/** Every field set: adding a field to Observation fails this file's type check until it is listed here. */
const EVERY_FIELD: Required<Observation> = {
  group: 'db',
  member: 'b',
  source: 'redis/db',
  observedAtMillis: 1_700_000_000_000.5,
  role: 'replica',
  reachable: true,
  serving: false,
  replicationStoppedReason: 'IO thread stopped',
  unknownReason: 'cannot read replication status',
  fullResync: { transferredBytes: 10, totalBytes: 100, loading: false, method: 'base-backup', stage: 'streaming database files' },
  position: 12_345,
  lagSeconds: 1.5,
  lagBytes: 300,
  stateFingerprint: 'state-1',
  permissionFingerprint: 'acl-1',
  permissionEntries: [{ subject: 'user app', rules: '+@all' }],
  permissionObservedAtMillis: 1_699_999_999_000,
  load: 0.7,
  dependencies: { zone: 'eu-1a' },
  followsLeader: 'a',
  divergedReason: 'diverged history',
  replicationLink: { up: false, downForSeconds: 4 },
  replicationObservedAtMillis: 1_699_999_999_500,
};

/** The fields an observation has, absent ones left out (a kept copy holds them as undefined). */
function present(observation: Observation): Partial<Observation> {
  return Object.fromEntries(Object.entries(observation).filter(([, value]) => value !== undefined));
}

describe('keepObservation', () => {
  it('keeps every field of the newest observation, and none of an older one', () => {
    const record = newMemberRecord('b');
    keepObservation(record, EVERY_FIELD);
    assert.deepEqual(present(record.latest!), EVERY_FIELD);
    const sparse: Observation = { group: 'db', member: 'b', source: 'redis/db', observedAtMillis: 1_700_000_001_000, reachable: false };
    keepObservation(record, sparse);
    assert.deepEqual(present(record.latest!), sparse);
    keepObservation(record, EVERY_FIELD);
    assert.deepEqual(present(record.latest!), EVERY_FIELD);
  });

  it('is the record’s own object, overwritten in place: the source’s may be dropped or reused', () => {
    const record = newMemberRecord('b');
    const first = { ...EVERY_FIELD };
    keepObservation(record, first);
    const kept = record.latest;
    assert.notEqual(kept, first);
    first.position = 1;
    assert.equal(record.latest!.position, EVERY_FIELD.position);
    keepObservation(record, { ...EVERY_FIELD, position: 20_000 });
    assert.equal(record.latest, kept);
    assert.equal(record.latest!.position, 20_000);
  });

  it('keeps the kept dependencies while the observed ones are equal', () => {
    const record = newMemberRecord('b');
    keepObservation(record, EVERY_FIELD);
    const dependencies = record.latest!.dependencies;
    keepObservation(record, { ...EVERY_FIELD, dependencies: { zone: 'eu-1a' } });
    assert.equal(record.latest!.dependencies, dependencies);
    keepObservation(record, { ...EVERY_FIELD, dependencies: { zone: 'eu-1b' } });
    assert.deepEqual(record.latest!.dependencies, { zone: 'eu-1b' });
  });
});
