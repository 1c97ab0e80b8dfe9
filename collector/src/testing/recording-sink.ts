import type { MemberDeclaration, Observation } from '../model/types';
import type { ObservationSink } from '../receivers/receiver';

/** An ObservationSink that keeps everything, for receiver tests. */
export class RecordingSink implements ObservationSink {
  readonly observations: Observation[] = [];
  readonly declared = new Map<string, MemberDeclaration[]>();
  readonly sourceUps: { source: string; up: boolean }[] = [];

  observe(observation: Observation): void {
    this.observations.push(observation);
  }

  declare(group: string, members: readonly MemberDeclaration[]): void {
    this.declared.set(group, [...members]);
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
