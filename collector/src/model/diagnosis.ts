import { FINDING_CAUSES, METRICS, type FindingCause } from '@rebound/contract';
import type { MemberState, SharedDependency } from './group-state';
import type { Observation, Phase } from './types';

/** The causes a finding may name: the contract's fixed vocabulary, most urgent first. */
export { FINDING_CAUSES, type FindingCause } from '@rebound/contract';

/** One thing wrong with a group, what to do about it, and since when (API `findings[]`, terminal line). */
export interface Finding {
  cause: FindingCause;
  /** What is wrong, in words, naming members: `cache-b unreachable (source reports it down or unreachable)`. */
  summary: string;
  /** What to do next. */
  action: string;
  members: string[];
  /** First tick of the run of ticks this cause has been present in (epoch ms). */
  sinceMillis: number;
}

export type FindingDraft = Omit<Finding, 'sinceMillis'>;

/** The failover load ratio from which the new leader counts as overloaded. */
export const FAILOVER_OVERLOAD_RATIO = 1.5;

/** What the diagnosis reads on one tick: the derived member states and the facts behind them. */
export interface DiagnosisInput {
  phase: Phase;
  members: readonly MemberState[];
  /** Each member's newest observation, in the order of `members` (undefined: never observed). */
  observations: readonly (Observation | undefined)[];
  leader: string | null;
  /** Some member has or had the leader role: a group of paths has none. */
  hasLeaderConcept: boolean;
  leaderServing: boolean;
  sharedDomains: readonly SharedDependency[];
  failoverLoadRatio: number | null;
  etaSeconds: number | null;
  /** What differs, per drifted member (empty list: the source cannot tell). */
  permissionDifferences: ReadonlyMap<string, readonly string[]>;
  /** The member whose permissions are the reference (the leader, or the majority's). */
  permissionReference: string | null;
  /** Whether a source answered its last round; undefined when unknown. */
  sourceUp: (source: string) => boolean | undefined;
}

/**
 * Findings for one group at one tick, most urgent first, from what the sources
 * already report (DESIGN.md §2.3 "Diagnosis"). Pure. Texts come from member
 * reasons and names only: receivers never put secrets in those.
 */
export function diagnose(input: DiagnosisInput): FindingDraft[] {
  const byCause = new Map<FindingCause, { members: string[]; details: string[] }>();
  const add = (cause: FindingCause, member: string | null, detail: string) => {
    let entry = byCause.get(cause);
    if (entry === undefined) byCause.set(cause, (entry = { members: [], details: [] }));
    if (member !== null && !entry.members.includes(member)) entry.members.push(member);
    if (detail.length > 0) entry.details.push(detail);
  };

  input.members.forEach((m, i) => memberFindings(m, input.observations[i], input, add));
  // Unknown means too little fresh data to tell whether a leader serves: no_fresh_data says so instead.
  if (input.hasLeaderConcept && (input.leader === null || !input.leaderServing) && input.phase !== 'healthy' && input.phase !== 'unknown') {
    add('no_leader', input.leader, input.leader === null ? 'no reachable member is the leader' : `leader ${input.leader} is not serving`);
  }
  if (input.failoverLoadRatio !== null && input.failoverLoadRatio >= FAILOVER_OVERLOAD_RATIO && input.leader !== null) {
    add('failover_overload', input.leader, `${input.leader} took over as leader: failover load ${input.failoverLoadRatio.toFixed(1)}× the old leader's`);
  }
  for (const [member, differences] of input.permissionDifferences) {
    const what = differences.length > 0 ? differences.join('; ') : 'permission fingerprint differs (the source does not say what)';
    add('permission_drift', member, `${member} permissions differ from ${input.permissionReference ?? 'the majority'}: ${what}`);
  }
  for (const domain of input.sharedDomains) add('shared_failure_domain', null, `all members in ${domain.dimension}=${domain.value}`);
  // A shared domain is about every member at once.
  if (input.sharedDomains.length > 0) for (const m of input.members) add('shared_failure_domain', m.member, '');

  const findings: FindingDraft[] = [];
  for (const cause of FINDING_CAUSES) {
    const entry = byCause.get(cause);
    if (entry === undefined) continue;
    findings.push({ cause, summary: entry.details.join('; '), action: actionFor(cause, entry.members, input), members: entry.members });
  }
  return findings;
}

type Add = (cause: FindingCause, member: string | null, detail: string) => void;

