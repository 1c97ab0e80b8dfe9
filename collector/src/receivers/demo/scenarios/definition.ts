import type { Scenario } from '../timeline';

/** A demo story that can be told with a chosen number of members. */
export interface ScenarioDefinition {
  /** One line for `--help`-like listings and errors. */
  summary: string;
  defaultMembers: number;
  /** The fewest members the story needs to show everything it promises. */
  minMembers: number;
  maxMembers: number;
  /** The recovery-time objective the default demo groups give it at speed 1 (simulated seconds). */
  rtoSeconds: number;
  build(memberCount: number): Scenario;
}

/** `a`, `b`, … for member names. */
export function letter(index: number): string {
  return String.fromCharCode('a'.charCodeAt(0) + index);
}

export const MB = 1024 * 1024;
