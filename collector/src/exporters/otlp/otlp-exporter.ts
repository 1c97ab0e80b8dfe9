import { ValueType, type ObservableGauge } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { AggregationTemporality, InstrumentType, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { resources } from '@opentelemetry/sdk-node';
import { redactUrl } from '../../config/secrets';
import type { Logger } from '../../logger';
import { isWithinRto, type Episode, type GroupState } from '../../model/group-state';
import { METRICS, RECOVERY_DURATION_BUCKETS_SECONDS, type MetricDefinition } from '../metric-definitions';
import type { OtlpExporterConfig } from './config';
import { forEachGaugePoint, type GaugeKey } from './gauge-points';
import { otlpName } from './otlp-names';

export interface OtlpExporter {
  /** Count a completed episode (recovery.duration_seconds histogram, recovery.episodes counter). */
  recordEpisode(episode: Pick<Episode, 'group' | 'durationSeconds' | 'rtoSeconds' | 'planned'>): void;
  /** Count a non-healthy run that ended within the onset delay (recovery.blips). */
  recordBlip(group: string): void;
  /** Push now (tests, and before exit). */
  forceFlush(): Promise<void>;
  /** Push what is left and stop; gives up after SHUTDOWN_EXPORT_DEADLINE_MILLIS (never rejects). */
  shutdown(): Promise<void>;
}

/**
 * How long stopping waits for the last OTLP push. The signals stay on the
 * receiving end's previous push and the episodes are in the store, so an
 * unreachable endpoint costs the final values, not the stop (README, "Stopping").
 */
export const SHUTDOWN_EXPORT_DEADLINE_MILLIS = 2_000;

export interface OtlpExporterExtras {
  /** `recovery.source.up`: whether each source answered its last round. */
  sources?: () => ReadonlyMap<string, boolean>;
  /** `recovery.store.up`: whether the episode store accepts writes; absent without it. */
  storeUp?: () => boolean;
  /** `recovery.collector.active`. */
  collectorActive?: () => boolean;
  /** `recovery.collector.shard_info` with `shard`, `shards` (a collector with `shard:`). */
  shard?: { index: number; count: number };
  /** Wall clock (epoch ms), for observation ages; tests pass a fake. */
  now?: () => number;
}

/**
 * Push the derived signals (DESIGN.md §4) as OTLP metrics every
 * `config.intervalMillis`, through the OpenTelemetry SDK's MeterProvider and
 * periodic reader with the official OTLP/HTTP exporters. Gauges are
 * observable: their values are read from `snapshot()` when each export is
 * collected, so nothing is copied per tick.
 */
export function startOtlpExporter(
  config: OtlpExporterConfig,
  snapshot: () => readonly GroupState[],
  logger: Logger,
  extras: OtlpExporterExtras = {},
): OtlpExporter {
  const target = redactUrl(config.url);
  const exporterOptions = {
    url: config.url,
    headers: config.headers,
    compression: config.compression as never, // the SDK's CompressionAlgorithm enum has these string values
    timeoutMillis: config.timeoutMillis,
  };
  const otlp: PushMetricExporter = config.protocol === 'http/json' ? new JsonMetricExporter(exporterOptions) : new ProtobufMetricExporter(exporterOptions);
  const provider = new MeterProvider({
    resource: resources.resourceFromAttributes({ 'service.name': 'rebound-collector' }),
    readers: [
      new PeriodicExportingMetricReader({
        exporter: reportingFailures(otlp, target, logger),
        exportIntervalMillis: config.intervalMillis,
        exportTimeoutMillis: config.timeoutMillis,
      }),
    ],
  });
  const meter = provider.getMeter('rebound-collector');

  const gauges = {} as Record<GaugeKey, ObservableGauge>;
  for (const key of Object.keys(METRICS) as (keyof typeof METRICS)[]) {
    const definition = METRICS[key];
    if (definition.type !== 'gauge') continue;
    gauges[key as GaugeKey] = meter.createObservableGauge(otlpName(definition), {
      description: definition.help,
      unit: definition.unit,
      valueType: ValueType.DOUBLE,
    });
  }
  const now = extras.now ?? Date.now;
  let snapshotFailedAt = -Infinity;
  meter.addBatchObservableCallback((observer) => {
    try {
      forEachGaugePoint(snapshot(), extras.sources?.() ?? new Map(), now(), (key, value, attributes) => observer.observe(gauges[key], value, attributes));
      if (extras.storeUp !== undefined) observer.observe(gauges.storeUp, extras.storeUp() ? 1 : 0);
      if (extras.collectorActive !== undefined) observer.observe(gauges.collectorActive, extras.collectorActive() ? 1 : 0);
      if (extras.shard !== undefined) observer.observe(gauges.collectorShardInfo, 1, { shard: String(extras.shard.index), shards: String(extras.shard.count) });
    } catch (error) {
      // The SDK would swallow it; say it (at most every 5 minutes) and push nothing rather than half a picture.
      if (now() - snapshotFailedAt > 300_000) logger.error('OTLP export could not read the recovery state', { error: String(error) });
      snapshotFailedAt = now();
      throw error;
    }
  }, Object.values(gauges));

  const duration = meter.createHistogram(otlpName(METRICS.duration), {
    description: METRICS.duration.help,
    unit: METRICS.duration.unit,
    advice: { explicitBucketBoundaries: [...RECOVERY_DURATION_BUCKETS_SECONDS] },
  });
  const counter = (d: MetricDefinition) => meter.createCounter(otlpName(d), { description: d.help, unit: d.unit, valueType: ValueType.INT });
  const episodes = counter(METRICS.episodes);
  const episodesWithinRto = counter(METRICS.episodesWithinRto);
  const plannedEpisodes = counter(METRICS.plannedEpisodes);
  const blips = counter(METRICS.blips);

  logger.info('OTLP exporter started', { url: target, protocol: config.protocol, intervalMillis: config.intervalMillis });
  return {
    recordEpisode(episode) {
      // Planned maintenance is kept out of the SLO's counters and duration histogram.
      if (episode.planned === true) return void plannedEpisodes.add(1, { group: episode.group });
      episodes.add(1, { group: episode.group });
      if (episode.durationSeconds !== null) duration.record(episode.durationSeconds, { group: episode.group });
      if (isWithinRto(episode) === true) episodesWithinRto.add(1, { group: episode.group });
    },
    recordBlip: (group) => blips.add(1, { group }),
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), SHUTDOWN_EXPORT_DEADLINE_MILLIS)));
      const pushed = provider.shutdown().then(
        () => 'pushed' as const,
        (error: unknown) => (logger.warn('OTLP exporter: the last push failed while stopping', { url: target, error: String(error) }), 'pushed' as const),
      );
      const ended = await Promise.race([pushed, deadline]);
      clearTimeout(timer);
      if (ended === 'deadline')
        logger.warn(`OTLP exporter: the last push did not finish within ${SHUTDOWN_EXPORT_DEADLINE_MILLIS} ms; stopping without it`, { url: target });
    },
  };
}

