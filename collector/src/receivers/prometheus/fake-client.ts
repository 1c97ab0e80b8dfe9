import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInstantVector, type PrometheusApiClient, type PromSample } from './client';

/** A recorded round (testdata/<exporter>-<scenario>.json, written by testdata/capture.ts). */
export interface RecordedRound {
  queries: { up: string; metrics: string };
  up: unknown;
  metrics: unknown;
  context?: Record<string, unknown>;
}

export function recordedRound(name: string): RecordedRound {
  return JSON.parse(readFileSync(join(__dirname, 'testdata', `${name}.json`), 'utf8')) as RecordedRound;
}

/** The samples of a recorded round, as the receiver parses them. */
export function recordedSamples(name: string): { up: PromSample[]; metrics: PromSample[] } {
  const round = recordedRound(name);
  return { up: parseInstantVector(round.up), metrics: parseInstantVector(round.metrics) };
}

/** A Prometheus that answers `up{…}` and the metrics query from a recorded round (or throws `failure`). */
export class FakePrometheusClient implements PrometheusApiClient {
  readonly queries: string[] = [];
  failure: Error | undefined;

  constructor(public answers: { up: PromSample[]; metrics: PromSample[] }) {}

  async instantQuery(query: string): Promise<PromSample[]> {
    this.queries.push(query);
    if (this.failure !== undefined) throw this.failure;
    return query.startsWith('up{') ? this.answers.up : this.answers.metrics;
  }
}
