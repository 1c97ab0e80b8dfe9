import { randomUUID } from 'node:crypto';
import type { GroupConfig } from '../config/group-config';
import type { Episode, GroupState, MemberState } from '../model/group-state';
import { independence } from '../model/independence';
import { chooseLeader } from '../model/leader';
import { memberVerdict, type LeaderReference, type StatusTolerances, type VerdictContext } from '../model/member-status';
import { permissionConsistency, type PermissionConsistency } from '../model/permissions';
import { diagnose, FAILOVER_OVERLOAD_RATIO, type DiagnosisInput, type Finding, type FindingCause } from '../model/diagnosis';
import { permissionDifferences } from '../model/permission-diff';
import { decidePhase } from '../model/phase';
import { etaSeconds, memberProgress } from '../model/progress';
import type { Dependencies, MemberDeclaration, MemberStatus, Observation, Phase } from '../model/types';
import { closeEpisode, noteEpisodeFacts, openEpisode, recordPhase, type OpenEpisode, type TickFacts } from './episode-record';
import { freshFingerprints, leaderReference, newMemberRecord, sameDependencies, type MemberRecord } from './member-record';
import { markPlanned, type MaintenanceWindow } from './maintenance';
import { RecentWindows } from './recent-windows';
import { derivationDueAtMillis, EVERY_TICK } from './derivation-due';

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
/** What nearly every group gets every tick, shared rather than built per group. */
const PERMISSIONS_AGREE: PermissionConsistency = { ratio: 1, drifted: NO_MEMBERS };
const NO_PERMISSIONS_REPORTED: PermissionConsistency = { ratio: null, drifted: NO_MEMBERS };
const NO_TRANSITIONS: readonly StatusChange[] = [];
const NO_FINDINGS: Finding[] = [];
const NO_ETA = { seconds: null, deadlineMillis: null } as const;
const ETA_DONE = { seconds: 0, deadlineMillis: null } as const;

/** A member's status change on this tick. */
interface StatusChange {
  member: string;
  from: MemberStatus;
  to: MemberStatus;
}

