import { Registry } from 'prom-client';
import { HttpApi } from './api/http-server';
import type { CollectorConfig } from './config/collector-config';
import { RecoveryEngine } from './engine/engine';
import { PrometheusExporter } from './exporters/prometheus/prometheus-exporter';
import type { Logger } from './logger';
import type { Episode, GroupState } from './model/group-state';
import type { Phase } from './model/types';
import { startOtlpExporter, type OtlpExporter } from './exporters/otlp';
import type { ObservationSink, Receiver, ReceiverContext, ReceiverFactory, SharedReceiver } from './receivers/receiver';
import { RECEIVER_FACTORIES } from './receivers/registry';
import type { EpisodeStore } from './store/types';
import { openEpisodeStore } from './store/open-episode-store';
import { PostgresEpisodeStore } from './store/postgres-episode-store';

export interface CollectorOptions {
  config: CollectorConfig;
  logger: Logger;
  factories?: readonly ReceiverFactory<unknown>[];
  /** Called when a group's phase changes (the CLI prints a summary line). */
  onPhaseChange?: (state: GroupState, previous: Phase | null) => void;
}

/** Where the running collector listens. */
export interface CollectorEndpoints {
  metrics: { host: string; port: number };
  /** The shared receivers that run (createShared), by type: `otlp` when the OTLP/HTTP server does. */
  receivers: Record<string, { host: string; port: number }>;
}

/**
 * The assembled collector: receivers → engine (ticking) → Prometheus exporter,
 * JSON API and episode store. One instance per process; tests start several on
 * port 0.
 */
export class Collector {
  readonly engine: RecoveryEngine;
  readonly exporter: PrometheusExporter;
  private readonly store: EpisodeStore;
  /** Per-group receivers: one failing to start leaves its members unknown. */
  private readonly receivers: Receiver[] = [];
  /** Shared receivers by type: one failing to start fails the start. */
  private readonly shared = new Map<string, SharedReceiver>();
  private readonly api: HttpApi;
  private timer: NodeJS.Timeout | undefined;
  private otlpExporter: OtlpExporter | undefined;

  constructor(private readonly options: CollectorOptions) {
    const { config, logger } = options;
    // Throws StoreOpenError (the CLI exits 2) only when the path cannot be opened at all.
    this.store =
      config.storePostgres !== undefined
        ? new PostgresEpisodeStore({
            url: config.storePostgres.url.reveal(),
            redacted: config.storePostgres.redacted,
            logger,
            roleCheckMillis: Math.min(config.intervalMillis, 1000),
          })
        : openEpisodeStore(config.storePath, { logger });
    this.engine = new RecoveryEngine({ groups: config.groups, store: this.store, logger, maintenance: config.maintenance });
    this.exporter = new PrometheusExporter(new Registry());
    this.exporter.storeUp(this.engine.storeUp() ?? false);
    for (const group of config.groups) this.exporter.declareGroup(group.name);
    if (config.shard !== undefined) this.exporter.shardInfo(config.shard);
    // Episode counters start at zero in every process, as Prometheus counters do: increase()
    // handles the reset, and the store's history never re-enters them (a collector started
    // on an older copy of its store would otherwise look like a reset plus new episodes).
    // With a PostgreSQL store (an HA pair) an episode is counted by the collector whose write
    // closed its row, once it is written: a sum over both collectors counts it once, also when
    // both complete it after a store outage; the standby's counters stay at zero.
    this.onEpisodeCounted((episode) => this.exporter.recordEpisode(episode));
    this.engine.onBlip((group) => this.countsEpisodes() && this.exporter.recordBlip(group));
    if (options.onPhaseChange) this.engine.onPhaseChange(options.onPhaseChange);
    this.api = new HttpApi({ ...config.listen.metrics, auth: config.listen.auth, engine: this.engine, exporter: this.exporter, logger });
  }

