import type { MemberDeclaration, Observation } from '../model/types';
import type { Registry } from 'prom-client';
import type { CollectorConfig } from '../config/collector-config';
import type { GroupConfig } from '../config/group-config';
import type { Logger } from '../logger';

/** Where receivers deliver what they learn. The engine implements it. */
export interface ObservationSink {
  /** Record one observation. Never throws for a well-formed observation of a known group. */
  observe(observation: Observation): void;
  /** Declare members known from config, so they show as `unknown` until observed. */
  declare(group: string, members: readonly MemberDeclaration[]): void;
  /**
   * Forget a member that is gone for good (the OTLP receiver's `member_expiry`).
   * Declared members are kept. Optional: only sinks that track members need it.
   */
  retireMember?(group: string, member: string): void;
  /**
   * Add a group first seen at run time (the OTLP receiver's `dynamic_groups`), before
   * its first observation; a no-op for a group that exists. Optional: only the
   * collector's sink grows.
   */
  addGroup?(config: GroupConfig): void;
  /** Report whether a source answered its last round (`recovery_source_up{source}`). */
  sourceUp(source: string, up: boolean): void;
}

/** Things every receiver gets from the collector. */
export interface ReceiverContext {
  /** Default probe interval (the config's `interval`), milliseconds. */
  intervalMillis: number;
  logger: Logger;
  /** Wall clock in epoch milliseconds; tests pass a fake. */
  now(): number;
}

/** A running source of observations. A failing receiver must never throw out of its loop. */
export interface Receiver {
  /** Source name as exported in `recovery_source_up{source}`. */
  readonly source: string;
  start(sink: ObservationSink): Promise<void>;
  stop(): Promise<void>;
}

/** What a shared component is made from: the whole config, and the groups that use its type. */
export interface SharedComponentSettings<Config> {
  config: CollectorConfig;
  /** The groups with this receiver's key, and their parsed section. */
  groups: readonly { name: string; config: Config }[];
  /** Where a component registers its own counters (`recovery_receiver_*`). */
  registry: Registry;
}

/** A component every group of a type shares; it listens on an address of its own. */
export interface SharedReceiver extends Receiver {
  /** Where it listens once started (the real port when 0 was asked). */
  address(): { host: string; port: number };
}

/** Path of keys inside the YAML file, for error messages: `groups[0].redis.nodes[1].address`. */
export type KeyPath = string;

/**
 * Creates a receiver for one group from the group's config section (the YAML
 * key equal to `type`). Modelled on the OpenTelemetry Collector's factories.
 */
export interface ReceiverFactory<Config> {
  /** The YAML key under a group that selects this receiver, e.g. `redis`. */
  readonly type: string;
  createDefaultConfig(): Config;
  /**
   * Validate the raw YAML value at `keyPath` and return the typed config with
   * defaults applied. Throws ConfigError naming the key path on bad input.
   */
  parseConfig(raw: unknown, keyPath: KeyPath): Config;
  create(group: string, config: Config, context: ReceiverContext): Receiver;
  /**
   * The one component all groups of this type share, made once per collector (the
   * OTLP/HTTP server: one port for every `otlp:` group and for dynamic groups), as the
   * OpenTelemetry Collector's sharedcomponent does; null when nothing needs it. Its
   * start failing fails the collector's start: it has no members of its own to show
   * `unknown`, and a port that cannot be bound is a mistake in the config.
   */
  createShared?(settings: SharedComponentSettings<Config>, context: ReceiverContext): SharedReceiver | null;
  /** Its members push (OTLP): their interval sets the freshness window but not the onset delay, which follows the probes. */
  readonly pushed?: boolean;
  /** Members this config declares (for duplicate checks and `unknown` before first sight). */
  declaredMembers?(config: Config): readonly MemberDeclaration[];
  /** The probe interval this config uses, when it overrides the collector's; sets the default freshness window. */
  intervalMillisOf?(config: Config): number | undefined;
  /** Group settings this source's story needs (the demo's compressed clock); keys the user set still win. */
  groupDefaultsOf?(config: Config, intervalMillis: number): Partial<Omit<GroupConfig, 'name' | 'receivers'>>;
}
