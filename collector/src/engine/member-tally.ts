import type { MemberState } from '../model/group-state';
import { memberVerdict, type MemberVerdict, type VerdictContext } from '../model/member-status';
import { memberProgress } from '../model/progress';
import type { MemberStatus, Observation } from '../model/types';
import type { MemberRecord } from './member-record';

/**
 * One tick's member verdicts and what they add up to for the group (GroupTracker.tick):
 * each member's status, lag and progress, the status changes, the peaks kept on the records.
 */

const NO_TRANSITIONS: readonly StatusChange[] = [];

/** A member's status change on this tick. */
export interface StatusChange {
  member: string;
  from: MemberStatus;
  to: MemberStatus;
}

/** What the members' verdicts add up to on one tick (judgeMembers). */
export interface MemberTally {
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

/** The verdict of the member being judged: read into its state, never published itself. */
const verdictNow: MemberVerdict = { status: 'unknown', reason: null, lagSeconds: null, lagBytes: null };

/**
 * Each member's verdict and what the verdicts add up to for the group. A member whose state
 * reads exactly as on the previous tick keeps that state object (published states are never
 * changed afterwards, so sharing an equal one rewrites no history): with every member observed
 * every tick most states are the same, and a new object each would be 100,000 objects a tick
 * at fleet scale, all surviving until the next tick (so promoted, and the heap grown for them).
 * `previous` is the last published state's members, in the records' order.
 */
export function judgeMembers(records: readonly MemberRecord[], context: VerdictContext, inEpisode: boolean, previous: readonly MemberState[]): MemberTally {
  const { leader: leaderRef, nowMillis } = context;
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

  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const { role, fresh: freshObservation, latest } = record;
    const observationAgeSeconds = latest ? Math.max(0, (nowMillis - latest.observedAtMillis) / 1000) : null;
    const permissionsAge = permissionsAgeSeconds(freshObservation, nowMillis);
    const { status, lagSeconds, lagBytes } = memberVerdict(record, context, verdictNow);
    const before = previous[i];
    tally.members[i] =
      before !== undefined && readsTheSame(before, record, observationAgeSeconds, permissionsAge, verdictNow)
        ? before
        : {
            member: record.member,
            role,
            status,
            reason: verdictNow.reason,
            lagSeconds,
            lagBytes,
            permissionDrift: false,
            observationAgeSeconds,
            permissionsAgeSeconds: permissionsAge,
            dependencies: record.dependencies,
          };
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

    updatePeaks(record, status, lagBytes, lagSeconds, inEpisode);
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

/**
 * The fields readsTheSame compares: every field of a MemberState, so one added to it fails the
 * type check here until it is compared (a shared state must read the same in every field).
 */
export const MEMBER_STATE_FIELDS_COMPARED = {
  member: true,
  role: true,
  status: true,
  reason: true,
  lagSeconds: true,
  lagBytes: true,
  permissionDrift: true,
  permissionDifferences: true,
  observationAgeSeconds: true,
  permissionsAgeSeconds: true,
  dependencies: true,
} as const satisfies Record<keyof MemberState, true>;

/**
 * The previous tick's state of this member says exactly what this tick's would, before any
 * permission drift is marked (GroupTracker.permissionsOf copies a shared state it must mark).
 */
function readsTheSame(
  before: MemberState,
  record: MemberRecord,
  observationAgeSeconds: number | null,
  permissionsAgeSeconds: number | null,
  verdict: MemberVerdict,
): boolean {
  return (
    before.member === record.member &&
    before.role === record.role &&
    before.status === verdict.status &&
    before.reason === verdict.reason &&
    before.lagSeconds === verdict.lagSeconds &&
    before.lagBytes === verdict.lagBytes &&
    before.observationAgeSeconds === observationAgeSeconds &&
    before.permissionsAgeSeconds === permissionsAgeSeconds &&
    before.dependencies === record.dependencies &&
    !before.permissionDrift &&
    before.permissionDifferences === undefined
  );
}

/** Peaks grow while lag builds and reset once the member is caught up outside an episode. */
function updatePeaks(record: MemberRecord, status: MemberStatus, lagBytes: number | null, lagSeconds: number | null, inEpisode: boolean): void {
  if (status === 'converged' && !inEpisode) {
    record.peakLagBytes = record.peakLagSeconds = null;
    return;
  }
  if (status !== 'lagging') return;
  if (lagBytes !== null) record.peakLagBytes = Math.max(record.peakLagBytes ?? 0, lagBytes);
  if (lagSeconds !== null) record.peakLagSeconds = Math.max(record.peakLagSeconds ?? 0, lagSeconds);
}

/** How old the permission facts a fresh observation carries are: read on their own cadence, they may predate it. */
function permissionsAgeSeconds(fresh: Observation | undefined, nowMillis: number): number | null {
  if (fresh?.permissionFingerprint === undefined) return null;
  return Math.max(0, (nowMillis - (fresh.permissionObservedAtMillis ?? fresh.observedAtMillis)) / 1000);
}
