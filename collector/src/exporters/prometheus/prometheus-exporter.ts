import { Registry } from 'prom-client';
import { isWithinRto, type Episode, type GroupState } from '../../model/group-state';
import { METRICS } from '../metric-definitions';
import { familyHeader, labelPair, OPENMETRICS_EOF, type ExpositionFormat } from './exposition-format';
import { bufferFor, FamilyText } from './family-text';
import { GROUP_FAMILIES, GroupSeries } from './group-series';
import { registryAsOpenMetrics } from './registry-openmetrics';

/** One scrape's answer: send the pieces in order, then `release()` (the buffers may be reused after). */
export interface Exposition {
  pieces: Buffer[];
  release(): void;
}

export interface PrometheusExporterOptions {
  /** Clock for the observation ages and ETAs filled in at scrape time (epoch ms); tests pass a fake one. */
  nowMillis?: () => number;
}

/**
 * `/metrics`. The recovery signals (DESIGN.md §4) are kept as text per group and
 * family (group-series.ts): `update()` re-renders only what changed this tick,
 * and a scrape is mostly copying — prom-client's registry re-formats every series
 * on every scrape, 3.5 s for a million series. Observation ages change every tick
 * for every member and the ETA counts down to its deadline (`etaSecondsAt`), so
 * they alone are formatted per scrape.
 *
 * `registry` stays prom-client's, for the collector's own bookkeeping metrics other
 * components register on it (the receivers' `recovery_receiver_*` counters): it is
 * served after the recovery signals, in the same answer.
 */
export class PrometheusExporter {
  readonly registry: Registry;
  private readonly nowMillis: () => number;
  private readonly groups = new Map<string, GroupSeries>();
  private readonly sourceUpLines = new Map<string, string>();
  /** prom-client started an unlabelled gauge at 0; kept, and the collector sets it at start anyway. */
  private storeUpLine = `${METRICS.storeUp.name} 0\n`;
  private collectorActiveLine = `${METRICS.collectorActive.name} 1\n`;
  private shardInfoLine = '';
  /** Per family (index in GROUP_FAMILIES), every group's series in group order. */
  private readonly families = GROUP_FAMILIES.map(() => new FamilyText());
  /** Ages are rendered per scrape into this buffer, reused when no scrape is in flight. */
  private agesBuffer: Buffer | undefined;
  /** ETAs likewise (they count down to the deadline), into their own buffer. */
  private etaBuffer: Buffer | undefined;
  private scrapesInFlight = 0;
  private readonly headers: Record<ExpositionFormat, Buffer[]> = {
    prometheus: GROUP_FAMILIES.map((key) => Buffer.from(familyHeader(METRICS[key], 'prometheus'), 'utf8')),
    openmetrics: GROUP_FAMILIES.map((key) => Buffer.from(familyHeader(METRICS[key], 'openmetrics'), 'utf8')),
  };

  constructor(registry: Registry = new Registry(), options: PrometheusExporterOptions = {}) {
    this.registry = registry;
    this.nowMillis = options.nowMillis ?? Date.now;
  }

  /**
   * Start a group's episode counters and histogram at zero, so Prometheus sees
   * the group's first-ever episode as an increase (the SLO counts it).
   */
  declareGroup(group: string): void {
    this.series(group).declare();
  }

  /**
   * Count a completed episode in the histogram and the counters (a planned one
   * only in `recovery_planned_episodes_total`). It is judged
   * once, here, against the RTO it ran under, so raising an RTO later does not
   * rewrite the SLO's past. Counters start at zero in every process (plain
   * Prometheus counter semantics: `increase()` handles the reset); replaying the
   * store into them made a collector started on an older store copy look like a
   * counter reset followed by new episodes.
   */
  recordEpisode(episode: Pick<Episode, 'group' | 'durationSeconds' | 'rtoSeconds' | 'planned'>): void {
    // Planned maintenance is kept out of the SLO's counters and duration histogram.
    this.series(episode.group).recordEpisode(episode.durationSeconds, isWithinRto(episode) === true, episode.planned === true);
  }

  /** A non-healthy run that ended within the onset delay (no episode). */
  recordBlip(group: string): void {
    this.series(group).recordBlip();
  }

