/**
 * Regenerates the cut-link fixtures of this folder from real redis-server processes:
 * `node --import tsx src/receivers/redis/testdata/capture-cut-link.ts` (from collector/).
 * The replica replicates through a relay that is then cut (nothing passes, connections
 * stay open, like an iptables DROP between replica and primary only) while the primary
 * takes a write every 300 ms: first the link is up but silent (the master's `lag=` and
 * the replica's `master_last_io_seconds_ago` grow), then `repl-timeout` drops it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CuttableLink } from '../../../testing/cuttable-link';
import { waitFor } from '../../../testing/processes';
import { startRedisReplicaSet } from '../../../testing/redis-replica-set';

const here = __dirname;
const save = (name: string, text: string): void => writeFileSync(join(here, name), text.endsWith('\n') ? text : text + '\n');
const REPL_TIMEOUT_SECONDS = 10;

async function main(): Promise<void> {
  const set = await startRedisReplicaSet({ replicas: 1, extraArgs: ['--repl-diskless-sync-delay', '0', '--repl-timeout', String(REPL_TIMEOUT_SECONDS)] });
  const link = await CuttableLink.start(set.primary.port);
  let writes = 0;
  const writer = setInterval(() => void set.cli(set.primary, 'SET', `key:${writes++}`, 'x'.repeat(200)).catch(() => {}), 300);
  try {
    const [replica] = set.replicas as [typeof set.primary];
    await set.cli(replica, 'REPLICAOF', '127.0.0.1', String(link.port));
    await waitFor('some writes replicated before the cut', 20_000, async () => Number((await set.replicationInfo(set.primary))['master_repl_offset']) > 2000);
    await set.waitForSync();
    save('cut-nodes.json', JSON.stringify({ primary: set.primary.address, replica: replica.address, relay: link.address }, null, 2));
    save('info-replication-cut-master-before.txt', await set.cli(set.primary, 'INFO', 'replication'));
    save('info-replication-cut-replica-before.txt', await set.cli(replica, 'INFO', 'replication'));
    link.sever();
    // Past the 5 s default lag tolerance, before repl-timeout.
    await waitFor('the master to miss 7 s of ACKs', 20_000, async () => /lag=([7-9]|\d\d)/.test((await set.replicationInfo(set.primary))['slave0'] ?? ''));
    save('info-replication-cut-master-silent.txt', await set.cli(set.primary, 'INFO', 'replication'));
    save('info-replication-cut-replica-silent.txt', await set.cli(replica, 'INFO', 'replication'));
    await waitFor('repl-timeout to drop the link', 30_000, async () => Number((await set.replicationInfo(replica))['master_link_down_since_seconds']) >= 2);
    save('info-replication-cut-master-link-down.txt', await set.cli(set.primary, 'INFO', 'replication'));
    save('info-replication-cut-replica-link-down.txt', await set.cli(replica, 'INFO', 'replication'));
  } finally {
    clearInterval(writer);
    await link.close();
    await set.close();
  }
}

void main().then(
  () => console.log('cut-link fixtures written to', here),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
