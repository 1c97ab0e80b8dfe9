/**
 * See the prometheus source work on this machine, with nothing of yours:
 *
 *   cd collector && node --import tsx src/receivers/prometheus/try-it.ts
 *
 * Starts a Redis primary and replica on spare loopback ports, one Debian
 * prometheus-redis-exporter per node, a Prometheus scraping them every second,
 * and the collector (src/cli.ts) with a config reading that Prometheus — no Redis
 * credentials given to Rebound. Prints the config and the URLs, then stops the
 * replica for 10 s and restarts it (a full resync) every 40 s so there is a
 * recovery to watch. Ctrl-C stops and removes everything.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exporterDir, startExporter, startTestPrometheus, type RunningExporter, type TestPrometheus } from '../../testing/exporter-stack';
import { sparePort } from '../../testing/processes';
import { startRedisReplicaSet } from '../../testing/redis-replica-set';

async function main(): Promise<void> {
  const set = await startRedisReplicaSet({ replicas: 1 });
  const files = exporterDir();
  const exporters: RunningExporter[] = [];
  let prometheus: TestPrometheus | undefined;
  let collector: ReturnType<typeof spawn> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const cleanUp = async (): Promise<void> => {
    if (timer !== undefined) clearInterval(timer);
    collector?.kill('SIGTERM');
    await prometheus?.close();
    for (const e of exporters) await e.stop();
    await set.close();
    files.remove();
  };
  try {
    for (const node of set.nodes) exporters.push(await startExporter(files.dir, 'redis', node.name, node.address, { zone: `zone-${node.name}` }));
    prometheus = await startTestPrometheus('redis', exporters);
    await prometheus.waitForTargets();
    const port = await sparePort();
    const config = [
      'interval: 1s',
      `listen: { metrics: 127.0.0.1:${port} }`,
      `store: ${join(files.dir, 'rebound.db')}`,
      'groups:',
      '  - name: sessions',
      '    hold_down: 10s',
      '    prometheus:',
      `      url: ${prometheus.url}`,
      '      exporter: redis_exporter',
      `      selector: '{job="redis"}'`,
      '      member_label: member',
      '      dependencies_from_labels: { zone: cloud.availability_zone }',
      '      interval: 1s',
      '',
    ].join('\n');
    const configFile = join(files.dir, 'rebound.yaml');
    writeFileSync(configFile, config);
    console.log(`Prometheus ${prometheus.url} scraping ${exporters.map((e) => `${e.member}=${e.address}`).join(', ')}\n\n${configFile}:\n${config}`);
    console.log(
      `Try:\n  curl -s localhost:${port}/api/v1/groups | jq '.groups[] | {phase, members: [.members[] | {member, status, reason}], permissions: .signals.permissions}'\n  curl -s localhost:${port}/metrics | grep -E 'recovery_(group_phase|source_up)'\n`,
    );
    collector = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../cli.ts'), '--config', configFile], { stdio: 'inherit' });
    const replica = set.replicas[0]!;
    timer = setInterval(() => {
      console.log('try-it: stopping the replica for 10 s (then it restarts and resyncs)');
      void set.stop(replica).then(() => setTimeout(() => void set.start(replica).catch(() => undefined), 10_000));
    }, 40_000);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      collector!.once('exit', () => resolve());
    });
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
