import type { GroupConfig } from '../config/group-config';
import type { MemberDeclaration, Observation } from '../model/types';
import type { ObservationSink } from '../receivers/receiver';

/** An ObservationSink that keeps everything, for receiver tests (the one for every receiver). */
export class RecordingSink implements ObservationSink {
  readonly observations: Observation[] = [];
  /** The newest declaration per group. */
  readonly declared = new Map<string, MemberDeclaration[]>();
  /** Every declare call, in order. */
  readonly declarations: { group: string; members: readonly MemberDeclaration[] }[] = [];
  readonly sourceUps: { source: string; up: boolean }[] = [];
  readonly retired: { group: string; member: string }[] = [];
  /** Groups added at run time (OTLP dynamic groups), in order. */
  readonly addedGroups: GroupConfig[] = [];

  observe(observation: Observation): void {
    this.observations.push(observation);
  }

  declare(group: string, members: readonly MemberDeclaration[]): void {
    this.declared.set(group, [...members]);
    this.declarations.push({ group, members });
  }

  retireMember(group: string, member: string): void {
    this.retired.push({ group, member });
  }

  addGroup(config: GroupConfig): void {
    this.addedGroups.push(config);
  }

  sourceUp(source: string, up: boolean): void {
    this.sourceUps.push({ source, up });
  }

  /** The newest observation of a member, if any. */
  latest(member: string): Observation | undefined {
    for (let i = this.observations.length - 1; i >= 0; i--) if (this.observations[i]!.member === member) return this.observations[i];
    return undefined;
  }

  lastSourceUp(): boolean | undefined {
    return this.sourceUps.at(-1)?.up;
  }

  clear(): void {
    this.observations.length = 0;
    this.sourceUps.length = 0;
  }
}
