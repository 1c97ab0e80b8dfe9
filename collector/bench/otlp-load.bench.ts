/**
 * OTLP under sustained load, end to end (issue 9): a collector process, 8
 * clients pushing 200 groups × 5 members over OTLP/HTTP protobuf on
 * loopback, /metrics scraped every second. Prints points/s, request latency
 * p50/p99, scrape p99 and the collector's RSS, for the default config and for
 * a low otlp.memory_limit that reaches the 503 path. The baseline, measured in
 * the same run: bare protobufjs decode of the same request bodies on one core;
 * the ratio says how much of it survives HTTP, mapping and the engine with
 * the clients on the same 2 cores.
 *
 * REBOUND_BENCH_LOAD_SECONDS sets each run's length (default 15).
 */
import { ExportMetricsServiceRequestType } from '../src/receivers/otlp/otlp-schema';
import { groupName, mib, runOtlpLoad, startLoadCollector, type LoadResult } from './otlp-load-driver';

const SECONDS = Number(process.env['REBOUND_BENCH_LOAD_SECONDS'] ?? 15);
const CLIENTS = 8;
const GROUPS = 200;
const MEMBERS = 5;
/** Low enough that the collector's own heap passes it under this load, so some requests get 503. */
const LOW_MEMORY_LIMIT = process.env['REBOUND_BENCH_LOW_MEMORY_LIMIT'] ?? '64MiB';

/** Points/s of bare protobufjs decode of one client's request (25 groups × 5 members × 4 points). */
function bareDecodePointsPerSecond(): number {
  const resourceMetrics = [];
  for (let g = 0; g < GROUPS; g += CLIENTS) {
    for (let m = 0; m < MEMBERS; m++) {
      const gauge = (name: string, value: number) => ({ name, gauge: { dataPoints: [{ timeUnixNano: Date.now() * 1e6, asDouble: value }] } });
      resourceMetrics.push({
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: groupName(g) } },
            { key: 'service.instance.id', value: { stringValue: `${groupName(g)}-${m}` } },
            { key: 'recovery.member.role', value: { stringValue: 'replica' } },
          ],
        },
        scopeMetrics: [
          {
            metrics: [
              gauge('recovery.member.up', 1),
              gauge('recovery.member.serving', 1),
              gauge('recovery.member.position', 1e6),
              gauge('recovery.member.lag_bytes', 7),
            ],
          },
        ],
      });
    }
  }
  const body = ExportMetricsServiceRequestType.encode(ExportMetricsServiceRequestType.fromObject({ resourceMetrics })).finish();
  const points = resourceMetrics.length * 4;
  for (let i = 0; i < 200; i++) ExportMetricsServiceRequestType.decode(body);
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    let calls = 0;
    while (performance.now() - start < 300) {
      for (let i = 0; i < 10; i++) ExportMetricsServiceRequestType.decode(body);
      calls += 10;
    }
    best = Math.max(best, (calls * points) / ((performance.now() - start) / 1000));
  }
  return best;
}

function report(label: string, result: LoadResult, baseline: number): void {
  const statuses = Object.entries(result.statuses)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  console.log(`${label}`);
  console.log(
    `  requests ${result.requests} (${statuses}); accepted ${Math.round(result.pointsPerSecond).toLocaleString('en-US')} points/s, ratio to bare decode ${(result.pointsPerSecond / baseline).toFixed(3)}`,
  );
  console.log(
    `  latency p50 ${result.latencyMillis.p50.toFixed(1)} ms, p99 ${result.latencyMillis.p99.toFixed(1)} ms; /metrics p99 ${result.scrapeMillis.p99.toFixed(1)} ms (max ${result.scrapeMillis.max.toFixed(1)} ms, ${result.scrapeMillis.count} scrapes)`,
  );
  console.log(
    `  collector RSS after warm-up ${mib(result.rssBytes.afterWarmup)}, at the end ${mib(result.rssBytes.end)}, max ${mib(result.rssBytes.max)}; live heap after a full GC ${mib(result.liveHeapBytes.afterWarmup)} → ${mib(result.liveHeapBytes.end)}`,
  );
  if (result.statuses[503]) console.log(`  503 answers without Retry-After: ${result.unavailableWithoutRetryAfter}`);
}

async function main(): Promise<void> {
  const baseline = bareDecodePointsPerSecond();
  console.log(`baseline: bare protobufjs decode of the same requests, one core: ${Math.round(baseline).toLocaleString('en-US')} points/s`);
  const runs: [string, string[]][] = [
    [`default config: ${CLIENTS} clients, ${GROUPS} groups × ${MEMBERS} members, ${SECONDS} s`, []],
    [`otlp.memory_limit: ${LOW_MEMORY_LIMIT} (the 503 path), same load`, [`memory_limit: ${LOW_MEMORY_LIMIT}`]],
  ];
  for (const [label, otlp] of runs) {
    const collector = await startLoadCollector({ groups: GROUPS, otlp });
    try {
      const result = await runOtlpLoad({
        collector,
        clients: CLIENTS,
        groups: GROUPS,
        membersPerGroup: MEMBERS,
        durationMillis: SECONDS * 1000,
        warmupMillis: Math.min(5_000, SECONDS * 250),
        scrapeEveryMillis: 1000,
      });
      report(label, result, baseline);
      if (otlp.length > 0 && !result.statuses[503]) console.log('  (the 503 path was NOT reached: lower LOW_MEMORY_LIMIT)');
    } finally {
      await collector.stop();
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
