import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { GroupConfig } from '../config/group-config';
import type { GroupState } from '../model/group-state';
import type { Observation } from '../model/types';
import { METRICS } from '../exporters/metric-definitions';
import { PrometheusExporter } from '../exporters/prometheus/prometheus-exporter';
import { timeInPhaseSeconds } from '../model/time-in-phase';
import { RecoveryEngine } from './engine';
import { testGroup } from './testing/scenario';

/**
 * Golden-file tests of the derivation: each `testdata/*.scenario.json` is a
 * sequence of observations per second; the derived signals per tick must equal
 * `*.expected.json`. Regenerate after an intended change with
 * `UPDATE_GOLDEN=1 npm test -w @rebound/collector` and review the diff.
 */
interface Scenario {
  description: string;
  group?: Partial<Omit<GroupConfig, 'receivers'>>;
  declare?: { member: string; role?: 'leader' | 'replica' | 'standby' | 'path'; dependencies?: Record<string, string> }[];
  /** For every second in [from, to): observe each member with these fields; `{ "linear": [v0, perSecond] }` values change with time. */
  steps: { from: number; to: number; members: Record<string, Record<string, unknown> | null> }[];
  /**
   * When each second's probe results land relative to its tick, ms, cycled over the seconds
   * (default 0: just before). Positive: just after the tick, so that tick still reads the
   * previous second's results; values are as of the landing instant.
   */
  probeOffsetsMillis?: number[];
  /** Maintenance windows in scenario seconds: `[from, to)`. */
  maintenance?: { from: number; to: number; reason: string }[];
}

const dir = join(__dirname, 'testdata');
const update = process.env['UPDATE_GOLDEN'] === '1';

function value(v: unknown, secondsIntoStep: number): unknown {
  if (v !== null && typeof v === 'object' && 'linear' in v) {
    const [start, perSecond] = (v as { linear: [number, number] }).linear;
    return Math.max(0, start + perSecond * secondsIntoStep);
  }
  // Nested facts (e.g. replicationLink, permissionEntries) may change with time too.
  if (Array.isArray(v)) return v.map((x) => value(x, secondsIntoStep));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x, secondsIntoStep)]));
  return v;
}

function summarize(state: GroupState) {
  const round = (n: number | null, digits = 3) => (n === null ? null : Number(n.toFixed(digits)));
  return {
    phase: state.phase,
    progress: round(state.progress),
    eta: round(state.etaSeconds, 1),
    // The expected completion, in scenario seconds: it stays put while a steady drain goes on.
    etaAt: state.etaDeadlineMillis === null ? null : round((state.etaDeadlineMillis - SCENARIO_START) / 1000, 1),
    elapsed: state.elapsedSeconds,
    leader: state.leader,
    members: state.members.map((m) => `${m.member}:${m.status}${m.lagBytes ? `(${m.lagBytes}B)` : ''}`).join(' '),
    drifted: state.driftedMembers,
    permissionConsistency: round(state.permissionConsistency),
    shared: state.independence.sharedDomains.map((d) => `${d.dimension}=${d.value}`),
    effectivePaths: state.independence.effectivePaths,
    hidden: state.hiddenInstability,
    netStabilizationPerMinute: round(state.netStabilizationPerMinute),
    failoverLoad: round(state.failoverLoadRatio),
    // cause[members]@since (scenario seconds); the texts are in `findingTexts`.
    findings: state.findings.map((f) => `${f.cause}[${f.members.join(',')}]@${(f.sinceMillis - SCENARIO_START) / 1000}`),
  };
}

const SCENARIO_START = 1_700_000_000_000;

/** A tick at a second, or one second's probe results landing (`atMillis` from the scenario's start). */
type ScenarioEvent = { atMillis: number; order: number } & ({ tick: number } | { observations: Observation[] });

