import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ServerProcess, sparePort, waitFor } from './processes';

/**
 * The Debian exporters and Prometheus as a user runs them: one exporter per
 * database node, Prometheus scraping every exporter each second with a
 * `member` target label (as a relabelling would add). Binaries from the Debian
 * packages prometheus, prometheus-redis-exporter, prometheus-postgres-exporter,
 * prometheus-mysqld-exporter (scripts/ensure-system-deps.sh).
 */

/** Only the replication query of the Debian package's examples/queries.yaml: it yields the misleading pg_replication_lag. */
export const PG_REPLICATION_QUERIES = `pg_replication:
  query: "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 ELSE GREATEST (0, EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))) END AS lag"
  master: true
  metrics:
    - lag:
        usage: "GAUGE"
        description: "Replication lag behind master in seconds"
`;

export interface ExporterTarget {
  member: string;
  /** `127.0.0.1:PORT` of the exporter's /metrics. */
  address: string;
  /** Target labels beside `member` (e.g. `zone`). */
  labels?: Record<string, string>;
}

export interface RunningExporter extends ExporterTarget {
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Start an exporter for one node; `start()` again after `stop()` reuses its port. */
export async function startExporter(
  dir: string,
  kind: 'redis' | 'postgres' | 'mysqld',
  member: string,
  node: string,
  labels: Record<string, string> = {},
): Promise<RunningExporter> {
  const port = await sparePort();
  const address = `127.0.0.1:${port}`;
  let server: ServerProcess | undefined;
  const start = async (): Promise<void> => {
    if (kind === 'redis') {
      server = new ServerProcess(
        `redis_exporter ${member}`,
        'prometheus-redis-exporter',
        ['-redis.addr', `redis://${node}`, '-web.listen-address', address],
        dir,
      );
    } else if (kind === 'mysqld') {
      // `node` is a Go MySQL DSN, e.g. root@unix(/tmp/…/mysqld.sock)/ or user:pw@tcp(127.0.0.1:3306)/.
      server = new ServerProcess(`mysqld_exporter ${member}`, 'prometheus-mysqld-exporter', [`--web.listen-address=${address}`], dir, {
        env: { ...process.env, DATA_SOURCE_NAME: node },
      });
    } else {
      const queries = join(dir, 'pg-replication-queries.yaml');
      writeFileSync(queries, PG_REPLICATION_QUERIES);
      server = new ServerProcess(
        `postgres_exporter ${member}`,
        'prometheus-postgres-exporter',
        [`--web.listen-address=${address}`, `--extend.query-path=${queries}`],
        dir,
        {
          env: { ...process.env, DATA_SOURCE_NAME: node },
        },
      );
    }
    const running = server;
    await waitFor(`${kind} exporter of ${member} on ${address}`, 20_000, async () => {
      if (!running.running) throw new Error(`exporter exited: ${running.tail()}`);
      return (
        (await fetch(`http://${address}/metrics`)
          .then((r) => r.ok)
          .catch(() => false)) || undefined
      );
    });
  };
  await start();
  return { member, address, labels, start, stop: async () => server?.stop() };
}

export interface TestPrometheus {
  url: string;
  dir: string;
  /** Stop Prometheus (SIGTERM); `start()` brings it back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Wait until Prometheus has a fresh `up` 1 for every target. */
  waitForTargets(timeoutMillis?: number): Promise<void>;
  close(): Promise<void>;
}

/** Prometheus scraping `targets` every second under `job`. */
export async function startTestPrometheus(job: string, targets: readonly ExporterTarget[]): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-prom-'));
  const port = await sparePort();
  const url = `http://127.0.0.1:${port}`;
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(
    configFile,
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
      scrape_configs: [{ job_name: job, static_configs: targets.map((t) => ({ targets: [t.address], labels: { member: t.member, ...(t.labels ?? {}) } })) }],
    }),
  );
  let server: ServerProcess | undefined;
  const start = async (): Promise<void> => {
    server = new ServerProcess(
      'prometheus',
      process.env['PROMETHEUS'] ?? '/usr/bin/prometheus',
      [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
      dir,
    );
    const running = server;
    await waitFor('Prometheus to be ready', 60_000, async () => {
      if (!running.running) throw new Error(`prometheus exited: ${running.tail()}`);
      return (
        (await fetch(`${url}/-/ready`)
          .then((r) => r.ok)
          .catch(() => false)) || undefined
      );
    });
  };
  const waitForTargets = async (timeoutMillis = 30_000): Promise<void> => {
    await waitFor(
      `Prometheus to scrape ${targets.length} exporter(s)`,
      timeoutMillis,
      async () => {
        const body = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(`up{job="${job}"} == 1`)}`)).json()) as {
          data: { result: unknown[] };
        };
        return body.data.result.length === targets.length || undefined;
      },
      250,
    );
  };
  try {
    await start();
  } catch (error) {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    dir,
    start,
    stop: async () => server?.stop(),
    waitForTargets,
    close: async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A temp dir for exporters' files, removed by the returned function. */
export function exporterDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-exporters-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
