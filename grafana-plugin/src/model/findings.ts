// What is wrong with a group and what to do, in the words the collector's terminal line uses,
// rebuilt from Prometheus series alone: `recovery_group_finding{cause}` says which causes are
// present; the member series say which members, how far behind, since when. The collector's
// own texts (the exact error, which ACL entries differ) stay in its /api/v1/groups.
import { FindingCause, MemberStatus, SOURCE_UP_METRIC } from './contract';
import { formatDuration, sharedDomainText } from './describe';
import { GroupModel, MemberModel } from './group-model';

export interface FindingView {
  cause: FindingCause;
  /** What is wrong, naming members: "ledger-2 unreachable". */
  summary: string;
  /** What to do next. */
  action: string;
  members: string[];
}

/** Causes a member of this status can be behind; which one applies is only known when one is present. */
const CAUSES_BY_STATUS: Record<Exclude<MemberStatus, 'converged'>, FindingCause[]> = {
  unreachable: ['member_unreachable'],
  unknown: ['no_fresh_data', 'not_observable'],
  diverged: ['split_brain', 'diverged'],
  lagging: ['replication_link_down', 'replication_stopped', 'full_resync', 'replica_lagging'],
};

const CAUSE_WORDS: Record<FindingCause, string> = {
  no_leader: 'no leader serving',
  split_brain: 'split brain',
  member_unreachable: 'unreachable',
  no_fresh_data: 'no fresh data',
  not_observable: 'state not readable by the monitoring account',
  replication_link_down: 'replication link down',
  replication_stopped: 'replication stopped',
  diverged: 'diverged from the leader',
  failover_overload: 'new leader overloaded',
  full_resync: 'full resync',
  replica_lagging: 'catching up',
  permission_drift: 'permissions differ from the leader',
  shared_failure_domain: 'shared failure domain',
};

/** The cause in a few words, for a badge or a member's reason. */
export function causeWords(cause: FindingCause): string {
  return CAUSE_WORDS[cause];
}

/** Members a cause is about: those whose status that cause explains, when no other cause could explain it. */
function membersOf(group: GroupModel, cause: FindingCause): MemberModel[] {
  if (cause === 'permission_drift') {
    return group.members.filter((m) => m.permissionDrift);
  }
  for (const [status, causes] of Object.entries(CAUSES_BY_STATUS) as Array<[MemberStatus, FindingCause[]]>) {
    if (causes.includes(cause)) {
      const rivals = causes.filter((c) => c !== cause && group.findings.includes(c));
      return rivals.length === 0 ? group.members.filter((m) => m.status === status) : [];
    }
  }
  return [];
}

const names = (members: MemberModel[]) => members.map((m) => m.member).join(', ');

/** "pg-3 95 s behind, pg-5 140 s behind" (bytes when known). */
function behind(members: MemberModel[]): string {
  return members
    .map((m) =>
      m.lagSeconds !== undefined
        ? `${m.member} ${formatDuration(m.lagSeconds)} behind`
        : m.lagBytes !== undefined
          ? `${m.member} ${formatBytes(m.lagBytes)} behind`
          : m.member,
    )
    .join(', ');
}

