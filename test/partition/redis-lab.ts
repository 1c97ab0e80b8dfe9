import { waitFor } from '../support/processes';
import type { LabNode, PartitionLab } from './network';

/** A Redis primary and replicas, each redis-server inside its lab node's namespace on port 6379. */
export interface RedisLab {
  primary: LabNode;
  replicas: LabNode[];
  /** redis-cli inside the node's namespace over its loopback: works whatever the cuts. */
  cli(node: LabNode, ...args: string[]): Promise<string>;
  /** `master_link_status` of a replica (`up` / `down`), read over its loopback. */
  linkStatus(node: LabNode): Promise<string>;
  /** `CONFIG SET repl-timeout` on every node (the primary's side drops a silent replica after it too). */
  setReplTimeout(seconds: number): Promise<void>;
  waitForSync(timeoutMillis: number): Promise<void>;
}

const PORT = '6379';

/**
 * Start the servers (no persistence, diskless sync without delay so the first
 * sync is quick) and a writer inside the primary's namespace: a ~400-byte SET
 * every 500 ms over the primary's loopback, so it keeps writing whatever the
 * partition. All of it is stopped by the lab's close().
 */
export async function startRedisLab(
  lab: PartitionLab,
  options: { primary: string; replicas: string[]; dir: string; replTimeoutSeconds: number },
): Promise<RedisLab> {
  const primary = lab.node(options.primary);
  const replicas = options.replicas.map((name) => lab.node(name));
  const cli = async (node: LabNode, ...args: string[]): Promise<string> =>
    (await lab.exec(node, 'redis-cli', ['-h', '127.0.0.1', '-p', PORT, ...args], { timeoutMillis: 5_000 })).trim();
  const info = async (node: LabNode): Promise<Record<string, string>> => {
    const fields: Record<string, string> = {};
    for (const line of (await cli(node, 'INFO', 'replication')).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
    }
    return fields;
  };
  for (const node of [primary, ...replicas]) {
    const args = ['--port', PORT, '--bind', node.address, '127.0.0.1', '--protected-mode', 'no', '--save', '', '--appendonly', 'no'];
    args.push(
      '--dir',
      options.dir,
      '--dbfilename',
      `${node.name}.rdb`,
      '--logfile',
      '',
      '--repl-timeout',
      String(options.replTimeoutSeconds),
      '--repl-diskless-sync-delay',
      '0',
    );
    if (node !== primary) args.push('--replicaof', primary.address, PORT);
    const server = lab.spawn(node, `redis ${node.name}`, 'redis-server', args, { cwd: options.dir });
    await waitFor(`redis ${node.name} in ${node.namespace} to answer PING`, 15_000, async () => {
      if (!server.running) throw new Error(`redis-server exited: ${server.tail()}`);
      return (await cli(node, 'PING')) === 'PONG' ? true : undefined;
    });
  }
  lab.spawn(primary, 'writer', 'redis-cli', ['-h', '127.0.0.1', '-p', PORT, '-r', '-1', '-i', '0.5', 'SET', 'rebound:partition:payload', 'x'.repeat(400)], {
    cwd: options.dir,
  });

  const set: RedisLab = {
    primary,
    replicas,
    cli,
    linkStatus: async (node) => (await info(node))['master_link_status'] ?? 'none',
    async setReplTimeout(seconds) {
      for (const node of [primary, ...replicas]) await cli(node, 'CONFIG', 'SET', 'repl-timeout', String(seconds));
    },
    async waitForSync(timeoutMillis) {
      await waitFor(
        'the Redis replicas to have an up link to the primary',
        timeoutMillis,
        async () => {
          for (const replica of replicas) if ((await set.linkStatus(replica)) !== 'up') return undefined;
          return true;
        },
        250,
      );
    },
  };
  return set;
}