  /** Bring the series in line with this tick's states. */
  update(states: readonly GroupState[], sources: ReadonlyMap<string, boolean>): void {
    for (const state of states) this.series(state.name).update(state);
    for (const [source, up] of sources) this.sourceUpLines.set(source, `${METRICS.sourceUp.name}{${labelPair('source', source)}} ${up ? 1 : 0}\n`);
  }

  /** `recovery_store_up`: whether the episode store accepts writes. */
  storeUp(up: boolean): void {
    this.storeUpLine = `${METRICS.storeUp.name} ${up ? 1 : 0}\n`;
  }

  /** `recovery_collector_shard_info{shard,shards} 1` (a collector without `shard:` has none). */
  shardInfo(shard: { index: number; count: number }): void {
    this.shardInfoLine = `${METRICS.collectorShardInfo.name}{${labelPair('shard', String(shard.index))},${labelPair('shards', String(shard.count))}} 1\n`;
  }

  /** `recovery_collector_active`: whether this collector writes the episodes (0 for the standby of an HA pair). */
  collectorActive(active: boolean): void {
    this.collectorActiveLine = `${METRICS.collectorActive.name} ${active ? 1 : 0}\n`;
  }

  /**
   * The whole exposition as pieces in order (about one per family), so the HTTP
   * server can write or gzip them without first building one 70 MiB string.
   */
  async exposition(format: ExpositionFormat = 'prometheus'): Promise<Exposition> {
    const pieces: Buffer[] = [];
    const groups = Array.from(this.groups.values());
    const reuse = this.scrapesInFlight === 0;
    this.scrapesInFlight++;
    GROUP_FAMILIES.forEach((key, index) => {
      pieces.push(this.headers[format][index]!);
      if (key === 'memberObservationAge') pieces.push(this.observationAges(groups, reuse));
      else if (key === 'groupEta') pieces.push(this.etas(groups, reuse));
      else pieces.push(this.families[index]!.render(groups.length, reuse));
    });
    const ownMetrics = [
      familyHeader(METRICS.sourceUp, format),
      ...this.sourceUpLines.values(),
      familyHeader(METRICS.storeUp, format),
      this.storeUpLine,
      familyHeader(METRICS.collectorActive, format),
      this.collectorActiveLine,
      familyHeader(METRICS.collectorShardInfo, format),
      this.shardInfoLine,
    ];
    pieces.push(Buffer.from(ownMetrics.join(''), 'utf8'));
    try {
      const others = format === 'openmetrics' ? (await registryAsOpenMetrics(this.registry)) + OPENMETRICS_EOF : await this.registry.metrics();
      pieces.push(Buffer.from(others, 'utf8'));
    } catch (error) {
      this.scrapesInFlight--; // a failing collect callback must not leave this scrape counted forever
      throw error;
    }
    let released = false;
    const release = (): void => {
      if (!released) this.scrapesInFlight--;
      released = true;
    };
    return { pieces, release };
  }

  /** The exposition as one string (Prometheus text format unless asked otherwise). */
  async metricsText(format: ExpositionFormat = 'prometheus'): Promise<string> {
    const { pieces, release } = await this.exposition(format);
    try {
      return Buffer.concat(pieces).toString('utf8');
    } finally {
      release();
    }
  }

  private observationAges(groups: readonly GroupSeries[], reuse: boolean): Buffer {
    let bound = 0;
    for (const group of groups) bound += group.observationAgesMaxBytes();
    const out = bufferFor(bound, this.agesBuffer, reuse);
    this.agesBuffer = out;
    const nowMillis = this.nowMillis();
    let pos = 0;
    for (const group of groups) pos = group.writeObservationAges(nowMillis, out, pos);
    return out.subarray(0, pos);
  }

  private etas(groups: readonly GroupSeries[], reuse: boolean): Buffer {
    let bound = 0;
    for (const group of groups) bound += group.etaMaxBytes();
    const out = bufferFor(bound, this.etaBuffer, reuse);
    this.etaBuffer = out;
    const nowMillis = this.nowMillis();
    let pos = 0;
    for (const group of groups) pos = group.writeEta(nowMillis, out, pos);
    return out.subarray(0, pos);
  }

  private series(group: string): GroupSeries {
    let series = this.groups.get(group);
    if (series === undefined) {
      const index = this.groups.size;
      series = new GroupSeries(group, (family, text) => this.families[family]!.set(index, text));
      this.groups.set(group, series);
    }
    return series;
  }
}
