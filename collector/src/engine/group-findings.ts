import type { GroupState } from '../model/group-state';
import { diagnose, type DiagnosisInput, type Finding, type FindingCause } from '../model/diagnosis';
import { describePermissionDifferences, permissionDifferenceList } from '../model/permission-diff';
import type { PermissionConsistency } from '../model/permissions';
import type { MemberRecord } from './member-record';

const NO_FINDINGS: Finding[] = [];

/** What the diagnosis reads besides the members (GroupTracker.publish). */
export type FindingFacts = Omit<DiagnosisInput, 'observations' | 'permissionDifferences' | 'permissionReference' | 'sourceUp'> & {
  permissions: PermissionConsistency;
};

/**
 * A group's findings tick after tick: the diagnosis (model/diagnosis.ts), each finding dated
 * from the first tick of its cause's current run, and a healthy group's findings kept while
 * its independence does not change.
 */
export class GroupFindings {
  /** Since when each cause of the current findings has been present. */
  private readonly findingSince = new Map<FindingCause, number>();
  /** A healthy group's findings (shared failure domains only) change only with its independence: kept with it. */
  private healthyFindings: { independence: GroupState['independence']; findings: Finding[] } | null = null;

  constructor(private readonly sourceUp: (source: string) => boolean | undefined) {}

  /** Nothing to say this tick (every member converged, no hazard): costs nothing, and every cause's run ends. */
  none(): Finding[] {
    // Map.clear() allocates a fresh table even when empty: at fleet scale, every tick.
    if (this.findingSince.size > 0) this.findingSince.clear();
    this.healthyFindings = null;
    return NO_FINDINGS;
  }

  /** The diagnosis of this tick, each finding dated from the first tick of its cause's current run. */
  of(nowMillis: number, facts: FindingFacts, independenceNow: GroupState['independence'], records: readonly MemberRecord[]): Finding[] {
    const drifted = facts.permissions.drifted;
    const healthy = facts.phase === 'healthy' && drifted.length === 0;
    if (healthy && this.healthyFindings?.independence === independenceNow) return this.healthyFindings.findings;
    const reference = drifted.length > 0 ? permissionReference(records, facts.leader, drifted) : null;
    const differences = new Map<string, readonly string[]>();
    for (const member of drifted) {
      const ours = records.find((r) => r.member === member)?.fresh?.permissionEntries;
      const theirs = reference?.fresh?.permissionEntries;
      if (ours === undefined || theirs === undefined) {
        differences.set(member, []);
        continue;
      }
      const list = permissionDifferenceList(theirs, ours);
      // The member's own state carries them too: the exporters name the first few per member.
      const state = facts.members.find((m) => m.member === member);
      if (state !== undefined) state.permissionDifferences = list;
      differences.set(member, describePermissionDifferences(list, reference!.member, member));
    }
    const drafts = diagnose({
      ...facts,
      observations: records.map((r) => r.latest),
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
}

/** The member whose permissions the drifted ones are compared to: the leader, or a member that did not drift. */
function permissionReference(records: readonly MemberRecord[], leader: string | null, drifted: readonly string[]): MemberRecord | null {
  const withFingerprint = records.filter((r) => r.fresh?.permissionFingerprint !== undefined);
  return withFingerprint.find((r) => r.member === leader && !drifted.includes(r.member)) ?? withFingerprint.find((r) => !drifted.includes(r.member)) ?? null;
}
