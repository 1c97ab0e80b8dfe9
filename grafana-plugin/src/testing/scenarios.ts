// Recovery situations as Prometheus would answer `query_range {__name__=~"recovery_.*"}` over the
// last hour. The same scenarios drive the unit tests, the preview page, the screenshots and the bench.
import { Labels } from '@grafana/data';

import { FindingCause, MEMBER_STATUSES, MemberStatus, METRICS, PHASES, PermissionChange, Phase, Role } from '../model/contract';
import { PromMatrixResult, PromQueryResult } from './prometheus-frames';
import { inPrometheusOrder } from './prometheus-order';

export interface MemberSpec {
  member: string;
  status: MemberStatus;
  lagSeconds?: number;
  /** Bytes behind, when the source reports bytes (Redis, PostgreSQL). */
  lagBytes?: number;
  drift?: boolean;
  /** Default: the first member leads, the others replicate (every member of a group of paths is a `path`). */
  role?: Role;
  /** Failure-domain values as [dimension, value] (`recovery_member_failure_domain`). */
  domains?: Array<[string, string]>;
  /** What differs in its permissions while it drifts, as [change, entry] (`recovery_member_permission_difference`). */
  differences?: Array<[PermissionChange, string]>;
}

export interface GroupSpec {
  group: string;
  rtoSeconds: number;
  /** Phase changes as [seconds before now, phase]; the first entry should be the oldest. */
  phases: Array<[number, Phase]>;
  /** Seconds before now the open episode started; absent: no open episode. */
  episodeStartedAgo?: number;
  progress: number;
  etaSeconds?: number;
  members: MemberSpec[];
  shared?: Array<[string, string]>;
  hidden?: boolean;
  /** Diagnosis causes the collector reports during the open episode (`recovery_group_finding`). */
  findings?: FindingCause[];
  /** The open episode started inside a maintenance window. */
  planned?: boolean;
  /** The collector stopped being scraped this many seconds ago (stale data). */
  lastScrapeAgo?: number;
  /** Redundant network paths: no member leads. */
  paths?: boolean;
}

export const SCENARIO_QUERY = '{__name__=~"recovery_(group|member)_.*"}';
// Looked up once, not per sample: in jest's jsdom environment a global lookup (Math, String, …)
// costs ~25 times what it does in Node or a browser, and a 2,000-group fleet is ~21 million samples.
const { max, min, round, sin } = Math;
const numberText = String;
const RANGE_SECONDS = 3600;

function zoneAndHost(zone: string, host: string): Array<[string, string]> {
  return [
    ['cloud.availability_zone', zone],
    ['host.name', host],
  ];
}

function converged(...names: string[]): MemberSpec[] {
  return names.map((member) => ({ member, status: 'converged' }));
}

function healthy(group: string, rtoSeconds: number, members: string[]): GroupSpec {
  return { group, rtoSeconds, phases: [[RANGE_SECONDS, 'healthy']], progress: 1, members: converged(...members) };
}

const fleet = (): GroupSpec[] => [
  healthy('orders-db', 900, ['pg-1', 'pg-2', 'pg-3']),
  healthy('cache', 300, ['cache-a', 'cache-b', 'cache-c']),
  healthy('payments', 600, ['pay-1', 'pay-2']),
  healthy('search', 1800, ['es-1', 'es-2', 'es-3', 'es-4', 'es-5']),
  { ...healthy('edge-paths', 120, ['path-fra', 'path-ams']), paths: true },
];

const recoveringOrders: GroupSpec = {
  group: 'orders-db',
  rtoSeconds: 900,
  phases: [
    [RANGE_SECONDS, 'healthy'],
    [432, 'degraded'],
    [300, 'recovering'],
  ],
  episodeStartedAgo: 432,
  progress: 0.62,
  etaSeconds: 160,
  members: [
    { member: 'pg-1', status: 'converged', domains: zoneAndHost('eu-1a', 'db-1') },
    { member: 'pg-2', status: 'lagging', lagSeconds: 38, lagBytes: 41_000_000, domains: zoneAndHost('eu-1b', 'db-2') },
    { member: 'pg-3', status: 'lagging', lagSeconds: 21, lagBytes: 22_500_000, domains: zoneAndHost('eu-1c', 'db-3') },
  ],
  hidden: true,
  findings: ['replica_lagging'],
};

