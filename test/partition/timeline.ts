import type { CollectorProcess, GroupJson, MemberJson } from './collector-process';

/** One look at the group, with what the servers themselves said at that moment (e.g. a replica's link status). */
export interface Sample {
  atMillis: number;
  group: GroupJson;
  /** Server-side facts read beside the API, e.g. `{ 'replica-a': 'down' }` for `master_link_status`. */
  links: Record<string, string>;
}

/** Something the test did or saw, for the timeline printed when an assertion fails. */
export interface TimelineEvent {
  atMillis: number;
  what: string;
}

/**
 * Samples `/api/v1/groups` about every `everyMillis` (one sample at a time, so
 * a slow answer delays the next instead of piling up) until stop(). Every
 * assertion of the partition test runs over these samples.
 */
export class Timeline {
  readonly samples: Sample[] = [];
  readonly events: TimelineEvent[] = [];
  private running = true;
  private readonly loop: Promise<void>;
  private lastError: unknown;

  constructor(
    private readonly collector: CollectorProcess,
    private readonly groupName: string,
    private readonly readLinks: () => Promise<Record<string, string>>,
    private readonly everyMillis = 250,
  ) {
    this.loop = this.sampleUntilStopped();
  }

  mark(what: string): number {
    const atMillis = Date.now();
    this.events.push({ atMillis, what });
    return atMillis;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Samples taken in [from, to). */
  between(fromMillis: number, toMillis = Infinity): Sample[] {
    return this.samples.filter((s) => s.atMillis >= fromMillis && s.atMillis < toMillis);
  }

  /** The first sample at or after `fromMillis` (and before `toMillis`) that matches. */
  first(fromMillis: number, matches: (s: Sample) => boolean, toMillis = Infinity): Sample | undefined {
    return this.between(fromMillis, toMillis).find(matches);
  }

  /** Wait (sampling goes on) until a sample after `fromMillis` matches; undefined after `timeoutMillis`. */
  async waitForSample(fromMillis: number, matches: (s: Sample) => boolean, timeoutMillis: number): Promise<Sample | undefined> {
    const deadline = Date.now() + timeoutMillis;
    for (;;) {
      const found = this.first(fromMillis, matches);
      if (found !== undefined || Date.now() > deadline) return found;
      await sleep(this.everyMillis);
    }
  }

  /** Events and samples in [from, to) as lines relative to `originMillis`, for an assertion message. */
  describe(originMillis: number, fromMillis: number, toMillis = Infinity): string {
    const lines = [
      ...this.events.filter((e) => e.atMillis >= fromMillis && e.atMillis < toMillis).map((e) => ({ at: e.atMillis, text: `── ${e.what}` })),
      ...this.between(fromMillis, toMillis).map((s) => ({ at: s.atMillis, text: describeSample(s) })),
    ].sort((a, b) => a.at - b.at);
    const text = lines.map((l) => `${seconds(l.at - originMillis).padStart(7)} ${l.text}`);
    if (this.lastError !== undefined) text.push(`(last sampling error: ${String(this.lastError)})`);
    return text.join('\n');
  }

  private async sampleUntilStopped(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      try {
        const [group, links] = await Promise.all([this.collector.group(this.groupName), this.readLinks().catch(() => ({}))]);
        this.samples.push({ atMillis: started, group, links });
      } catch (error) {
        this.lastError = error;
      }
      await sleep(Math.max(0, this.everyMillis - (Date.now() - started)));
    }
  }
}

export function member(sample: Sample, name: string): MemberJson {
  const found = sample.group.members.find((m) => m.member === name);
  if (found === undefined) throw new Error(`no member ${name} in group ${sample.group.name}`);
  return found;
}

/** `+3.2s` style, one decimal. */
export function seconds(millis: number): string {
  return `${millis >= 0 ? '+' : ''}${(millis / 1000).toFixed(1)}s`;
}

function describeSample(s: Sample): string {
  const g = s.group;
  const members = g.members.map((m) => `${m.member}=${m.status}[${m.lag_seconds ?? '-'}s ${m.lag_bytes ?? '-'}B${m.reason ? ` "${m.reason}"` : ''}]`).join(' ');
  const links = Object.entries(s.links)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');
  return `phase=${g.phase} leader=${g.leader ?? '-'} hidden=${g.signals.hidden_instability ? 1 : 0} ${members}${links ? ` | links ${links}` : ''}`;
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
