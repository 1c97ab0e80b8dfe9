import { randomUUID } from 'node:crypto';
import type { GroupConfig } from '../config/group-config';
import type { Episode, GroupState, MemberState } from '../model/group-state';
import { independence } from '../model/independence';
import { chooseLeader } from '../model/leader';
import type { StatusTolerances, VerdictContext } from '../model/member-status';
import { permissionConsistency, type PermissionConsistency } from '../model/permissions';
import { decidePhase } from '../model/phase';
import { etaSeconds } from '../model/progress';
import type { Dependencies, MemberDeclaration, Observation, Phase } from '../model/types';
import { closeEpisode, noteEpisodeFacts, openEpisode, recordPhase, type OpenEpisode, type TickFacts } from './episode-record';
import { freshFingerprints, keepObservation, leaderReference, newMemberRecord, sameDependencies, type MemberRecord } from './member-record';
import { markPlanned, type MaintenanceWindow } from './maintenance';
import { RecentWindows } from './recent-windows';
import { GroupFindings } from './group-findings';
import { judgeMembers, type MemberTally } from './member-tally';
import { derivationDueAtMillis, EVERY_TICK } from './derivation-due';
import { publishState } from './published-state';

/** What one tick produced, for the engine to persist and report. */
export interface TickOutcome {
  state: GroupState;
  previousPhase: Phase | null;
  /** The open episode changed in a way worth persisting now (opened, phase change). */
  episodeChanged: boolean;
  /** The episode that completed on this tick, if any. */
  closedEpisode: Episode | null;
  /** A non-healthy run ended on this tick before its onset delay: a blip, no episode. */
  blip: boolean;
}

const NO_MEMBERS: string[] = [];
const NO_MEMBER_STATES: readonly MemberState[] = [];
/** What nearly every group gets every tick, shared rather than built per group. */
const PERMISSIONS_AGREE: PermissionConsistency = { ratio: 1, drifted: NO_MEMBERS };
const NO_PERMISSIONS_REPORTED: PermissionConsistency = { ratio: null, drifted: NO_MEMBERS };
const NO_ETA = { seconds: null, deadlineMillis: null } as const;
const ETA_DONE = { seconds: 0, deadlineMillis: null } as const;

/**
 * Derives one group's recovery state each tick from the newest observation of
 * each member (DESIGN.md §2). Holds the episode and the recent windows; all
 * decisions themselves are the pure functions in `model/`.
 */
export class GroupTracker {
  readonly name: string;
  private readonly members = new Map<string, MemberRecord>();
  /** The same records in declaration order, so a tick iterates an array. */
  private readonly memberList: MemberRecord[] = [];
  /**
   * The config numbers a tick reads, copied once into fields of this class:
   * group configs need not share one object shape (YAML, OTLP dynamic groups,
   * spreads), and with 10,000 of them the tick's reads of `config.*` went
   * megamorphic (slow lookups on every group, every tick).
   */
  private readonly tolerances: StatusTolerances;
  private readonly holdDownMillis: number;
  private readonly onsetDelayMillis: number;
  private readonly rtoSeconds: number;
  private previousLeader: string | null = null;
  private lastPhase: Phase | null = null;
  private open: OpenEpisode | null = null;
  /**
   * A non-healthy run still inside its onset delay: recorded like an episode from its first
   * tick (so one that does open keeps its true start, phases and facts), but not published,
   * saved or counted until it has lasted the onset delay; dropped as a blip if it ends sooner.
   */
  private onset: OpenEpisode | null = null;
  private readonly windows: RecentWindows;
  /** The last leader seen outside an episode and its load, so a failover can be compared to it. */
  private steadyLeader: string | null = null;
  private steadyLeaderLoad: number | null = null;
  private episodeDirty = false;
  private current: GroupState | null = null;
  private readonly findings: GroupFindings;
  /** Independence is recomputed only when some member's dependencies changed (rare, and costly at fleet scale). */
  private independenceCache: GroupState['independence'] | null = null;
  /** Something arrived since the last derivation (an observation, a declaration, a retired member, a resumed episode). */
  private inputChanged = true;
  /** With no new input, the group need not be derived before this moment (derivation-due.ts). */
  private dueAtMillis = EVERY_TICK;

