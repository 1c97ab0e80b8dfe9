import { contribOptionsOf } from './contrib/contrib-config';
import { ConfigError } from '../../config/config-error';
import { formatDuration } from '../../config/duration';
import type { GroupConfig } from '../../config/group-config';
import type { MemberDeclaration } from '../../model/types';
import type { ObservationSink, Receiver, ReceiverFactory } from '../receiver';
import { createDefaultOtlpGroupConfig, DYNAMIC_GROUP_FRESHNESS_MILLIS, parseOtlpGroupConfig, type OtlpGroupConfig, type OtlpServerConfig } from './config';
import { OTLP_SOURCE } from './ingest';
import { createOtlpHttpReceiver } from './otlp-http-receiver';

export const OTLP_TYPE = 'otlp';

/**
 * `otlp: {}` under a group: the group's members arrive over OTLP, at the one
 * OTLP/HTTP server all such groups share (createShared: `listen.otlp` and the
 * top-level `otlp:` settings; made also when only dynamic groups are allowed).
 * The per-group receiver only declares the configured members, so they show
 * `unknown` until their first data point.
 */
export const otlpReceiverFactory: ReceiverFactory<OtlpGroupConfig> = {
  type: OTLP_TYPE,
  createDefaultConfig: createDefaultOtlpGroupConfig,
  parseConfig: parseOtlpGroupConfig,
  declaredMembers: (config) => config.members,
  intervalMillisOf: (config) => config.pushIntervalMillis,
  pushed: true,
  createShared({ config, groups, registry }, context) {
    if (groups.length === 0 && !config.otlp.dynamicGroups) return null;
    return createOtlpHttpReceiver({
      listen: config.listen.otlp,
      groups: new Set(groups.map((g) => g.name)),
      declaredMembers: new Map(groups.map((g) => [g.name, g.config.members.map((m: MemberDeclaration) => m.member)])),
      server: config.otlp,
      registry,
      context,
      contrib: contribOptionsOf(config.groups),
    });
  },
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

/**
 * `otlp.member_expiry` must be at least twice the freshness of every group
 * that takes OTLP members (and of dynamic groups, when allowed): a silent
 * member is then shown `unknown` for a while before it is retired, rather than
 * vanishing before anyone could see it go. Throws ConfigError naming the key.
 */
export function checkMemberExpiry(
  server: Pick<OtlpServerConfig, 'memberExpiryMillis' | 'dynamicGroups'>,
  groups: readonly Pick<GroupConfig, 'name' | 'freshnessMillis' | 'receivers'>[],
  keyPath = 'otlp.member_expiry',
): void {
  const expiry = server.memberExpiryMillis;
  if (expiry === undefined) return;
  const limits = groups.filter((g) => g.receivers.some((r) => r.type === OTLP_TYPE)).map((g) => ({ what: `group "${g.name}"`, freshness: g.freshnessMillis }));
  if (server.dynamicGroups) limits.push({ what: 'dynamic groups', freshness: DYNAMIC_GROUP_FRESHNESS_MILLIS });
  for (const { what, freshness } of limits) {
    if (expiry >= 2 * freshness) continue;
    throw new ConfigError(
      keyPath,
      `expected at least 2 × the freshness of ${what} (${formatDuration(freshness)}), i.e. ${formatDuration(2 * freshness)}, so a silent member shows unknown before it is retired (got ${formatDuration(expiry)})`,
    );
  }
}
