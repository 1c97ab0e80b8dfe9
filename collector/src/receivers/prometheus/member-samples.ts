import type { Dependencies, MemberDeclaration, Observation, Role } from '../../model/types';
import type { PromSample } from './client';

/** One round's answers, as every exporter's observation function takes them. */
export interface ExporterRound {
  group: string;
  /** `prometheus/<group>`. */
  source: string;
  /** When Prometheus answered (the instant the queries were evaluated at, near enough). */
  atMillis: number;
  memberLabel: string;
  /** Target label → dependency key. */
  dependenciesFromLabels: Readonly<Record<string, string>>;
  /** Members declared in config or seen in earlier rounds: each gets an observation even when absent now. */
  knownMembers: readonly MemberDeclaration[];
  /** `up{selector}`: whether Prometheus could scrape each exporter. */
  up: readonly PromSample[];
  /** The exporter metrics of the selector. */
  metrics: readonly PromSample[];
  /** The role each member had when last seen, for a member that is now down. */
  lastRoles: ReadonlyMap<string, Role>;
  /** The previous round's reference leader, so a split brain does not flap. */
  previousLeader: string | undefined;
  /** postgres_exporter: application_name / client_addr → member. */
  standbys?: Readonly<Record<string, string>>;
}

export interface ExporterObservations {
  observations: Observation[];
  leader: string | undefined;
}

/** Every sample of one member, by metric name. */
export class MemberSamples {
  private readonly byName = new Map<string, PromSample[]>();

  add(sample: PromSample): void {
    const name = sample.labels['__name__'] ?? '';
    const list = this.byName.get(name);
    if (list === undefined) this.byName.set(name, [sample]);
    else list.push(sample);
  }

  *everySample(): Iterable<PromSample> {
    for (const list of this.byName.values()) yield* list;
  }

  /** Every series of the first of `names` that has any (Debian spelling first, newer upstream after). */
  all(...names: string[]): PromSample[] {
    for (const name of names) {
      const list = this.byName.get(name);
      if (list !== undefined && list.length > 0) return list;
    }
    return [];
  }

  /** The value of a single-series metric; undefined when absent (absent is never 0). */
  value(...names: string[]): number | undefined {
    return this.all(...names)[0]?.value;
  }

  /** The labels of a single-series metric. */
  labels(...names: string[]): Readonly<Record<string, string>> | undefined {
    return this.all(...names)[0]?.labels;
  }
}

/** Samples grouped by the member label; samples without it are ignored (they are no member's). */
export function samplesByMember(samples: readonly PromSample[], memberLabel: string): Map<string, MemberSamples> {
  const members = new Map<string, MemberSamples>();
  for (const sample of samples) {
    const member = sample.labels[memberLabel];
    if (member === undefined || member === '') continue;
    let entry = members.get(member);
    if (entry === undefined) members.set(member, (entry = new MemberSamples()));
    entry.add(sample);
  }
  return members;
}

/** A member's target, as the round sees it before reading the exporter's metrics. */
export interface MemberTarget {
  member: string;
  base: Pick<Observation, 'group' | 'member' | 'source' | 'observedAtMillis'> & { dependencies?: Dependencies };
  /** The exporter's metrics of this member (empty when none came). */
  samples: MemberSamples;
  /** Set when the round already decided this member's observation (target down, database down, gone). */
  decided?: Observation;
}

/**
 * The members of a round: declared and previously seen ones, then any new label
 * value in `up`. Decides the cases every exporter shares, from the `up` series:
 * - no `up` series (the target left Prometheus' answer): unknown, saying so;
 * - `up 0` (Prometheus cannot scrape the exporter): unknown — the database may be fine or dead;
 * - the exporter's own `<db>_up 0`: the database refused the exporter: unreachable;
 * - `<db>_up` absent while `up 1`: unknown (an exporter that answers without its metrics).
 */
export function memberTargets(round: ExporterRound, databaseUpMetric: string): MemberTarget[] {
  const upByMember = samplesByMember(
    round.up.map((s) => ({ ...s, labels: { ...s.labels, __name__: 'up' } })),
    round.memberLabel,
  );
  const metrics = samplesByMember(round.metrics, round.memberLabel);
  const names = new Set(round.knownMembers.map((m) => m.member));
  const declared = new Map(round.knownMembers.map((m) => [m.member, m]));
  for (const member of [...upByMember.keys()].sort()) names.add(member);
  const targets: MemberTarget[] = [];
  for (const member of names) {
    const upSample = upByMember.get(member)?.all('up')[0];
    const dependencies = { ...(declared.get(member)?.dependencies ?? {}), ...dependenciesOf(upSample?.labels, round.dependenciesFromLabels) };
    const base = {
      group: round.group,
      member,
      source: round.source,
      observedAtMillis: round.atMillis,
      ...(Object.keys(dependencies).length > 0 ? { dependencies } : {}),
    };
    const samples = latestScrapeOnly(metrics.get(member), upSample?.atMillis);
    const target: MemberTarget = { member, base, samples };
    const where = `${round.memberLabel}="${member}"`;
    if (upSample === undefined) {
      target.decided = {
        ...base,
        reachable: true,
        unknownReason: `no up series for ${where} in Prometheus' answer: the target is gone from its scrape config or stale`,
      };
    } else if (upSample.value !== 1) {
      target.decided = { ...base, reachable: true, unknownReason: `exporter not scraped (up 0 for ${where}): the database behind it is not observed` };
    } else {
      const databaseUp = samples.value(databaseUpMetric);
      const lastRole = round.lastRoles.get(member);
      if (databaseUp === 0) target.decided = { ...base, reachable: false, ...(lastRole ? { role: lastRole } : {}) };
      else if (databaseUp === undefined) target.decided = { ...base, reachable: true, unknownReason: `the exporter answered without ${databaseUpMetric}` };
    }
    targets.push(target);
  }
  return targets;
}

/**
 * Only the series of the target's latest scrape. Every sample of one scrape carries the
 * scrape's time (the exporters set no timestamps), the same as its `up`: a series whose
 * newest sample is older was absent from that scrape — a replica line that ended, a
 * standby's row that left pg_stat_replication, a Seconds_Behind_Master that turned NULL —
 * and a range selector would still return it for the whole window.
 */
function latestScrapeOnly(samples: MemberSamples | undefined, scrapeMillis: number | undefined): MemberSamples {
  if (samples === undefined) return new MemberSamples();
  if (scrapeMillis === undefined) return samples;
  const latest = new MemberSamples();
  for (const sample of samples.everySample()) if (sample.atMillis === undefined || sample.atMillis >= scrapeMillis) latest.add(sample);
  return latest;
}

function dependenciesOf(labels: Readonly<Record<string, string>> | undefined, mapping: Readonly<Record<string, string>>): Record<string, string> {
  const dependencies: Record<string, string> = {};
  if (labels === undefined) return dependencies;
  for (const [label, key] of Object.entries(mapping)) {
    const value = labels[label];
    if (value !== undefined && value !== '') dependencies[key] = value;
  }
  return dependencies;
}

/** The host part of an `instance`-style `host:port` label value (IPv6 brackets removed). */
export function hostOf(hostPort: string): string {
  const match = /^\[?([^\]]*?)\]?(?::\d+)?$/.exec(hostPort);
  return match?.[1] ?? hostPort;
}
