/**
 * Regenerates the fixtures in this folder from real redis-server processes:
 * `node --import tsx src/receivers/redis/testdata/capture.ts` (from collector/).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisReplicaSet } from '../../../testing/redis-replica-set';
import { waitFor } from '../../../testing/processes';

const here = __dirname;
const save = (name: string, text: string): void => writeFileSync(join(here, name), text.endsWith('\n') ? text : text + '\n');

async function main(): Promise<void> {
  const set = await startRedisReplicaSet({ replicas: 2 });
  try {
    const [replica1, replica2] = set.replicas as [typeof set.primary, typeof set.primary];
    await set.cli(set.primary, 'SET', 'greeting', 'hello');
    await set.cli(set.primary, 'ACL', 'SETUSER', 'rebound', 'on', '>monitor-pw', '-@all', '+info', '+acl|list', '+ping');
    await set.waitForSync();
    // Which port was which node: the observation tests configure the same addresses.
    save('nodes.json', JSON.stringify(Object.fromEntries(set.nodes.map((n) => [n.name, n.address])), null, 2));
    save('info-replication-master.txt', await set.cli(set.primary, 'INFO', 'replication'));
    save('info-replication-replica.txt', await set.cli(replica1, 'INFO', 'replication'));
    save('acl-list.txt', await set.cli(set.primary, 'ACL', 'LIST'));

    // A restarted replica that missed more than the backlog needs a full sync. First it waits out the
    // diskless-sync delay (link down, no sync in progress yet), then the RDB transfer
    // is slowed by rdb-key-save-delay so that `master_sync_in_progress:1` can be seen.
    await set.cli(set.primary, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '2');
    await set.cli(set.primary, 'CONFIG', 'SET', 'rdb-key-save-delay', '10000');
    // More writes than the backlog holds: the replica cannot resume with PSYNC.
    await set.cli(set.primary, 'CONFIG', 'SET', 'repl-backlog-size', '16384');
    await set.stop(replica2);
    for (let i = 0; i < 300; i++) await set.cli(set.primary, 'SET', `key:${i}`, 'x'.repeat(100));
    await set.start(replica2);
    save('info-replication-replica-sync-pending.txt', await set.cli(replica2, 'INFO', 'replication'));
    await waitFor('replica2 to receive the RDB', 20_000, async () => (await set.replicationInfo(replica2))['master_sync_in_progress'] === '1');
    save('info-replication-replica-syncing.txt', await set.cli(replica2, 'INFO', 'replication'));
    save('info-replication-master-while-syncing.txt', await set.cli(set.primary, 'INFO', 'replication'));
    await set.cli(set.primary, 'CONFIG', 'SET', 'rdb-key-save-delay', '0');

    // The primary gone: the replicas' link is down, counting seconds.
    await set.waitForSync();
    await set.stop(set.primary);
    await new Promise((r) => setTimeout(r, 2_200));
    save('info-replication-replica-link-down.txt', await set.cli(replica1, 'INFO', 'replication'));
  } finally {
    await set.close();
  }
}

void main().then(
  () => console.log('fixtures written to', here),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
