import { FINDING_CAUSES, FindingCause } from './contract';
import { describeFinding, formatBytes, memberReason, topFinding } from './findings';
import { GroupModel, MemberModel } from './group-model';

function group(findings: FindingCause[], members: Array<Partial<MemberModel> & { member: string }>, extra: Partial<GroupModel> = {}): GroupModel {
  return {
    group: 'orders-db',
    phase: 'partial',
    stale: false,
    hiddenInstability: false,
    findings,
    planned: false,
    members: members.map((m) => ({ status: 'converged', permissionDrift: false, ...m })),
    memberCounts: {},
    sharedDomains: [],
    lagHistory: [],
    phaseHistory: [],
    memberLagHistory: new Map(),
    ...extra,
  };
}

describe('describeFinding', () => {
  it('has words and an action for every cause of the vocabulary, without "undefined"', () => {
    const g = group([...FINDING_CAUSES], [{ member: 'a', status: 'lagging', lagSeconds: 3 }], { failoverLoadRatio: 2.4 });
    for (const cause of FINDING_CAUSES) {
      const f = describeFinding(g, cause);
      expect(f.summary).not.toMatch(/undefined|NaN/);
      expect(f.action.length).toBeGreaterThan(10);
    }
  });

  it('names the lagging members when only one lagging cause is present', () => {
    const f = describeFinding(
      group(['replication_link_down'], [{ member: 'pg-2', status: 'lagging', lagSeconds: 75 }, { member: 'pg-1' }]),
      'replication_link_down',
    );
    expect(f.members).toEqual(['pg-2']);
    expect(f.summary).toBe('pg-2: replication link down (pg-2 1m 15s behind)');
  });

  it('does not guess which lagging member has which cause when two are present', () => {
    const g = group(
      ['replication_link_down', 'full_resync'],
      [
        { member: 'r1', status: 'lagging' },
        { member: 'r2', status: 'lagging', lagBytes: 4_000_000 },
      ],
    );
    expect(describeFinding(g, 'full_resync').members).toEqual([]);
    expect(describeFinding(g, 'full_resync').summary).toBe(
      'a lagging member (r1, r2): in full resync (a full copy from the leader, a base backup or a restore from the archive)',
    );
    expect(memberReason(g, g.members[0])).toBe('one of: replication link down, full resync');
  });

  it('failover overload says the measured ratio', () => {
    expect(describeFinding(group(['failover_overload'], [], { failoverLoadRatio: 2.4 }), 'failover_overload').summary).toMatch(/^failover load 2\.4×/);
  });

  it('a lagging replica without an ETA outside recovering has stalled', () => {
    expect(describeFinding(group(['replica_lagging'], [{ member: 'pg-3', status: 'lagging', lagSeconds: 95 }]), 'replica_lagging').action).toMatch(
      /^catching up has stalled: check the disk, CPU and apply rate of pg-3 /,
    );
    expect(describeFinding(group(['replica_lagging'], [{ member: 'pg-3', status: 'lagging' }], { phase: 'recovering' }), 'replica_lagging').action).toMatch(
      /no ETA yet/,
    );
  });
});

describe('topFinding', () => {
  it('is the most urgent cause, skipping a shared failure domain when there is another', () => {
    const g = group(['member_unreachable', 'shared_failure_domain'], [{ member: 'x', status: 'unreachable' }]);
    expect(topFinding(g)?.cause).toBe('member_unreachable');
    expect(topFinding({ ...g, findings: ['shared_failure_domain'] })?.cause).toBe('shared_failure_domain');
  });

  it('is none for a healthy group, but shown for a stale one (its last phase is history)', () => {
    const g = group(['shared_failure_domain'], [], { phase: 'healthy' });
    expect(topFinding(g)).toBeUndefined();
    expect(topFinding({ ...g, stale: true })?.cause).toBe('shared_failure_domain');
    expect(topFinding({ ...g, stale: true })?.summary).toMatch(/^last known: /);
    expect(topFinding(group([], []))).toBeUndefined();
  });
});

describe('memberReason', () => {
  it('a converged member is in sync unless its permissions drift', () => {
    const g = group(['permission_drift'], [{ member: 'a' }, { member: 'b', permissionDrift: true }]);
    expect(memberReason(g, g.members[0])).toBe('in sync with the leader');
    expect(memberReason(g, g.members[1])).toBe('permissions differ from the leader');
  });

  it('without a finding series, says the status in words', () => {
    const g = group([], [{ member: 'a', status: 'unknown' }]);
    expect(memberReason(g, g.members[0])).toBe('no fresh observation');
  });
});

it('formatBytes uses decimal units', () => {
  expect(formatBytes(999)).toBe('999 B');
  expect(formatBytes(41_000_000)).toBe('41.0 MB');
  expect(formatBytes(2_500_000_000)).toBe('2.5 GB');
});