const stalledPartialOrders: GroupSpec = {
  group: 'orders-db',
  rtoSeconds: 900,
  phases: [
    [RANGE_SECONDS, 'healthy'],
    [780, 'degraded'],
    [600, 'recovering'],
    [420, 'partial'],
  ],
  episodeStartedAgo: 780,
  progress: 0.55,
  members: [
    { member: 'pg-1', status: 'converged', domains: zoneAndHost('eu-1a', 'db-1') },
    {
      member: 'pg-2',
      status: 'converged',
      drift: true,
      domains: zoneAndHost('eu-1b', 'db-2'),
      // The leader has a login role pg-2 lacks, and pg-2's HBA rule for the app asks for another method.
      differences: [
        ['missing', 'role auditor'],
        ['changed', 'hba rule #2 hostssl all app 10.0.0.0/8'],
      ],
    },
    { member: 'pg-3', status: 'lagging', lagSeconds: 95, domains: zoneAndHost('eu-1c', 'db-3') },
    { member: 'pg-4', status: 'diverged', domains: zoneAndHost('eu-1a', 'db-4') },
    { member: 'pg-5', status: 'lagging', lagSeconds: 140, domains: zoneAndHost('eu-1b', 'db-5') },
  ],
  hidden: true,
  findings: ['diverged', 'replica_lagging', 'permission_drift'],
};

const sharedZoneCache: GroupSpec = {
  ...healthy('cache', 300, ['cache-a', 'cache-b', 'cache-c']),
  members: ['cache-a', 'cache-b', 'cache-c'].map((member, i) => ({ member, status: 'converged', domains: zoneAndHost('eu-1a', `node-${i + 1}`) })),
  shared: [['cloud.availability_zone', 'eu-1a']],
  findings: ['shared_failure_domain'],
};

/** A failover the team started inside a maintenance window: planned, still shown with its phases. */
const plannedFailover: GroupSpec = {
  group: 'billing-db',
  rtoSeconds: 600,
  phases: [
    [RANGE_SECONDS, 'healthy'],
    [240, 'degraded'],
    [150, 'recovering'],
  ],
  episodeStartedAgo: 240,
  progress: 0.4,
  etaSeconds: 90,
  members: [
    { member: 'bill-1', status: 'converged' },
    { member: 'bill-2', status: 'lagging', lagSeconds: 12, lagBytes: 8_000_000 },
  ],
  planned: true,
  findings: ['replica_lagging'],
};

export const SCENARIOS: Record<string, () => GroupSpec[]> = {
  healthy: fleet,
  'mid-recovery': () => [
    recoveringOrders,
    {
      ...healthy('cache', 300, ['cache-a', 'cache-b', 'cache-c']),
      phases: [
        [RANGE_SECONDS, 'healthy'],
        [200, 'recovering'],
        [40, 'stabilizing'],
      ],
      episodeStartedAgo: 200,
    },
    ...fleet().slice(2),
  ],
  'stalled-partial': () => [stalledPartialOrders, sharedZoneCache, ...fleet().slice(2)],
  stale: () => fleet().map((g, i) => (i < 3 ? { ...g, lastScrapeAgo: 900 } : g)),
  incident: () => [
    healthy('search', 1800, ['es-1', 'es-2', 'es-3']),
    stalledPartialOrders,
    { ...recoveringOrders, group: 'sessions' },
    {
      group: 'payments',
      rtoSeconds: 600,
      phases: [
        [RANGE_SECONDS, 'healthy'],
        [120, 'unknown'],
      ],
      episodeStartedAgo: 120,
      progress: 0,
      members: [
        { member: 'pay-1', status: 'unknown' },
        { member: 'pay-2', status: 'unknown' },
      ],
      findings: ['no_fresh_data'],
    },
    {
      group: 'ledger',
      rtoSeconds: 600,
      phases: [
        [RANGE_SECONDS, 'healthy'],
        [1500, 'degraded'],
      ],
      episodeStartedAgo: 1500,
      progress: 0,
      members: [
        { member: 'ledger-1', status: 'converged' },
        { member: 'ledger-2', status: 'unreachable' },
      ],
      findings: ['member_unreachable'],
    },
    sharedZoneCache,
    healthy('<img src=x onerror="window.__xss=1">', 300, ['<b>m1</b>', 'm2']),
  ],
  planned: () => [plannedFailover, recoveringOrders, ...fleet().slice(1)],
};

