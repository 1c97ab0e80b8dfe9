import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { ServerProcess } from '@rebound/collector/testing';

const run = promisify(execFile);

/** One machine of the lab: its own network namespace with one address on the lab's bridge. */
export interface LabNode {
  name: string;
  namespace: string;
  /** 10.231.N.x, reachable from the root namespace and from every other node until a cut. */
  address: string;
}

/** A partition in force; heal() removes exactly the rules it added. */
export interface Cut {
  readonly description: string;
  heal(): Promise<void>;
}

/** Who is on the other side of a cut: another node, or the collector in the root namespace. */
export type Peer = LabNode | 'collector';

/**
 * Why network namespaces cannot be used here, or undefined when they can:
 * creating one, and iptables inside it, are tried once (synchronously, so a
 * test file can decide `skip` while it is being defined).
 */
export function namespacesUnavailable(): string | undefined {
  const probe = `rbp-probe-${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
  } catch (error) {
    return `cannot create a network namespace (needs root or CAP_NET_ADMIN and iproute2): ${firstLine(error)}`;
  }
  try {
    execFileSync('ip', ['netns', 'exec', probe, 'iptables', '-w', '-L', 'INPUT', '-n'], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `iptables does not work inside a network namespace (apt-get install -y iptables; scripts/ensure-system-deps.sh): ${firstLine(error)}`;
  } finally {
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
  }
}

/**
 * A small network built for one test run: every node in its own namespace,
 * joined by veth pairs to a bridge that lives in a namespace of its own (so the
 * root namespace's bridge-netfilter rules never see the traffic), and one veth
 * from the root namespace to the bridge for the collector. Addresses are a
 * private /24 (10.231.N.0/24) that exists only on these links; nothing is
 * routed anywhere else and no root-namespace firewall rule is touched. Cuts are
 * iptables DROP rules inside a node's namespace. close() stops every process
 * started here and removes every namespace and link, also after a failure.
 */
export class PartitionLab {
  readonly collectorAddress: string;
  /** `10.231.N.0/24`, e.g. for a pg_hba.conf line. */
  readonly cidr: string;
  readonly nodes: readonly LabNode[];
  private readonly processes: ServerProcess[] = [];
  private readonly exitHook = (): void => this.closeSync();
  private closed = false;

  private constructor(
    readonly id: string,
    private readonly bridgeNamespace: string,
    private readonly rootLink: string,
    subnet: string,
    nodeNames: readonly string[],
  ) {
    this.collectorAddress = `${subnet}.1`;
    this.cidr = `${subnet}.0/24`;
    this.nodes = nodeNames.map((name, i) => ({ name, namespace: `rbp-${id}-${name}`, address: `${subnet}.${11 + i}` }));
    process.once('exit', this.exitHook);
  }

  /** Build the lab; on any failure everything made so far is removed before the error is thrown. */
  static async create(nodeNames: readonly string[]): Promise<PartitionLab> {
    const id = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`.slice(-7);
    const lab = new PartitionLab(id, `rbp-${id}-bridge`, `rbp${id}`, await freeSubnet(), nodeNames);
    try {
      await lab.build();
    } catch (error) {
      await lab.close();
      throw error;
    }
    return lab;
  }

  node(name: string): LabNode {
    const node = this.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no lab node ${name} (have ${this.nodes.map((n) => n.name).join(', ')})`);
    return node;
  }

  /**
   * Start a long-running process inside a node's namespace (`ip netns exec NS
   * [setpriv --reuid …] command …`: both exec, so the pid is the server's own);
   * stopped by close().
   */
  spawn(
    node: LabNode,
    label: string,
    command: string,
    args: readonly string[],
    options: { cwd: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv; stopSignal?: NodeJS.Signals },
  ): ServerProcess {
    const server = new ServerProcess(label, 'ip', ['netns', 'exec', node.namespace, ...asUser(options), command, ...args], options.cwd, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
    });
    this.processes.push(server);
    return server;
  }

  /** Run a short command inside a node's namespace; returns its stdout. */
  async exec(
    node: LabNode,
    command: string,
    args: readonly string[],
    options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv; timeoutMillis?: number } = {},
  ): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', node.namespace, ...asUser(options), command, ...args], {
      timeout: options.timeoutMillis ?? 10_000,
      ...(options.env ? { env: options.env } : {}),
    });
    return stdout;
  }

  /** Drop every packet between `node` and `peer`, both ways (rules in `node`'s namespace only). */
  async cut(node: LabNode, peer: Peer): Promise<Cut> {
    const address = peer === 'collector' ? this.collectorAddress : peer.address;
    const peerName = peer === 'collector' ? 'the collector' : peer.name;
    return this.addRules(node, `${node.name} ⇹ ${peerName}`, [
      ['INPUT', '-s', address, '-j', 'DROP'],
      ['OUTPUT', '-d', address, '-j', 'DROP'],
    ]);
  }

  /** Drop everything on the node's lab link: no other node and no collector reaches it (its loopback still works). */
  async isolate(node: LabNode): Promise<Cut> {
    return this.addRules(node, `${node.name} isolated`, [
      ['INPUT', '-i', 'eth0', '-j', 'DROP'],
      ['OUTPUT', '-o', 'eth0', '-j', 'DROP'],
    ]);
  }

  /** Stop the processes, then remove the links and namespaces; safe twice and after a failed build. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.processes.map((p) => p.stop(10_000)));
    await run('ip', ['link', 'del', this.rootLink]).catch(() => undefined);
    for (const namespace of this.namespaces()) await run('ip', ['netns', 'del', namespace]).catch(() => undefined);
    process.removeListener('exit', this.exitHook);
  }

  /** Last resort when the test process exits without `after` running: kill and remove synchronously. */
  private closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    const quiet = { stdio: 'ignore' as const };
    // Only processes inside this run's namespaces: the ones this lab started (and their children).
    for (const namespace of this.namespaces()) {
      try {
        for (const pid of execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).split(/\s+/).filter(Boolean))
          process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Namespace already gone, or the process exited meanwhile.
      }
    }
    try {
      execFileSync('ip', ['link', 'del', this.rootLink], quiet);
    } catch {
      // Already gone.
    }
    for (const namespace of this.namespaces()) {
      try {
        execFileSync('ip', ['netns', 'del', namespace], quiet);
      } catch {
        // Already gone.
      }
    }
  }

  private namespaces(): string[] {
    return [...this.nodes.map((n) => n.namespace), this.bridgeNamespace];
  }

  private async build(): Promise<void> {
    const bridge = this.bridgeNamespace;
    await ip('netns', 'add', bridge);
    await ip('-n', bridge, 'link', 'set', 'lo', 'up');
    await ip('-n', bridge, 'link', 'add', 'br0', 'type', 'bridge');
    await ip('-n', bridge, 'link', 'set', 'br0', 'up');
    // The collector's side: one veth end in the root namespace with the lab's .1 address.
    await ip('link', 'add', this.rootLink, 'type', 'veth', 'peer', 'name', 'collector', 'netns', bridge);
    await ip('addr', 'add', `${this.collectorAddress}/24`, 'dev', this.rootLink);
    await ip('link', 'set', this.rootLink, 'up');
    await ip('-n', bridge, 'link', 'set', 'collector', 'master', 'br0', 'up');
    for (const [i, node] of this.nodes.entries()) {
      await ip('netns', 'add', node.namespace);
      await ip('-n', node.namespace, 'link', 'set', 'lo', 'up');
      await ip('-n', bridge, 'link', 'add', `port${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.namespace);
      await ip('-n', bridge, 'link', 'set', `port${i}`, 'master', 'br0', 'up');
      await ip('-n', node.namespace, 'addr', 'add', `${node.address}/24`, 'dev', 'eth0');
      await ip('-n', node.namespace, 'link', 'set', 'eth0', 'up');
    }
  }

  private async addRules(node: LabNode, description: string, rules: string[][]): Promise<Cut> {
    const iptables = (action: '-I' | '-D', rule: string[]) => this.exec(node, 'iptables', ['-w', action, ...rule]);
    for (const rule of rules) await iptables('-I', rule);
    let healed = false;
    return {
      description,
      heal: async () => {
        if (healed) return;
        healed = true;
        for (const rule of rules) await iptables('-D', rule);
      },
    };
  }
}

function asUser(options: { uid?: number; gid?: number }): string[] {
  if (options.uid === undefined) return [];
  return ['setpriv', `--reuid=${options.uid}`, `--regid=${options.gid ?? options.uid}`, '--clear-groups', '--'];
}

async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args, { timeout: 10_000 });
  } catch (error) {
    throw new Error(`ip ${args.join(' ')}: ${firstLine(error)}`);
  }
}

/** A 10.231.N.0/24 no interface of the root namespace uses yet (another run's lab, or anything else). */
async function freeSubnet(): Promise<string> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  for (let attempt = 0; attempt < 50; attempt++) {
    const subnet = `10.231.${1 + Math.floor(Math.random() * 254)}`;
    if (!stdout.includes(` ${subnet}.`)) return subnet;
  }
  throw new Error('no free 10.231.N.0/24 for the partition lab');
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer | string } | null)?.stderr;
  const text = stderr !== undefined && String(stderr).trim() !== '' ? String(stderr) : String((error as Error)?.message ?? error);
  return text.trim().split('\n')[0] ?? '';
}