/** What the members' verdicts add up to on one tick (judgeMembers). */
interface MemberTally {
  members: MemberState[];
  /** Status changes on this tick (shared empty list when none). */
  transitions: readonly StatusChange[];
  converged: number;
  unknown: number;
  progressSum: number;
  everyUnconvergedIsLagging: boolean;
  /** Some lagging member is loading a full copy: no ETA. */
  loadingCopy: boolean;
  maxLagSeconds: number | null;
  maxLagBytes: number | null;
  leaderStale: boolean;
  hasLeaderConcept: boolean;
  anyPathServing: boolean;
  /** The progress is as old as the lagging members' observations: the ETA counts from then, not from this tick. */
  lagObservedAtMillis: number;
  fingerprintCount: number;
  fingerprintsDiffer: boolean;
}

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
  /** Since when each cause of the current findings has been present. */
  private readonly findingSince = new Map<FindingCause, number>();
  /** A healthy group's findings (shared failure domains only) change only with its independence: kept with it. */
  private healthyFindings: { independence: GroupState['independence']; findings: Finding[] } | null = null;
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
    private readonly sourceUp: (source: string) => boolean | undefined = () => undefined,
  ) {
    this.name = config.name;
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
    record.latest = observation;
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
    const tally = this.judgeMembers(nowMillis, leaderRef, choice.rivals);
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
    this.current = this.publish({
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
    });
    this.inputChanged = false;
    this.dueAtMillis = derivationDueAtMillis(
      records,
      this.tolerances.freshnessMillis,
      this.open !== null || this.onset !== null,
      this.windows.stabilizationChangesAfterMillis(nowMillis),
    );
    return { state: this.current, previousPhase, episodeChanged, closedEpisode, blip };
  }

  /**
   * Each member's verdict, written straight into its new MemberState (no verdict object is
   * shared or kept between members), and what the verdicts add up to for the group.
   */
  private judgeMembers(nowMillis: number, leaderRef: LeaderReference | null, rivals: readonly string[]): MemberTally {
    const records = this.memberList;
    const tally: MemberTally = {
      // Sized once: the member count is known, so the array never grows (and never over-allocates) while filled.
      members: new Array<MemberState>(records.length),
      transitions: NO_TRANSITIONS,
      converged: 0,
      unknown: 0,
      progressSum: 0,
      everyUnconvergedIsLagging: true,
      loadingCopy: false,
      maxLagSeconds: null,
      maxLagBytes: null,
      leaderStale: false,
      hasLeaderConcept: false,
      anyPathServing: false,
      lagObservedAtMillis: -Infinity,
      fingerprintCount: 0,
      fingerprintsDiffer: false,
    };
    // Most ticks every member holds the same permissions: count them, and only build the map when they differ.
    let firstFingerprint: string | undefined;
    // Most ticks change no status: the list is only made when one does.
    let transitions: StatusChange[] | undefined;
    const context: VerdictContext = { leader: leaderRef, rivals, tolerances: this.tolerances, nowMillis };

    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const { role, fresh: freshObservation, latest } = record;
      const state: MemberState = {
        member: record.member,
        role,
        status: 'unknown',
        reason: null,
        lagSeconds: null,
        lagBytes: null,
        permissionDrift: false,
        observationAgeSeconds: latest ? Math.max(0, (nowMillis - latest.observedAtMillis) / 1000) : null,
        dependencies: record.dependencies,
      };
      tally.members[i] = state;
      memberVerdict(record, context, state);
      const { status, lagSeconds, lagBytes } = state;
      if (role === 'leader' || record.declaredRole === 'leader') {
        tally.hasLeaderConcept = true;
        if (status === 'unknown' && leaderRef === null) tally.leaderStale = true;
      }
      if (status === 'converged') tally.converged++;
      else if (status === 'unknown') tally.unknown++;
      else if (status === 'lagging' && latest!.observedAtMillis > tally.lagObservedAtMillis) tally.lagObservedAtMillis = latest!.observedAtMillis;
      if (status !== 'converged' && status !== 'lagging') tally.everyUnconvergedIsLagging = false;
      // Loading a full copy: the transfer is done, how long the load takes no rate can tell.
      if (status === 'lagging' && freshObservation?.fullResync?.loading === true) tally.loadingCopy = true;
      if (status === 'converged' && role === 'path' && freshObservation?.serving !== false) tally.anyPathServing = true;

      this.updatePeaks(record, status, lagBytes, lagSeconds);
      // A full copy: progress is the share transferred, whatever the offset lag was before it began.
      const resyncTotal = freshObservation?.fullResync?.totalBytes;
      if (resyncTotal !== undefined && status === 'lagging') record.peakLagBytes = resyncTotal;
      const useBytes = lagBytes !== null && record.peakLagBytes !== null;
      tally.progressSum += memberProgress(status, useBytes ? lagBytes : lagSeconds, useBytes ? record.peakLagBytes : record.peakLagSeconds);
      if (lagSeconds !== null) tally.maxLagSeconds = Math.max(tally.maxLagSeconds ?? 0, lagSeconds);
      if (lagBytes !== null) tally.maxLagBytes = Math.max(tally.maxLagBytes ?? 0, lagBytes);

      const fingerprint = freshObservation?.permissionFingerprint;
      if (fingerprint !== undefined) {
        tally.fingerprintCount++;
        if (firstFingerprint === undefined) firstFingerprint = fingerprint;
        else if (fingerprint !== firstFingerprint) tally.fingerprintsDiffer = true;
      }
      // A member's first observation is not a change: at the collector's start, unknown → converged is not recovery.
      if (record.previousStatus !== undefined && record.previousStatus !== status && record.observedBefore) {
        (transitions ??= []).push({ member: record.member, from: record.previousStatus, to: status });
      }
      record.previousStatus = status;
      record.observedBefore = latest !== undefined;
    }
    if (transitions !== undefined) tally.transitions = transitions;
    return tally;
  }

  /** The group's permission consistency; each drifted member's state is marked. */
  private permissionsOf(tally: MemberTally, leader: string | null): PermissionConsistency {
    const permissions = tally.fingerprintsDiffer
      ? permissionConsistency(freshFingerprints(this.memberList), leader)
      : tally.fingerprintCount > 0
        ? PERMISSIONS_AGREE
        : NO_PERMISSIONS_REPORTED;
    if (permissions.drifted.length > 0) for (const state of tally.members) state.permissionDrift = permissions.drifted.includes(state.member);
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

  /** The state this tick publishes, with its findings. */
  private publish(t: {
    nowMillis: number;
    phase: Phase;
    progress: number;
    eta: { seconds: number | null; deadlineMillis: number | null };
    tally: MemberTally;
    leader: string | null;
    leaderRef: LeaderReference | null;
    serving: boolean;
    permissions: PermissionConsistency;
    hiddenInstability: boolean;
    allConverged: boolean;
  }): GroupState {
    const { nowMillis, phase, tally, leaderRef, serving, permissions } = t;
    const open = this.open;
    const memberCount = tally.members.length;
    const independenceNow = (this.independenceCache ??= independence(tally.members.map((m) => m.dependencies)));
    const failoverLoad = failoverLoadRatio(open, leaderRef);
    const leaderServing = leaderRef !== null && serving;
    // Every member converged and no hazard (most groups, also while stabilizing): nothing to say, nothing built.
    const quiet =
      t.allConverged &&
      permissions.drifted.length === 0 &&
      independenceNow.sharedDomains.length === 0 &&
      (failoverLoad === null || failoverLoad < FAILOVER_OVERLOAD_RATIO) &&
      (!tally.hasLeaderConcept || leaderServing);
    const findings = quiet
      ? this.noFindings()
      : this.findings(
          nowMillis,
          {
            phase,
            members: tally.members,
            leader: t.leader,
            hasLeaderConcept: tally.hasLeaderConcept,
            leaderServing,
            sharedDomains: independenceNow.sharedDomains,
            failoverLoadRatio: failoverLoad,
            etaSeconds: t.eta.seconds,
            permissions,
          },
          independenceNow,
        );
    return {
      name: this.name,
      phase,
      progress: t.progress,
      etaSeconds: t.eta.seconds,
      etaDeadlineMillis: t.eta.deadlineMillis,
      elapsedSeconds: open ? Math.max(0, (nowMillis - open.episode.startMillis) / 1000) : 0,
      rtoSeconds: this.rtoSeconds,
      members: tally.members,
      leader: t.leader,
      leaderServing,
      divergenceRatio: memberCount === 0 ? 0 : (memberCount - tally.converged) / memberCount,
      maxLagSeconds: tally.maxLagSeconds,
      maxLagBytes: tally.maxLagBytes,
      permissionConsistency: permissions.ratio,
      driftedMembers: permissions.drifted,
      independence: independenceNow,
      hiddenInstability: t.hiddenInstability,
      netStabilizationPerMinute: this.windows.netStabilizationPerMinute(nowMillis),
      failoverLoadRatio: failoverLoad,
      findings,
      episodeId: open?.episode.id ?? null,
      episodePlanned: open?.episode.planned === true,
      derivedAtMillis: nowMillis,
    };
  }

  /**
   * The diagnosis of this tick, each finding dated from the first tick of its cause's
   * current run. Nothing to say for a healthy group costs nothing.
   */
  private noFindings(): Finding[] {
    // Map.clear() allocates a fresh table even when empty: at fleet scale, every tick.
    if (this.findingSince.size > 0) this.findingSince.clear();
    this.healthyFindings = null;
    return NO_FINDINGS;
  }

  private findings(
    nowMillis: number,
    facts: Omit<DiagnosisInput, 'observations' | 'permissionDifferences' | 'permissionReference' | 'sourceUp'> & { permissions: PermissionConsistency },
    independenceNow: GroupState['independence'],
  ): Finding[] {
    const drifted = facts.permissions.drifted;
    const healthy = facts.phase === 'healthy' && drifted.length === 0;
    if (healthy && this.healthyFindings?.independence === independenceNow) return this.healthyFindings.findings;
    const reference = drifted.length > 0 ? permissionReference(this.memberList, facts.leader, drifted) : null;
    const differences = new Map<string, readonly string[]>();
    for (const member of drifted) {
      const ours = this.members.get(member)?.fresh?.permissionEntries;
      const theirs = reference?.fresh?.permissionEntries;
      differences.set(
        member,
        ours !== undefined && theirs !== undefined ? permissionDifferences({ member: reference!.member, entries: theirs }, { member, entries: ours }) : [],
      );
    }
    const drafts = diagnose({
      ...facts,
      observations: this.memberList.map((r) => r.latest),
      permissionDifferences: differences,
      permissionReference: reference?.member ?? null,
      sourceUp: this.sourceUp,
    });
    const findings = drafts.map((d) => ({ ...d, sinceMillis: this.findingSince.get(d.cause) ?? nowMillis }));
    this.findingSince.clear();
    for (const f of findings) this.findingSince.set(f.cause, f.sinceMillis);
    this.healthyFindings = healthy ? { independence: independenceNow, findings } : null;
    return findings;
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

  /** Peaks grow while lag builds and reset once the member is caught up outside an episode. */
  private updatePeaks(record: MemberRecord, status: MemberStatus, lagBytes: number | null, lagSeconds: number | null): void {
    if (status === 'converged' && this.open === null && this.onset === null) {
      record.peakLagBytes = record.peakLagSeconds = null;
      return;
    }
    if (status !== 'lagging') return;
    if (lagBytes !== null) record.peakLagBytes = Math.max(record.peakLagBytes ?? 0, lagBytes);
    if (lagSeconds !== null) record.peakLagSeconds = Math.max(record.peakLagSeconds ?? 0, lagSeconds);
  }
}

/** The member whose permissions the drifted ones are compared to: the leader, or a member that did not drift. */
function permissionReference(records: readonly MemberRecord[], leader: string | null, drifted: readonly string[]): MemberRecord | null {
  const withFingerprint = records.filter((r) => r.fresh?.permissionFingerprint !== undefined);
  return withFingerprint.find((r) => r.member === leader && !drifted.includes(r.member)) ?? withFingerprint.find((r) => !drifted.includes(r.member)) ?? null;
}

/** New leader's load ÷ the leader's load before the episode, once the leader changed within it. */
function failoverLoadRatio(open: OpenEpisode | null, leader: LeaderReference | null): number | null {
  if (open === null || leader === null || open.leaderBefore === null || leader.member === open.leaderBefore) return null;
  const loadNow = leader.observation.load;
  if (loadNow === undefined || open.loadBefore === null || !(open.loadBefore > 0)) return null;
  return loadNow / open.loadBefore;
}