/** The counters' values for group db, by metric name. */
async function counters(exporter: PrometheusExporter): Promise<Record<string, number>> {
  const names = [METRICS.episodes, METRICS.episodesWithinRto, METRICS.plannedEpisodes, METRICS.blips].map((d) => d.name);
  // Read from the exposition the scrape gets (the group families are cached text, not prom-client metrics).
  const text = await exporter.metricsText();
  const result: Record<string, number> = {};
  for (const name of names) {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{group="db"} `));
    result[name] = line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return result;
}

export async function runScenario(scenario: Scenario) {
  const start = SCENARIO_START;
  let now = start;
  const maintenance = (scenario.maintenance ?? []).map((w) => ({
    group: 'db',
    startMillis: start + w.from * 1000,
    endMillis: start + w.to * 1000,
    reason: w.reason,
    origin: 'config' as const,
  }));
  const engine = new RecoveryEngine({ groups: [testGroup(scenario.group as Partial<GroupConfig>)], now: () => now, maintenance });
  // The SLO's counters as the Prometheus exporter keeps them, fed the way the collector feeds them.
  const exporter = new PrometheusExporter();
  exporter.declareGroup('db');
  engine.onEpisodeCompleted((episode) => exporter.recordEpisode(episode));
  engine.onBlip((group) => exporter.recordBlip(group));
  engine.declare('db', scenario.declare ?? []);
  const offsets = scenario.probeOffsetsMillis ?? [0];
  const events: ScenarioEvent[] = [];
  for (const step of scenario.steps) {
    for (let s = step.from; s < step.to; s++) {
      const offset = offsets[s % offsets.length]!;
      const observedAtMillis = start + s * 1000 + offset;
      const observations: Observation[] = [];
      for (const [member, fields] of Object.entries(step.members)) {
        if (fields === null) continue; // silent: the source says nothing about it
        const observation: Record<string, unknown> = { group: 'db', member, source: 'golden', observedAtMillis, reachable: true, serving: true };
        for (const [key, v] of Object.entries(fields)) observation[key] = value(v, s - step.from + offset / 1000);
        observations.push(observation as unknown as Observation);
      }
      // At the same instant the results land first (order 0), then the tick reads them.
      events.push({ atMillis: observedAtMillis, order: 0, observations }, { atMillis: start + s * 1000, order: 1, tick: s });
    }
  }
  events.sort((a, b) => a.atMillis - b.atMillis || a.order - b.order);
  const ticks: ({ t: number } & ReturnType<typeof summarize>)[] = [];
  const findingTexts = new Set<string>();
  for (const event of events) {
    now = event.atMillis;
    if ('tick' in event) {
      const state = engine.tick()[0]!;
      ticks.push({ t: event.tick, ...summarize(state) });
      for (const f of state.findings) findingTexts.add(`${f.cause}: ${f.summary} → ${f.action}`);
    } else for (const observation of event.observations) engine.observe(observation);
  }
  const episodes = engine.episodes({ limit: 100 }).map((e) => ({
    start: (e.startMillis - start) / 1000,
    end: e.endMillis === null ? null : (e.endMillis - start) / 1000,
    duration: e.durationSeconds,
    worst: e.worstPhase,
    phases: e.phases.map((p) => `${(p.atMillis - start) / 1000}:${p.phase}`),
    affected: e.membersAffected,
    drift: e.permissionDriftSeen,
    hidden: e.hiddenInstabilitySeen,
    planned: e.planned === true,
    timeInPhase: timeInPhaseSeconds(e, now),
  }));
  return { ticks, episodes, counters: await counters(exporter), findingTexts: [...findingTexts] };
}

describe('derivation golden files', () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.scenario.json'))
    .sort()) {
    it(file.replace('.scenario.json', ''), async () => {
      const scenario = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Scenario;
      const actual = await runScenario(scenario);
      const expectedPath = join(dir, file.replace('.scenario.json', '.expected.json'));
      if (update) writeFileSync(expectedPath, JSON.stringify(actual, null, 1) + '\n');
      const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
      assert.deepEqual(actual, expected, `${scenario.description}\nregenerate with UPDATE_GOLDEN=1 if the change is intended`);
      // Time in phase covers the episode exactly: end − start, and duration plus the final hold-down.
      for (const e of actual.episodes) {
        const sum = Object.values(e.timeInPhase).reduce((a, b) => a + (b ?? 0), 0);
        if (e.end === null) continue;
        assert.ok(Math.abs(sum - (e.end - e.start)) < 1e-9, `time in phase ${sum}s ≠ end − start ${e.end - e.start}s`);
        const finalStabilizing = e.phases.length >= 2 && e.phases.at(-2)!.endsWith(':stabilizing') ? e.end - Number(e.phases.at(-2)!.split(':')[0]) : 0;
        assert.ok(
          Math.abs(sum - finalStabilizing - (e.duration ?? NaN)) < 1e-9,
          `time in phase minus hold-down ${sum - finalStabilizing}s ≠ duration ${e.duration}s`,
        );
      }
    });
  }
});
