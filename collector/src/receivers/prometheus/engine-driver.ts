import { GROUP_DEFAULTS, type GroupConfig } from '../../config/group-config';
import { RecoveryEngine } from '../../engine/engine';
import { createMemoryLogger } from '../../logger';
import type { GroupState, MemberState } from '../../model/group-state';
import { waitFor } from '../../testing/processes';
import { parsePrometheusConfig } from './config';
import { PrometheusReceiver } from './prometheus-receiver';

/**
 * The integration tests' collector: a PrometheusReceiver feeding the real
 * RecoveryEngine, one query round and one tick per step (as the collector runs
 * them each interval), every state kept for the assertions.
 */
export class EngineDriver {
  readonly engine: RecoveryEngine;
  readonly receiver: PrometheusReceiver;
  readonly states: GroupState[] = [];

  constructor(
    readonly group: GroupConfig,
    prometheus: Record<string, unknown>,
  ) {
    this.engine = new RecoveryEngine({ groups: [group] });
    const config = parsePrometheusConfig(prometheus, 'groups[0].prometheus');
    this.receiver = new PrometheusReceiver(group.name, config, { intervalMillis: 1_000, logger: createMemoryLogger(), now: Date.now });
  }

  async declare(): Promise<void> {
    await this.receiver.start(this.engine);
    await this.receiver.stop(); // start() declared the members; the test drives the rounds
  }

  async step(): Promise<GroupState> {
    await this.receiver.round(this.engine);
    const state = this.engine.tick().find((s) => s.name === this.group.name)!;
    this.states.push(state);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return state;
  }

  stepUntil(what: string, done: (s: GroupState) => boolean, timeoutMillis = 60_000): Promise<GroupState> {
    return waitFor(
      what,
      timeoutMillis,
      async () => {
        const state = await this.step();
        return done(state) ? state : undefined;
      },
      0,
    );
  }

  /** Step for `millis`, returning every state seen. */
  async stepFor(millis: number): Promise<GroupState[]> {
    const seen: GroupState[] = [];
    const end = Date.now() + millis;
    while (Date.now() < end) seen.push(await this.step());
    return seen;
  }

  sourceUp(): boolean | undefined {
    return this.engine.sourceStates().get(this.receiver.source);
  }
}

export function memberOf(state: GroupState, member: string): MemberState {
  const found = state.members.find((m) => m.member === member);
  if (found === undefined) throw new Error(`no member ${member} in ${state.members.map((m) => m.member).join(', ')}`);
  return found;
}

/** The member's statuses in order, consecutive repeats collapsed. */
export function statusSequence(states: readonly GroupState[], member: string): string[] {
  const out: string[] = [];
  for (const state of states) {
    const status = memberOf(state, member).status;
    if (out.at(-1) !== status) out.push(status);
  }
  return out;
}

/** Group settings for a 1 s scrape: freshness covers a scrape, the query and a tick. */
export function integrationGroup(name: string, overrides: Partial<GroupConfig> = {}): GroupConfig {
  return {
    ...GROUP_DEFAULTS,
    name,
    rtoMillis: 120_000,
    holdDownMillis: 3_000,
    freshnessMillis: 5_000,
    progressWindowMillis: 5_000,
    stabilizationWindowMillis: 10_000,
    receivers: [],
    ...overrides,
  };
}