  async start(): Promise<CollectorEndpoints> {
    const { config, logger } = this.options;
    const context: ReceiverContext = { intervalMillis: config.intervalMillis, logger, now: Date.now };
    this.createReceivers(context);
    const sink = this.sink();

    if (this.store instanceof PostgresEpisodeStore) {
      // Before the first tick: a collector that is active continues the stored open episodes instead of opening new ones.
      this.store.onActive((open) => this.engine.resumeOpenEpisodes(open));
      await this.store.start();
    }
    const metrics = await this.api.start();
    try {
      // The shared servers first: a port that cannot be bound stops the start (the caller says why), nothing runs to show unknown.
      for (const receiver of this.shared.values()) await receiver.start(sink);
    } catch (error) {
      await Promise.allSettled([...this.shared.values()].map((r) => r.stop()));
      await this.api.stop();
      throw error;
    }
    for (const receiver of this.receivers) {
      await receiver.start(sink).catch((error: unknown) => {
        // A failing source must never take the others down: log it, its members go unknown.
        logger.error('source failed to start; its members will show unknown', { source: receiver.source, error: String(error) });
        this.engine.sourceUp(receiver.source, false);
      });
    }
    if (config.exporters.otlp !== undefined) {
      this.otlpExporter = startOtlpExporter(config.exporters.otlp, () => this.engine.snapshot(), logger, {
        sources: () => this.engine.sourceStates(),
        storeUp: () => this.engine.storeUp() ?? false,
        collectorActive: () => this.active(),
        ...(config.shard === undefined ? {} : { shard: config.shard }),
      });
      this.onEpisodeCounted((episode) => this.otlpExporter?.recordEpisode(episode));
      this.engine.onBlip((group) => this.countsEpisodes() && this.otlpExporter?.recordBlip(group));
    }
    this.tick();
    this.timer = setInterval(() => this.tick(), config.intervalMillis);
    return { metrics, receivers: Object.fromEntries([...this.shared].map(([type, receiver]) => [type, receiver.address()])) };
  }

  /**
   * Stop in a bounded time. The open episodes are saved first (no tick runs
   * after the timer is cleared, so they cannot change); then the receivers
   * (each bounded by its probe timeout) and the API; the OTLP exporter's last
   * push comes last and gets SHUTDOWN_EXPORT_DEADLINE_MILLIS (otlp-exporter.ts),
   * so an export endpoint that hangs can hold neither the episodes nor the exit.
   */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    try {
      await this.engine.flushAsync();
    } finally {
      // A store that cannot save still lets everything else stop (the error is reported after).
      await Promise.allSettled([...this.receivers, ...this.shared.values()].map((r) => r.stop()));
      await this.api.stop();
      await this.otlpExporter?.shutdown();
      await this.store.close();
    }
  }

  private tick(): void {
    try {
      const states = this.engine.tick();
      this.exporter.update(states, this.engine.sourceStates());
      this.exporter.storeUp(this.engine.storeUp() ?? false);
      this.exporter.collectorActive(this.active());
    } catch (error) {
      this.options.logger.error('derivation tick failed', { error: String(error), stack: (error as Error).stack });
    }
  }

  /** `recovery_collector_active`: a SQLite store is always this collector's; a PostgreSQL one while it holds the lock. */
  active(): boolean {
    return this.store instanceof PostgresEpisodeStore ? this.store.active : true;
  }

  /** Each episode this collector counts: as it completes with SQLite; with PostgreSQL, when its write closes the stored row. */
  private onEpisodeCounted(listener: (episode: Episode) => void): void {
    if (this.store instanceof PostgresEpisodeStore) this.store.onClosed(listener);
    else this.engine.onEpisodeCompleted(listener);
  }

  /** Blips (never stored) are this collector's to count: always with SQLite; with PostgreSQL, while it writes the episodes. */
  private countsEpisodes(): boolean {
    return this.store instanceof PostgresEpisodeStore ? this.store.writesCompleted : true;
  }

  /** Each group's receivers, by its factory; then each factory's shared component, when one is needed. */
  private createReceivers(context: ReceiverContext): void {
    const { config } = this.options;
    const factories = this.options.factories ?? RECEIVER_FACTORIES;
    const byType = new Map(factories.map((f) => [f.type, f]));
    for (const group of config.groups) {
      for (const receiver of group.receivers) {
        this.receivers.push(byType.get(receiver.type)!.create(group.name, receiver.config, context));
      }
    }
    for (const factory of factories) {
      const groups = config.groups.flatMap((g) => g.receivers.filter((r) => r.type === factory.type).map((r) => ({ name: g.name, config: r.config })));
      const shared = factory.createShared?.({ config, groups, registry: this.exporter.registry }, context);
      if (shared) this.shared.set(factory.type, shared);
    }
  }

  /** What every receiver delivers to: the engine, and groups added at run time declared to the exporter. */
  private sink(): ObservationSink {
    const { engine, exporter } = this;
    return {
      observe: (observation) => engine.observe(observation),
      declare: (group, members) => engine.declare(group, members),
      retireMember: (group, member) => engine.retireMember(group, member),
      sourceUp: (source, up) => engine.sourceUp(source, up),
      addGroup(group) {
        if (engine.addGroup(group)) exporter.declareGroup(group.name);
      },
    };
  }
}
