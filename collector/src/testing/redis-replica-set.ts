import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ServerProcess, sparePort, waitFor } from './processes';

const run = promisify(execFile);

/** One redis-server of a test replica set. */
export interface RedisTestNode {
  /** `primary`, `replica1`, `replica2`, … (also the member name tests use). */
  name: string;
  port: number;
  /** `127.0.0.1:PORT`. */
  address: string;
}

export interface RedisReplicaSet {
  primary: RedisTestNode;
  replicas: RedisTestNode[];
  nodes: RedisTestNode[];
  /** Run a command with redis-cli against a node (as the default user); returns trimmed output. */
  cli(node: RedisTestNode, ...args: string[]): Promise<string>;
  /** `INFO replication` of a node as `field → value`. */
  replicationInfo(node: RedisTestNode): Promise<Record<string, string>>;
  /** SIGTERM the node and wait for its exit. */
  stop(node: RedisTestNode): Promise<void>;
  /** Start a stopped node again (a replica rejoins its primary; no persistence, so it resyncs). */
  start(node: RedisTestNode): Promise<void>;
  /** SIGSTOP / SIGCONT: a hung node that still accepts TCP connections. */
  pause(node: RedisTestNode): void;
  resume(node: RedisTestNode): void;
  /** `REPLICAOF NO ONE` on a node. */
  promote(node: RedisTestNode): Promise<void>;
  /** Wait until every running replica reports an up link and the primary's offset. */
  waitForSync(timeoutMillis?: number): Promise<void>;
  /** Stop every node and remove the temp dir; safe to call twice and after a failed start. */
  close(): Promise<void>;
}

/**
 * A Redis primary and `replicas` replicas on spare loopback ports, no
 * persistence (`--save '' --appendonly no`), in a temp dir removed by close().
 */
export async function startRedisReplicaSet(options: { replicas?: number; extraArgs?: string[] } = {}): Promise<RedisReplicaSet> {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-redis-'));
  const processes = new Map<string, ServerProcess>();
  const count = options.replicas ?? 2;
  const nodes: RedisTestNode[] = [];
  for (const name of ['primary', ...Array.from({ length: count }, (_, i) => `replica${i + 1}`)]) {
    const port = await sparePort();
    nodes.push({ name, port, address: `127.0.0.1:${port}` });
  }
  const [primary, ...replicas] = nodes as [RedisTestNode, ...RedisTestNode[]];

  const cli = async (node: RedisTestNode, ...args: string[]): Promise<string> => {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(node.port), ...args], { timeout: 5_000 });
    return stdout.trim();
  };
  const replicationInfo = async (node: RedisTestNode): Promise<Record<string, string>> => {
    const fields: Record<string, string> = {};
    for (const line of (await cli(node, 'INFO', 'replication')).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
    }
    return fields;
  };
  const start = async (node: RedisTestNode): Promise<void> => {
    const args = ['--port', String(node.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    args.push('--dbfilename', `${node.name}.rdb`, '--logfile', '', ...(options.extraArgs ?? []));
    if (node !== primary) args.push('--replicaof', '127.0.0.1', String(primary.port));
    const server = new ServerProcess(`redis ${node.name}`, 'redis-server', args, dir);
    processes.set(node.name, server);
    await waitFor(`redis ${node.name} on ${node.address} to answer PING`, 15_000, async () => {
      if (!server.running) throw new Error(`redis-server exited: ${server.tail()}`);
      return (await cli(node, 'PING')) === 'PONG' ? true : undefined;
    });
  };
  const close = async (): Promise<void> => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  };

  const set: RedisReplicaSet = {
    primary,
    replicas,
    nodes,
    cli,
    replicationInfo,
    start,
    stop: async (node) => processes.get(node.name)?.stop(),
    pause: (node) => processes.get(node.name)?.pause(),
    resume: (node) => processes.get(node.name)?.resume(),
    promote: async (node) => {
      await cli(node, 'REPLICAOF', 'NO', 'ONE');
    },
    async waitForSync(timeoutMillis = 20_000) {
      await waitFor('the Redis replicas to catch up with the primary', timeoutMillis, async () => {
        const offset = (await replicationInfo(primary))['master_repl_offset'];
        for (const replica of replicas) {
          if (!processes.get(replica.name)?.running) continue;
          const info = await replicationInfo(replica);
          if (info['master_link_status'] !== 'up' || info['slave_repl_offset'] !== offset) return undefined;
        }
        return true;
      });
    },
    close,
  };
  try {
    for (const node of nodes) await start(node);
  } catch (error) {
    await close();
    throw error;
  }
  return set;
}
