import { Registry } from 'prom-client';
import { isWithinRto, type Episode, type GroupState } from '../../model/group-state';
import { METRICS } from '../metric-definitions';
import { familyHeader, labelPair, OPENMETRICS_EOF, type ExpositionFormat } from './exposition-format';
import { GROUP_FAMILIES, GroupSeries } from './group-series';
import { registryAsOpenMetrics } from './registry-openmetrics';

export interface PrometheusExporterOptions {
  /** Clock for the observation ages filled in at scrape time (epoch ms); tests pass a fake one. */
  nowMillis?: () => number;
}

/**
 * `/metrics`. The recovery signals (DESIGN.md §4) are kept as text per group and
 * family (group-series.ts): `update()` re-renders only what changed this tick,
 * and a scrape is mostly copying — prom-client's registry re-formats every series
 * on every scrape, 3.5 s for a million series. Observation ages change every tick
 * for every member, so they alone are formatted per scrape.
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
   * Count a completed episode in the histogram and the counters. It is judged
   * once, here, against the RTO it ran under, so raising an RTO later does not
   * rewrite the SLO's past. Counters start at zero in every process (plain
   * Prometheus counter semantics: `increase()` handles the reset); replaying the
   * store into them made a collector started on an older store copy look like a
   * counter reset followed by new episodes.
   */
  recordEpisode(episode: Pick<Episode, 'group' | 'durationSeconds' | 'rtoSeconds'>): void {
    this.series(episode.group).recordEpisode(episode.durationSeconds, isWithinRto(episode) === true);
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

  /**
   * The whole exposition as pieces in order (about one per family), so the HTTP
   * server can write or gzip them without first building one 70 MiB string.
   */
  async exposition(format: ExpositionFormat = 'prometheus'): Promise<string[]> {
    const pieces: string[] = [];
    const groups = Array.from(this.groups.values());
    const nowMillis = this.nowMillis();
    GROUP_FAMILIES.forEach((key, index) => {
      const family: string[] = [familyHeader(METRICS[key], format)];
      if (key === 'memberObservationAge') {
        for (const group of groups) group.pushObservationAges(nowMillis, family);
      } else {
        for (const group of groups) {
          const chunk = group.chunks[index]!;
          if (chunk !== '') family.push(chunk);
        }
      }
      pieces.push(family.join(''));
    });
    pieces.push(familyHeader(METRICS.sourceUp, format) + Array.from(this.sourceUpLines.values()).join(''));
    pieces.push(familyHeader(METRICS.storeUp, format) + this.storeUpLine);
    if (format === 'openmetrics') {
      pieces.push(await registryAsOpenMetrics(this.registry), OPENMETRICS_EOF);
    } else {
      pieces.push(await this.registry.metrics());
    }
    return pieces;
  }

  /** The exposition as one string (Prometheus text format unless asked otherwise). */
  async metricsText(format: ExpositionFormat = 'prometheus'): Promise<string> {
    return (await this.exposition(format)).join('');
  }

  private series(group: string): GroupSeries {
    let series = this.groups.get(group);
    if (series === undefined) this.groups.set(group, (series = new GroupSeries(group)));
    return series;
  }
}