function memberFindings(m: MemberState, latest: Observation | undefined, input: DiagnosisInput, add: Add): void {
  const reason = m.reason ?? '';
  switch (m.status) {
    case 'unreachable':
      add(
        'member_unreachable',
        m.member,
        `${m.member}${m.role === 'leader' || m.member === input.leader ? ' (leader)' : ''} unreachable: ${reason || 'the source reports it down'}`,
      );
      return;
    case 'unknown': {
      if (latest?.unknownReason !== undefined && reason === latest.unknownReason) {
        add('not_observable', m.member, `${m.member}: ${reason}`);
        return;
      }
      const source = latest?.source;
      const up = source === undefined ? undefined : input.sourceUp(source);
      const why = source === undefined ? '' : up === false ? ` (source ${source} down)` : ` (source ${source})`;
      add(
        'no_fresh_data',
        m.member,
        m.observationAgeSeconds === null ? `${m.member} never observed` : `no data from ${m.member} for ${Math.round(m.observationAgeSeconds)} s${why}`,
      );
      return;
    }
    case 'diverged':
      if (/split brain/i.test(reason)) add('split_brain', m.member, `${m.member}: ${reason}`);
      else add('diverged', m.member, `${m.member} diverged: ${reason}`);
      return;
    case 'lagging': {
      const link = latest?.replicationLink;
      // The prometheus receiver can only say a full resync is under way (no bytes): it names it as the stopped reason.
      if (latest?.fullResync !== undefined || /full resync/i.test(latest?.replicationStoppedReason ?? ''))
        add('full_resync', m.member, `${m.member}: ${reason}`);
      else if (latest?.replicationStoppedReason !== undefined) add('replication_stopped', m.member, `${m.member}: ${latest.replicationStoppedReason}`);
      else if ((link !== undefined && !link.up) || /link (down|silent)/i.test(reason)) add('replication_link_down', m.member, `${m.member}: ${reason}`);
      else add('replica_lagging', m.member, `${m.member} ${reason || 'behind the leader'}`);
      return;
    }
    default:
      return;
  }
}

function actionFor(cause: FindingCause, members: readonly string[], input: DiagnosisInput): string {
  const who = members.join(', ');
  switch (cause) {
    case 'no_leader':
      return 'restore the primary or promote a replica; until then writes fail';
    case 'split_brain':
      return `fence all but one leader (stop writes to ${who}), then rebuild the fenced ones from the leader`;
    case 'member_unreachable':
      return `start ${who} or fix the network path to it; its log says why it stopped`;
    case 'no_fresh_data':
      return `check the source: the collector log names its error and ${METRICS.sourceUp.name} shows which one is down`;
    case 'not_observable':
      return 'grant the monitoring account what the message names (docs/monitoring-roles.md)';
    case 'replication_link_down':
      return `check the network between ${who} and the leader and the replica's log; it catches up by itself once the link is back`;
    case 'replication_stopped':
      return replicationStoppedAction(members, input);
    case 'diverged':
      return `rebuild ${who} from the leader (resync); it cannot catch up by itself`;
    case 'failover_overload':
      return `add capacity or shed load on ${who}; move traffic back once the old leader has recovered`;
    case 'full_resync':
      return fullResyncAction(members, input);
    case 'replica_lagging':
      if (input.etaSeconds !== null) return `none yet: catching up, ETA ${aboutSeconds(input.etaSeconds)}`;
      if (input.phase === 'recovering') return 'none yet: catching up, no ETA yet (too little movement to measure a rate)';
      return `catching up has stalled: check ${who}'s disk, CPU and apply rate against the leader's write rate`;
    case 'permission_drift':
      return `apply the leader's permissions on ${who} (Redis: ACL SETUSER or ACL LOAD; PostgreSQL: pg_hba.conf, then SELECT pg_reload_conf(); MySQL: the GRANTs)`;
    case 'shared_failure_domain':
      return 'move a member to another value of that dimension (zone, host, rack…): one failure there takes them all';
  }
}

/** What a full resync asks of the SRE depends on how it is done: a copy from the leader, a WAL restore, a base backup. */
function fullResyncAction(members: readonly string[], input: DiagnosisInput): string {
  const methods = new Set(input.members.map((m, i) => (members.includes(m.member) ? input.observations[i]?.fullResync?.method : undefined)));
  const restoring = methods.has('archive-restore') || methods.has('wal-replay');
  const cloning = methods.has('base-backup');
  if (restoring || cloning) {
    const rate = restoring && cloning ? 'replay and transfer rates' : restoring ? 'replay rate' : 'transfer rate';
    const eta = input.etaSeconds !== null ? `, ETA ${aboutSeconds(input.etaSeconds)} from the ${rate}` : '';
    const what: string[] = [];
    if (restoring) what.push('the standby replays WAL without streaming; past the end of the archive it waits for more, or streams if primary_conninfo is set');
    if (cloning) what.push('pg_basebackup is copying the data directory; start the server once it is done');
    return `none yet${eta}: ${what.join('; ')}`;
  }
  return input.etaSeconds !== null
    ? `none yet: a full copy is loading, ETA ${aboutSeconds(input.etaSeconds)} from the transfer rate`
    : "none yet: a full copy is loading; if it restarts over and over, raise the leader's client-output-buffer-limit replica and repl-backlog-size";
}

/** MySQL/MariaDB: which thread stopped decides what to do. */
function replicationStoppedAction(members: readonly string[], input: DiagnosisInput): string {
  const texts = input.members
    .filter((m) => members.includes(m.member))
    .map((m) => m.reason ?? '')
    .join(' ');
  if (/SQL thread/i.test(texts))
    return 'fix the cause the error names (a conflicting or missing row, a schema difference), then START SLAVE SQL_THREAD (START REPLICA SQL_THREAD on MySQL)';
  if (/IO thread/i.test(texts))
    return "check the primary's address, the replication account and the network, then START SLAVE IO_THREAD (START REPLICA IO_THREAD on MySQL)";
  return 'restart replication on the member once the cause in its status is fixed';
}

/** `40 s`, `3 min`, `2 h`: an ETA as a person says it. */
function aboutSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
