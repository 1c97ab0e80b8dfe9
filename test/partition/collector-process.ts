import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { METRICS, type EpisodeView, type GroupView, type MemberView, type SignalsView } from '@rebound/contract';
import { Child, sparePort, waitFor } from '../support/processes';

const repo = resolve(__dirname, '../..');

/** One member as `GET /api/v1/groups` shows it (the fields the partition test reads; names from the contract). */
export type MemberJson = Pick<MemberView, 'member' | 'role' | 'status' | 'reason' | 'lag_seconds' | 'lag_bytes' | 'observation_age_seconds'>;

export type GroupJson = Pick<GroupView, 'name' | 'phase' | 'leader' | 'episode_id'> & {
  members: MemberJson[];
  signals: Pick<SignalsView, 'hidden_instability' | 'leader_serving'>;
};

export type EpisodeJson = Pick<EpisodeView, 'id' | 'start' | 'end' | 'worst_phase'>;

/**
 * A real collector process (`collector/src/cli.ts` under tsx, as users run it
 * from a checkout) in the root namespace, its API on a spare loopback port, its
 * episode store in `workDir`. `groupYaml` is the `groups:` list, indented.
 */
export class CollectorProcess {
  private constructor(
    private readonly child: Child,
    readonly baseUrl: string,
  ) {}

  static async start(workDir: string, groupYaml: string[]): Promise<CollectorProcess> {
    const port = await sparePort();
    const config = join(workDir, 'rebound.yaml');
    writeFileSync(
      config,
      ['interval: 1s', `listen: { metrics: 127.0.0.1:${port} }`, `store: ${join(workDir, 'rebound.db')}`, 'groups:', ...groupYaml, ''].join('\n'),
    );
    const child = new Child('collector', process.execPath, ['--import', 'tsx', join(repo, 'collector/src/cli.ts'), '--config', config], repo);
    const collector = new CollectorProcess(child, `http://127.0.0.1:${port}`);
    try {
      await waitFor('the collector to serve /healthz', 60_000, async () => {
        if (!child.running) throw new Error(`collector exited:\n${child.tail()}`);
        return (await fetch(`${collector.baseUrl}/healthz`)).ok ? true : undefined;
      });
    } catch (error) {
      await child.stop();
      throw error;
    }
    return collector;
  }

  async group(name: string): Promise<GroupJson> {
    const { groups } = (await (await fetch(`${this.baseUrl}/api/v1/groups`)).json()) as { groups: GroupJson[] };
    const group = groups.find((g) => g.name === name);
    if (group === undefined) throw new Error(`no group ${name} in /api/v1/groups`);
    return group;
  }

  async episodes(group: string): Promise<EpisodeJson[]> {
    const body = (await (await fetch(`${this.baseUrl}/api/v1/episodes?group=${encodeURIComponent(group)}&limit=100`)).json()) as { episodes: EpisodeJson[] };
    return body.episodes;
  }

  /** `recovery_episodes_total{group=…}` from /metrics (0 before the first completed episode). */
  async episodesTotal(group: string): Promise<number> {
    const text = await (await fetch(`${this.baseUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${METRICS.episodes.name}{group="${group}"}`));
    return line === undefined ? 0 : Number(line.split(' ').pop());
  }

  /** Wait until the group is healthy with every member converged. */
  async waitHealthy(group: string, timeoutMillis: number): Promise<void> {
    await waitFor(
      `${group} healthy with every member converged`,
      timeoutMillis,
      async () => {
        const g = await this.group(group);
        return g.phase === 'healthy' && g.members.every((m) => m.status === 'converged') ? true : undefined;
      },
      250,
    );
  }

  /** The collector's log, for failure messages. */
  tail(lines = 40): string {
    return this.child.tail(lines);
  }

  async stop(): Promise<void> {
    await this.child.stop();
  }
}