/** `fleet-500`: a large fleet, a few groups in trouble, for the 500-group screenshot and the bench. */
export function largeFleet(count: number): GroupSpec[] {
  const groups: GroupSpec[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    if (i % 50 === 7) {
      groups.push({ ...stalledPartialOrders, group: name });
    } else if (i % 25 === 3) {
      groups.push({ ...recoveringOrders, group: name });
    } else {
      groups.push(healthy(name, 600, ['a', 'b', 'c']));
    }
  }
  return groups;
}

export function scenarioGroups(name: string): GroupSpec[] {
  const fleetMatch = /^fleet-(\d+)$/.exec(name);
  if (fleetMatch) {
    return largeFleet(Number(fleetMatch[1]));
  }
  const make = SCENARIOS[name];
  if (!make) {
    throw new Error(`unknown scenario "${name}": use one of ${[...Object.keys(SCENARIOS), 'fleet-N'].join(', ')}`);
  }
  return make();
}

/**
 * A scenario as one Prometheus range query answer ending at `nowMs`, its series in the order
 * Prometheus lists them (sorted by labels: by metric, then by group for most metrics), not group by group.
 */
export function scenarioQuery(groups: GroupSpec[], nowMs: number, stepSeconds = 15): PromQueryResult {
  const end = Math.floor(nowMs / 1000 / stepSeconds) * stepSeconds;
  const start = end - RANGE_SECONDS;
  const bySpec: PromMatrixResult[] = [];
  const sample = sharedSamples();
  for (const g of groups) {
    for (const s of groupSeries(g, start, end, stepSeconds, nowMs / 1000, sample)) {
      bySpec.push(s);
    }
  }
  const result = inPrometheusOrder(bySpec);
  return {
    refId: 'A',
    expr: SCENARIO_QUERY,
    format: 'time_series',
    stepMs: stepSeconds * 1000,
    response: { status: 'success', data: { resultType: 'matrix', result } },
  };
}

/** `nowSeconds`: the panel's now; the spec's ETA is the time left then, so the expected completion is now + ETA. */
function groupSeries(g: GroupSpec, start: number, end: number, step: number, nowSeconds: number, sample: ReturnType<typeof sharedSamples>): PromMatrixResult[] {
  const last = end - (g.lastScrapeAgo ?? 0);
  const times: number[] = [];
  for (let t = start; t <= last; t += step) {
    times.push(t);
  }
  const episodeStart = g.episodeStartedAgo === undefined ? undefined : end - g.episodeStartedAgo;
  const inEpisode = (t: number) => episodeStart !== undefined && t >= episodeStart;
  const phaseAt = (t: number) => {
    let phase: Phase = g.phases[0][1];
    for (const [ago, p] of g.phases) {
      if (t >= end - ago) {
        phase = p;
      }
    }
    return phase;
  };
  const out: PromMatrixResult[] = [];
  const series = (metric: string, labels: Labels, value: (t: number) => number | undefined) => {
    const values: Array<[number, string]> = [];
    for (const t of times) {
      const v = value(t);
      if (v !== undefined) {
        values.push(sample(t, numberText(v))); // NaN → 'NaN', as Prometheus writes it
      }
    }
    if (values.length) {
      out.push({ metric: { __name__: metric, group: g.group, instance: '127.0.0.1:9464', job: 'rebound', ...labels }, values });
    }
  };
  for (const phase of PHASES) {
    series(METRICS.phase, { phase }, (t) => (phaseAt(t) === phase ? 1 : 0));
  }
  const episodeShare = (t: number) => (episodeStart === undefined ? 1 : min(1, (t - episodeStart) / max(1, end - episodeStart)));
  series(METRICS.progress, {}, (t) => (inEpisode(t) ? g.progress * episodeShare(t) : 1));
  series(METRICS.eta, {}, (t) => (inEpisode(t) && g.etaSeconds !== undefined ? g.etaSeconds + (end - t) * 0.5 : undefined));
  series(METRICS.etaTimestamp, {}, (t) => (inEpisode(t) && g.etaSeconds !== undefined ? nowSeconds + g.etaSeconds : undefined));
  series(METRICS.elapsed, {}, (t) => (inEpisode(t) ? t - episodeStart! : 0));
  series(METRICS.rto, {}, () => g.rtoSeconds);
  const statusAt = (m: MemberSpec, t: number): MemberStatus => (inEpisode(t) ? m.status : 'converged');
  for (const status of MEMBER_STATUSES) {
    series(METRICS.members, { status }, (t) => g.members.filter((m) => statusAt(m, t) === status).length);
  }
  g.members.forEach((m, i) => {
    const labels = { member: m.member };
    series(METRICS.memberRole, { ...labels, role: m.role ?? (g.paths ? 'path' : i === 0 ? 'leader' : 'replica') }, () => 1);
    for (const [dimension, value] of m.domains ?? []) {
      series(METRICS.failureDomain, { ...labels, dimension, value }, () => 1);
    }
    for (const [change, entry] of m.differences ?? []) {
      series(METRICS.permissionDifference, { ...labels, change, entry }, (t) => (m.drift && inEpisode(t) ? 1 : undefined));
    }
    for (const status of MEMBER_STATUSES) {
      series(METRICS.memberStatus, { ...labels, status }, (t) => (statusAt(m, t) === status ? 1 : 0));
    }
    series(METRICS.memberLag, labels, (t) => (inEpisode(t) && m.lagSeconds !== undefined ? lagAt(m, g, t, end) : 0));
    if (m.lagBytes !== undefined) {
      series(METRICS.memberLagBytes, labels, (t) => (inEpisode(t) ? round((m.lagBytes! * lagAt(m, g, t, end)) / m.lagSeconds!) : 0));
    }
    series(METRICS.permissionDrift, labels, (t) => (m.drift && inEpisode(t) ? 1 : 0));
    series(METRICS.observationAge, labels, () => (m.status === 'unknown' ? 45 : 1));
  });
  for (const [dimension, value] of g.shared ?? []) {
    series(METRICS.sharedDependency, { dimension, value }, () => 1);
  }
  const notConverged = (t: number) => g.members.filter((m) => statusAt(m, t) !== 'converged').length;
  series(METRICS.divergence, {}, (t) => notConverged(t) / g.members.length);
  series(METRICS.hiddenInstability, {}, (t) => (g.hidden && inEpisode(t) ? 1 : 0));
  series(METRICS.episodePlanned, {}, (t) => (g.planned && inEpisode(t) ? 1 : 0));
  for (const cause of g.findings ?? []) {
    // Shared failure domains are findings while healthy too; the others belong to the episode.
    series(METRICS.finding, { cause }, (t) => (cause === 'shared_failure_domain' || inEpisode(t) ? 1 : undefined));
  }
  const independence = independenceOf(g);
  series(METRICS.independence, {}, () => independence.ratio);
  series(METRICS.effectivePaths, {}, () => independence.effectivePaths);
  return out;
}