/** 41000000 → "41.0 MB" (decimal units, as the collector's reasons say them). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One finding in words. `who` is the members it names, or the status words when the series cannot tell which. */
export function describeFinding(group: GroupModel, cause: FindingCause): FindingView {
  const members = membersOf(group, cause);
  const who = members.length ? names(members) : undefined;
  const some = (status: MemberStatus) => `a ${status} member (${names(group.members.filter((m) => m.status === status)) || 'not named'})`;
  const view = (summary: string, action: string): FindingView => ({ cause, summary, action, members: members.map((m) => m.member) });
  switch (cause) {
    case 'no_leader':
      return view('no leader serving: writes fail', 'restore the primary or promote a replica');
    case 'split_brain':
      return view(
        `split brain: ${who ?? some('diverged')} also claims to lead`,
        `fence all but one leader (stop writes to ${who ?? 'the others'}), then rebuild the fenced ones from the leader`,
      );
    case 'member_unreachable':
      return view(`${who ?? some('unreachable')} unreachable`, `start ${who ?? 'it'} or fix the network path to it; its log says why it stopped`);
    case 'no_fresh_data': {
      const ages = members.map((m) =>
        m.observationAgeSeconds !== undefined && Number.isFinite(m.observationAgeSeconds)
          ? `${m.member} for ${formatDuration(m.observationAgeSeconds)}`
          : `${m.member} (never observed)`,
      );
      return view(
        `no data from ${ages.length ? ages.join(', ') : some('unknown')}`,
        `check the source: the collector log names its error and ${SOURCE_UP_METRIC} shows which one is down`,
      );
    }
    case 'not_observable':
      return view(
        `${who ?? some('unknown')}: reachable, but the monitoring account may not read its state`,
        'grant the monitoring account what the collector log names (docs/monitoring-roles.md)',
      );
    case 'replication_link_down':
      return view(
        `${who ?? some('lagging')}: replication link down${members.length ? ` (${behind(members)})` : ''}`,
        `check the network between ${who ?? 'the replica'} and the leader and the replica's log; it catches up by itself once the link is back`,
      );
    case 'replication_stopped':
      return view(
        `${who ?? some('lagging')}: replication stopped (IO or SQL thread not running)`,
        'fix what SHOW SLAVE STATUS names in Last_Error, then START SLAVE (START REPLICA on MySQL); the collector log has the error',
      );
    case 'diverged':
      return view(`${who ?? some('diverged')} diverged from the leader`, `rebuild ${who ?? 'it'} from the leader (resync); it cannot catch up by itself`);
    case 'failover_overload': {
      const ratio = group.failoverLoadRatio;
      return view(
        `failover load ${ratio !== undefined ? `${ratio.toFixed(1)}×` : 'high'}: the new leader carries more than the old one did`,
        'add capacity or shed load on the new leader; move traffic back once the old leader has recovered',
      );
    }
    case 'full_resync':
      return view(
        // Redis full sync, PostgreSQL base backup or WAL-archive restore: the metrics do not say which, the member's reason does.
        `${who ?? some('lagging')}: in full resync (a full copy from the leader, a base backup or a restore from the archive)`,
        etaKnown(group)
          ? `none yet: the copy is loading, ETA ${formatDuration(group.etaSeconds!)}`
          : "none yet: the copy is loading; if it restarts over and over — Redis: raise the leader's client-output-buffer-limit replica and repl-backlog-size; PostgreSQL: check restore_command or pg_basebackup's output",
      );
    case 'replica_lagging':
      return view(`${members.length ? behind(members) : some('lagging')}`, laggingAction(group, who));
    case 'permission_drift':
      return view(
        `${who ?? 'a member'}: permissions differ from the leader's`,
        `apply the leader's permissions on ${who ?? 'it'} (Redis: ACL SETUSER or ACL LOAD; PostgreSQL: pg_hba.conf, then SELECT pg_reload_conf(); MySQL: the GRANTs); ${
          members.some((m) => m.permissionDifferences?.length) ? 'the members list names what differs' : "the collector's /api/v1/groups names what differs"
        }`,
      );
    case 'shared_failure_domain':
      return view(
        group.sharedDomains.length ? group.sharedDomains.map(sharedDomainText).join('; ') : 'every member shares one failure domain',
        'move a member to another value of that dimension (zone, host, rack…): one failure there takes them all',
      );
  }
}

const etaKnown = (group: GroupModel) => !group.stale && group.etaSeconds !== undefined && Number.isFinite(group.etaSeconds);

function laggingAction(group: GroupModel, who: string | undefined): string {
  if (etaKnown(group)) {
    return `none yet: catching up, ETA ${formatDuration(group.etaSeconds!)}`;
  }
  if (group.phase === 'recovering') {
    return 'none yet: catching up, no ETA yet (too little movement to measure a rate)';
  }
  return `catching up has stalled: check the disk, CPU and apply rate of ${who ?? 'the lagging replicas'} against the leader's write rate`;
}

/** Every finding, most urgent first. */
export function describeFindings(group: GroupModel): FindingView[] {
  return group.findings.map((cause) => describeFinding(group, cause));
}

/**
 * The finding shown under the group: the most urgent one, while the group is not healthy (a
 * healthy group's shared failure domain already has its chip). Undefined when there is none.
 */
export function topFinding(group: GroupModel): FindingView | undefined {
  if (group.phase === 'healthy' && !group.stale) {
    return undefined;
  }
  const cause = group.findings.find((c) => c !== 'shared_failure_domain') ?? group.findings[0];
  if (cause === undefined) {
    return undefined;
  }
  const finding = describeFinding(group, cause);
  // A stale group's findings are from its last sample: history, not the present.
  return group.stale ? { ...finding, summary: `last known: ${finding.summary}` } : finding;
}

/**
 * Why a member is not converged, as far as the series tell: the cause when exactly one cause
 * present can explain its status, else the candidates ("one of: …"), else the status alone.
 */
export function memberReason(group: GroupModel, member: MemberModel): string {
  const parts: string[] = [];
  if (member.status !== 'converged') {
    const candidates = CAUSES_BY_STATUS[member.status].filter((c) => group.findings.includes(c));
    if (candidates.length === 1) {
      parts.push(CAUSE_WORDS[candidates[0]]);
    } else if (candidates.length > 1) {
      parts.push(`one of: ${candidates.map((c) => CAUSE_WORDS[c]).join(', ')}`);
    } else {
      parts.push(STATUS_WORDS[member.status]);
    }
  }
  if (member.permissionDrift) {
    parts.push(CAUSE_WORDS.permission_drift);
  }
  return parts.join('; ') || 'in sync with the leader';
}

const STATUS_WORDS: Record<Exclude<MemberStatus, 'converged'>, string> = {
  unreachable: 'unreachable',
  unknown: 'no fresh observation',
  diverged: 'diverged',
  lagging: 'behind the leader',
};