  /**
   * @param maintenanceAt the maintenance window of this group in force at a moment, if any:
   *   an episode that starts inside one is planned (kept out of the recovery SLO).
   */
  constructor(
    readonly config: GroupConfig,
    private readonly maintenanceAt: (atMillis: number) => MaintenanceWindow | null = () => null,
    sourceUp: (source: string) => boolean | undefined = () => undefined,
  ) {
    this.name = config.name;
    this.findings = new GroupFindings(sourceUp);
    this.windows = new RecentWindows(config.progressWindowMillis, config.stabilizationWindowMillis);
    this.tolerances = {
      freshnessMillis: config.freshnessMillis,
      lagToleranceSeconds: config.lagToleranceSeconds,
      lagToleranceBytes: config.lagToleranceBytes,
    };
    this.holdDownMillis = config.holdDownMillis;
    this.onsetDelayMillis = config.onsetDelayMillis ?? 0;
    this.rtoSeconds = config.rtoMillis / 1000;
  }

  /** Continue an episode that was open when the collector stopped. */
  resume(open: OpenEpisode): void {
    this.inputChanged = true;
    this.open = open;
    const phases = open.episode.phases;
    this.lastPhase = phases[phases.length - 1]?.phase ?? null;
  }

  declare(declaration: MemberDeclaration): void {
    const record = this.record(declaration.member);
    this.inputChanged = true;
    record.declared = true;
    record.declaredRole = declaration.role ?? record.declaredRole;
    record.declaredDependencies = { ...record.declaredDependencies, ...declaration.dependencies };
    this.refreshDependencies(record, record.latest?.dependencies);
  }

  observe(observation: Observation): void {
    const record = this.record(observation.member);
    // Sources may deliver out of order (OTLP retries); the newest observation wins.
    if (record.latest !== undefined && record.latest.observedAtMillis > observation.observedAtMillis) return;
    this.inputChanged = true;
    const observed = observation.dependencies;
    if (observed !== undefined && !sameDependencies(observed, record.latest?.dependencies)) this.refreshDependencies(record, observed);
    else if (observed === undefined && record.latest?.dependencies !== undefined) this.refreshDependencies(record, undefined);
    keepObservation(record, observation);
  }

  private refreshDependencies(record: MemberRecord, observed: Dependencies | undefined): void {
    record.dependencies = observed === undefined ? record.declaredDependencies : { ...record.declaredDependencies, ...observed };
    this.independenceCache = null;
  }

  /**
   * Forget a member that is gone for good (OTLP `member_expiry`): the next
   * tick derives the group without it. Declared members are kept: their
   * absence is what the group's state must show. Returns whether it was forgotten.
   */
  retire(member: string): boolean {
    const record = this.members.get(member);
    if (record === undefined || record.declared) return false;
    this.members.delete(member);
    this.inputChanged = true;
    this.memberList.splice(this.memberList.indexOf(record), 1);
    this.independenceCache = null;
    return true;
  }

  memberCount(): number {
    return this.members.size;
  }

  /**
   * Whether a tick at `nowMillis` must derive this group: something arrived since the
   * last derivation, or its state may have moved with time alone. When not, the last
   * state is exactly what a derivation would give, but for its `derivedAtMillis` and the
   * observation ages, which readers age from it (docs/scaling.md "Incremental derivation").
   */
  needsDerivation(nowMillis: number): boolean {
    return this.inputChanged || nowMillis >= this.dueAtMillis;
  }

  /** The state derived on the last tick, or null before the first. */
  state(): GroupState | null {
    return this.current;
  }

  openEpisode(): OpenEpisode | null {
    return this.open;
  }

  /** True once since the last call when the open episode has unsaved changes. */
  takeEpisodeDirty(): boolean {
    const dirty = this.episodeDirty;
    this.episodeDirty = false;
    return dirty && this.open !== null;
  }

