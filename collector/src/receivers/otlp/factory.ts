import type { GroupConfig } from '../../config/group-config';
import type { MemberDeclaration } from '../../model/types';
import type { ObservationSink, Receiver, ReceiverFactory } from '../receiver';
import { createDefaultOtlpGroupConfig, parseOtlpGroupConfig, type OtlpGroupConfig } from './config';
import { OTLP_SOURCE } from './ingest';

export const OTLP_TYPE = 'otlp';

/**
 * `otlp: {}` under a group: the group's members arrive over OTLP (the shared
 * server made by createOtlpHttpReceiver). The per-group receiver only declares
 * the configured members, so they show `unknown` until their first data point.
 */
export const otlpReceiverFactory: ReceiverFactory<OtlpGroupConfig> = {
  type: OTLP_TYPE,
  createDefaultConfig: createDefaultOtlpGroupConfig,
  parseConfig: parseOtlpGroupConfig,
  declaredMembers: (config) => config.members,
  intervalMillisOf: (config) => config.pushIntervalMillis,
  create(group: string, config: OtlpGroupConfig): Receiver {
    return {
      source: OTLP_SOURCE,
      async start(sink: ObservationSink): Promise<void> {
        if (config.members.length > 0) sink.declare(group, config.members);
      },
      async stop(): Promise<void> {},
    };
  },
};

/** The groups configured with `otlp:` and their declared members: the inputs createOtlpHttpReceiver needs. */
export function otlpGroupsOf(groups: readonly GroupConfig[]): {
  groups: ReadonlySet<string>;
  declaredMembers: ReadonlyMap<string, readonly string[]>;
} {
  const names = new Set<string>();
  const declaredMembers = new Map<string, string[]>();
  for (const group of groups) {
    for (const receiver of group.receivers) {
      if (receiver.type !== OTLP_TYPE) continue;
      names.add(group.name);
      const members = (receiver.config as OtlpGroupConfig).members.map((m: MemberDeclaration) => m.member);
      declaredMembers.set(group.name, members);
    }
  }
  return { groups: names, declaredMembers };
}
