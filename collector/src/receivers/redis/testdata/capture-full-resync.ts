/**
 * Re-captures `info-replication-full-resync.txt`: a replica's INFO replication while
 * a full resync (disk-based, so its size is announced) arrives through a 2 MB/s
 * throttling proxy. Run: `node --import tsx src/receivers/redis/testdata/capture-full-resync.ts`.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { waitFor } from '../../../testing/processes';
import { startRedisReplicaSet } from '../../../testing/redis-replica-set';
import { ThrottlingProxy } from '../../../testing/throttling-proxy';

async function main(): Promise<void> {
  const set = await startRedisReplicaSet({ replicas: 1, extraArgs: ['--repl-diskless-sync', 'no'] });
  const proxy = new ThrottlingProxy({ target: { host: '127.0.0.1', port: set.primary.port }, bytesPerSecond: 2_000_000 });
  const client = new Redis({ host: '127.0.0.1', port: set.primary.port, lazyConnect: true });
  try {
    await client.connect();
    await set.cli(set.replicas[0]!, 'REPLICAOF', 'NO', 'ONE');
    for (let i = 0; i < 60; i++) await client.set(`resync:${i}`, randomBytes(50_000).toString('base64'));
    const port = await proxy.start();
    await set.cli(set.replicas[0]!, 'REPLICAOF', '127.0.0.1', String(port));
    let captured = '';
    await waitFor('a full resync half transferred', 30_000, async () => {
      const text = await set.cli(set.replicas[0]!, 'INFO', 'replication');
      const read = /master_sync_read_bytes:(\d+)/.exec(text);
      const total = /master_sync_total_bytes:(\d+)/.exec(text);
      if (read && total && Number(read[1]) > Number(total[1]) / 3) captured = text;
      return captured === '' ? undefined : captured;
    });
    // The ports are this run's; the fields are what matters.
    writeFileSync(join(__dirname, 'info-replication-full-resync.txt'), captured.replace(/\r?\n/g, '\n').trim() + '\n');
  } finally {
    client.disconnect();
    await proxy.close();
    await set.close();
  }
}

void main();
