import { METRICS } from './contract';
import { MemberDetails, addMemberDetails, mayHaveMoreDifferences, permissionDifferenceText } from './member-details';
import { Series, seriesOf } from './series';

const NOW = 1_800_000_000_000;
const CUTOFF = NOW - 30_000;

/** One series whose newest sample is `value` at `atMs`. */
function series(metric: string, labels: Record<string, string>, value = 1, atMs = NOW): Series {
  return seriesOf(metric, { group: 'cache', ...labels }, [atMs - 15_000, atMs], [value, value], undefined, 'group');
}

function read(all: Series[], members = ['cache-a', 'cache-b'], shared = [{ dimension: 'cloud.region', value: 'eu-1' }]): MemberDetails[] {
  const models: MemberDetails[] = members.map((member) => ({ member }));
  const byMetric = (metric: string) => all.filter((s) => s.metric === metric);
  addMemberDetails(models, (key) => byMetric(METRICS[key]), 'member', CUTOFF, shared);
  return models;
}

describe('addMemberDetails', () => {
  it('reads role, failure-domain values (marking the shared ones) and permission differences per member', () => {
    const [a, b] = read([
      series(METRICS.memberRole, { member: 'cache-a', role: 'leader' }),
      series(METRICS.memberRole, { member: 'cache-b', role: 'replica' }),
      series(METRICS.failureDomain, { member: 'cache-b', dimension: 'host.name', value: 'node-2' }),
      series(METRICS.failureDomain, { member: 'cache-b', dimension: 'cloud.region', value: 'eu-1' }),
      series(METRICS.permissionDifference, { member: 'cache-b', change: 'extra', entry: 'user cache-admin' }),
      series(METRICS.permissionDifference, { member: 'cache-b', change: 'missing', entry: 'user auditor' }),
    ]);
    expect(a).toEqual({ member: 'cache-a', role: 'leader' });
    expect(b.role).toBe('replica');
    expect(b.failureDomains).toEqual([
      { dimension: 'cloud.region', value: 'eu-1', shared: true },
      { dimension: 'host.name', value: 'node-2', shared: false },
    ]);
    // Missing first: what the reference has and this member lacks is what breaks a client after a failover.
    expect(b.permissionDifferences).toEqual([
      { change: 'missing', entry: 'user auditor' },
      { change: 'extra', entry: 'user cache-admin' },
    ]);
    expect(b.permissionDifferences!.map(permissionDifferenceText)).toEqual(['missing on this member: user auditor', 'only on this member: user cache-admin']);
  });

  it('ignores what is not fresh: a role from before the failover, a difference fixed since', () => {
    const [a] = read([
      series(METRICS.memberRole, { member: 'cache-a', role: 'replica' }, 1, NOW - 600_000),
      series(METRICS.memberRole, { member: 'cache-a', role: 'leader' }),
      series(METRICS.permissionDifference, { member: 'cache-a', change: 'missing', entry: 'user auditor' }, 1, NOW - 600_000),
    ]);
    expect(a).toEqual({ member: 'cache-a', role: 'leader' });
  });

  it('believes the leader claim when two collectors disagree, and counts a value reported twice once', () => {
    const [a] = read([
      series(METRICS.memberRole, { member: 'cache-a', role: 'leader', instance: 'one' }),
      series(METRICS.memberRole, { member: 'cache-a', role: 'replica', instance: 'two' }),
      series(METRICS.failureDomain, { member: 'cache-a', dimension: 'host.name', value: 'node-1', instance: 'one' }),
      series(METRICS.failureDomain, { member: 'cache-a', dimension: 'host.name', value: 'node-1', instance: 'two' }),
    ]);
    expect(a.role).toBe('leader');
    expect(a.failureDomains).toHaveLength(1);
  });

  it('skips unknown roles and changes, and members the group does not have', () => {
    const models = read([
      series(METRICS.memberRole, { member: 'cache-a', role: 'primary' }),
      series(METRICS.permissionDifference, { member: 'cache-a', change: 'renamed', entry: 'user x' }),
      series(METRICS.memberRole, { member: 'ghost', role: 'leader' }),
    ]);
    expect(models).toEqual([{ member: 'cache-a' }, { member: 'cache-b' }]);
  });

  it('says when the collector may have sent only the first few', () => {
    const five = ['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => ({ change: 'missing' as const, entry: `user ${u}` }));
    expect(mayHaveMoreDifferences(five)).toBe(true);
    expect(mayHaveMoreDifferences(five.slice(0, 2))).toBe(false);
  });
});