/** As the collector derives them from the members' failure-domain values (DESIGN.md §2.4), when the spec gives them. */
function independenceOf(g: GroupSpec): { ratio: number; effectivePaths: number } {
  const values = new Map<string, Set<string>>();
  for (const m of g.members) {
    for (const [dimension, value] of m.domains ?? []) {
      values.set(dimension, (values.get(dimension) ?? new Set()).add(value));
    }
  }
  if (values.size === 0) {
    return { ratio: g.shared?.length ? 0.5 : 1, effectivePaths: g.shared?.length ? 1 : g.members.length };
  }
  const distinct = [...values.values()].map((v) => v.size);
  return { ratio: distinct.filter((n) => n >= 2).length / distinct.length, effectivePaths: Math.min(...distinct) };
}

/**
 * `[time, value]` pairs made once per distinct time and value, shared by every series of one answer
 * that has them (read only, as the answer's parsed JSON would be). A fleet of 2,000 groups is ~21
 * million samples, nearly all 0, 1 or a constant: a new pair for each made the garbage collector
 * most of the unit run's slowest test (the fleet-of-2,000 panel test: ~10 s of CPU for its fixture).
 */
function sharedSamples(): (t: number, value: string) => [number, string] {
  const byValue = new Map<string, Map<number, [number, string]>>();
  return (t, value) => {
    let byTime = byValue.get(value);
    if (!byTime) {
      byTime = new Map();
      byValue.set(value, byTime);
    }
    let pair = byTime.get(t);
    if (!pair) {
      pair = [t, value];
      byTime.set(t, pair);
    }
    return pair;
  };
}

/** Lag that falls towards its current value while recovering, and sits flat once stalled. */
function lagAt(m: MemberSpec, g: GroupSpec, t: number, end: number): number {
  const ago = end - t;
  const stalled = g.etaSeconds === undefined;
  const wobble = 1 + 0.08 * sin(t / 37);
  return round((stalled ? m.lagSeconds! * wobble : m.lagSeconds! * (1 + ago / 120)) * 10) / 10;
}