  /**
   * One tick, in named steps: the leader, each member's verdict (judgeMembers), the
   * group's permissions and serving, the recent windows, the episode's facts, the
   * phase, the episode's lifecycle (advanceEpisode), then the published state.
   */
  tick(nowMillis: number): TickOutcome {
    const records = this.memberList;
    this.refreshCandidates(nowMillis);
    const choice = chooseLeader(records, this.previousLeader);
    const leaderRef = leaderReference(records, choice.leader);
    const context: VerdictContext = { leader: leaderRef, rivals: choice.rivals, tolerances: this.tolerances, nowMillis };
    const tally = judgeMembers(records, context, this.open !== null || this.onset !== null, this.current?.members ?? NO_MEMBER_STATES);
    const memberCount = records.length;
    const progress = memberCount === 0 ? 0 : tally.progressSum / memberCount;
    const permissions = this.permissionsOf(tally, choice.leader);
    const serving = leaderRef !== null ? leaderRef.observation.serving !== false : !tally.hasLeaderConcept && tally.anyPathServing;
    const allConverged = memberCount > 0 && tally.converged === memberCount;
    const facts: TickFacts = {
      members: tally.members,
      transitions: tally.transitions,
      serving,
      hiddenInstability: serving && (tally.converged < memberCount || permissions.drifted.length > 0),
      permissionDrift: permissions.drifted.length > 0,
    };

    const { rate, improving } = this.rememberWindows(tally, progress, nowMillis);
    this.noteEpisodeFacts(facts, allConverged, nowMillis);
    const phase = decidePhase({
      memberCount,
      convergedCount: tally.converged,
      unknownCount: tally.unknown,
      leaderStale: tally.leaderStale,
      serving,
      improving,
      inEpisode: this.open !== null,
      somethingRecoveredInEpisode: this.open !== null && (this.open.recoveredMembers.length > 0 || this.open.serviceWasDown),
      convergedSinceMillis: this.open?.episode.convergedAtMillis ?? null,
      holdDownMillis: this.holdDownMillis,
      nowMillis,
    });
    const { episodeChanged, closedEpisode, blip } = this.advanceEpisode(phase, facts, nowMillis);
    if (this.open === null && this.onset === null && leaderRef !== null) {
      this.steadyLeader = leaderRef.member;
      this.steadyLeaderLoad = leaderRef.observation.load ?? null;
    }

    const previousPhase = this.lastPhase;
    this.lastPhase = phase;
    this.previousLeader = choice.leader;
    const eta = tally.loadingCopy ? NO_ETA : this.etaAt(phase, progress, rate, tally.everyUnconvergedIsLagging, nowMillis);
    this.current = publishState({
      name: this.name,
      rtoSeconds: this.rtoSeconds,
      nowMillis,
      phase,
      progress,
      eta,
      tally,
      leader: choice.leader,
      leaderRef,
      serving,
      permissions,
      hiddenInstability: facts.hiddenInstability,
      allConverged,
      open: this.open,
      independence: (this.independenceCache ??= independence(tally.members.map((m) => m.dependencies))),
      netStabilizationPerMinute: this.windows.netStabilizationPerMinute(nowMillis),
      previousMembers: this.current?.members,
      findings: this.findings,
      records: this.memberList,
    });
    this.inputChanged = false;
    this.dueAtMillis = derivationDueAtMillis(
      nowMillis,
      records,
      this.tolerances.freshnessMillis,
      this.open !== null || this.onset !== null,
      this.windows.stabilizationChangesAfterMillis(nowMillis),
    );
    return { state: this.current, previousPhase, episodeChanged, closedEpisode, blip };
  }

  /**
   * The group's permission consistency; each drifted member's state is marked, on a copy when
   * it is the previous tick's state (judgeMembers shares only states without drift).
   */
  private permissionsOf(tally: MemberTally, leader: string | null): PermissionConsistency {
    const permissions = tally.fingerprintsDiffer
      ? permissionConsistency(freshFingerprints(this.memberList), leader)
      : tally.fingerprintCount > 0
        ? PERMISSIONS_AGREE
        : NO_PERMISSIONS_REPORTED;
    if (permissions.drifted.length === 0) return permissions;
    const members = tally.members;
    const previous = this.current?.members ?? NO_MEMBER_STATES;
    for (let i = 0; i < members.length; i++) {
      const state = members[i]!;
      if (!permissions.drifted.includes(state.member)) continue;
      if (state === previous[i]) members[i] = { ...state, permissionDrift: true };
      else state.permissionDrift = true;
    }
    return permissions;
  }

  /** Remember this tick's progress and status changes; the progress rate and whether the group is improving. */
  private rememberWindows(tally: MemberTally, progress: number, nowMillis: number): { rate: number | null; improving: boolean } {
    const progressObservedAtMillis = tally.lagObservedAtMillis > -Infinity ? tally.lagObservedAtMillis : nowMillis;
    this.windows.rememberProgress(progressObservedAtMillis, progress, this.open !== null || this.onset !== null);
    this.windows.rememberTransitions(nowMillis, tally.transitions);
    const rate = this.windows.ratePerSecond();
    // Only this episode's changes are improvement in it; before one opens, only this tick's.
    const improving = this.windows.improving(nowMillis, (this.open ?? this.onset)?.episode.startMillis ?? nowMillis, rate);
    return { rate, improving };
  }