/**
 * Wraps the OTLP exporter for two things:
 * - Temporality: the SDK keeps re-sending the last value of an observable
 *   gauge's series under cumulative temporality even after the callback stops
 *   observing it, which would turn an unknown ETA into a stale number. Delta
 *   for observable gauges exports only what this collection observed (gauges
 *   carry no temporality on the wire); the counter and histogram stay cumulative.
 * - Failures: the SDK reports them to OpenTelemetry's global error handler,
 *   which nobody reads here; log them ourselves, once when pushes start
 *   failing (then at most every 5 minutes) and once when they work again.
 */
function reportingFailures(inner: PushMetricExporter, target: string, logger: Logger): PushMetricExporter {
  let failing = false;
  let lastWarnAt = -Infinity;
  return {
    export(metrics, resultCallback) {
      inner.export(metrics, (result) => {
        if (result.code !== 0) {
          const now = Date.now();
          if (!failing || now - lastWarnAt > 300_000) {
            logger.warn('OTLP export failed; the signals are still on /metrics', { url: target, error: result.error?.message ?? 'unknown error' });
            lastWarnAt = now;
          }
          failing = true;
        } else if (failing) {
          failing = false;
          logger.info('OTLP export works again', { url: target });
        }
        resultCallback(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    selectAggregationTemporality: (type) => (type === InstrumentType.OBSERVABLE_GAUGE ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE),
    ...(inner.selectAggregation ? { selectAggregation: (type) => inner.selectAggregation!(type) } : {}),
  };
}