  /** This tick's facts into the run still in its onset delay and into the open episode (which is then to be saved when they changed). */
  private noteEpisodeFacts(facts: TickFacts, allConverged: boolean, nowMillis: number): void {
    if (this.onset !== null) noteEpisodeFacts(this.onset, facts);
    if (this.open === null) return;
    if (noteEpisodeFacts(this.open, facts)) this.episodeDirty = true;
    const episode = this.open.episode;
    const convergedAt = allConverged ? (episode.convergedAtMillis ?? nowMillis) : null;
    if (convergedAt !== episode.convergedAtMillis) {
      episode.convergedAtMillis = convergedAt;
      this.episodeDirty = true;
    }
  }

  /**
   * The episode's lifecycle on this tick's phase: a non-healthy run starts an onset; an onset
   * back to healthy within its delay is a blip, one that lasts it opens the episode; an open
   * episode records the phase and closes on healthy.
   */
  private advanceEpisode(phase: Phase, facts: TickFacts, nowMillis: number): { episodeChanged: boolean; closedEpisode: Episode | null; blip: boolean } {
    let episodeChanged = false;
    let closedEpisode: Episode | null = null;
    let blip = false;
    if (this.open === null && this.onset === null && phase !== 'healthy' && (phase !== 'unknown' || this.lastPhase === 'healthy')) {
      this.onset = openEpisode({
        id: randomUUID(),
        group: this.name,
        phase,
        nowMillis,
        rtoSeconds: this.rtoSeconds,
        leaderBefore: this.steadyLeader,
        loadBefore: this.steadyLeaderLoad,
      });
      noteEpisodeFacts(this.onset, { ...facts, transitions: [] });
    }
    if (this.onset !== null) {
      if (phase === 'healthy') {
        // Back to healthy before the onset delay: a blip, counted but never an episode.
        this.onset = null;
        blip = true;
        this.resetPeaks();
      } else {
        recordPhase(this.onset, phase, nowMillis);
        if (nowMillis - this.onset.episode.startMillis >= this.onsetDelayMillis) {
          markPlanned(this.onset.episode, this.maintenanceAt(this.onset.episode.startMillis));
          this.open = this.onset;
          this.onset = null;
          this.episodeDirty = true;
          episodeChanged = true;
        }
      }
    } else if (this.open !== null) {
      episodeChanged = recordPhase(this.open, phase, nowMillis);
      if (phase === 'healthy') {
        closedEpisode = closeEpisode(this.open, nowMillis);
        this.open = null;
        this.resetPeaks();
      }
    }
    return { episodeChanged, closedEpisode, blip };
  }

  private resetPeaks(): void {
    for (const record of this.memberList) record.peakLagBytes = record.peakLagSeconds = null;
  }

  /**
   * The ETA counts from when the progress was observed, then is aged to this
   * tick; the deadline (observation time + ETA) does not age at all, so a
   * reader late by a tick or a scrape still gets the right remaining time.
   */
  private etaAt(
    phase: Phase,
    progress: number,
    rate: number | null,
    everyUnconvergedIsLagging: boolean,
    nowMillis: number,
  ): { seconds: number | null; deadlineMillis: number | null } {
    if (phase === 'unknown') return NO_ETA;
    const fromObservation = etaSeconds(progress, rate, everyUnconvergedIsLagging);
    if (fromObservation === null) return NO_ETA;
    if (progress >= 1) return ETA_DONE;
    const deadlineMillis = (this.windows.progressObservedAtMillis() ?? nowMillis) + fromObservation * 1000;
    return { seconds: Math.max(0, (deadlineMillis - nowMillis) / 1000), deadlineMillis };
  }

  /** Each record's role and fresh observation for this tick, which make it a leader candidate. */
  private refreshCandidates(nowMillis: number): void {
    for (const record of this.memberList) {
      const fresh = this.freshObservation(record, nowMillis);
      record.role = fresh?.role ?? record.latest?.role ?? record.declaredRole ?? 'replica';
      record.fresh = fresh;
    }
  }

  private record(member: string): MemberRecord {
    let record = this.members.get(member);
    if (record === undefined) {
      record = newMemberRecord(member);
      this.members.set(member, record);
      this.memberList.push(record);
      this.independenceCache = null;
    }
    return record;
  }

  private freshObservation(record: MemberRecord, nowMillis: number): Observation | undefined {
    const latest = record.latest;
    return latest !== undefined && nowMillis - latest.observedAtMillis <= this.tolerances.freshnessMillis ? latest : undefined;
  }
}
