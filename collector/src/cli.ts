#!/usr/bin/env node
import { Collector } from './collector';
import { ConfigError } from './config/config-error';
import { COLLECTOR_DEFAULTS, type CollectorConfig } from './config/collector-config';
import { createDefaultOtlpServerConfig } from './receivers/otlp/config';
import { OTLP_TYPE } from './receivers/otlp/factory';
import { loadConfigFile } from './config/load';
import { quoteValue } from './config/quote';
import { ListenError } from './listen-error';
import { parseShardFlag, type ShardConfig } from './config/shard';
import { createConsoleLogger } from './logger';
import { defaultDemoGroups } from './receivers/demo';
import { StoreOpenError } from './store/open-episode-store';
import { RECEIVER_FACTORIES } from './receivers/registry';
import { summaryLine } from './summary-line';

const USAGE = `Usage: rebound-collector [--config FILE] [--check] [--speed N] [--shard I/N] [--quiet]

  --config FILE   YAML config (see the README); without it the built-in demo cluster runs
  --check         validate the config file and exit: 0 when valid, 2 with the mistake; starts nothing
  --speed N       demo clock speed (default 1: a full failure/recovery cycle in about 2 minutes)
  --shard I/N     own only the groups whose name hashes to shard I of N (overrides the file's shard:)
  --quiet         no per-phase summary lines on stdout and no info logs
  --help          this text`;

interface CliArguments {
  config?: string;
  check: boolean;
  speed: number;
  speedGiven: boolean;
  quiet: boolean;
  shard?: ShardConfig;
}

function parseArguments(argv: readonly string[]): CliArguments {
  const result: CliArguments = { check: false, speed: 1, speedGiven: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--config':
      case '-c':
        result.config = value();
        break;
      case '--speed': {
        const text = value();
        result.speed = Number(text);
        result.speedGiven = true;
        if (!(result.speed > 0 && result.speed <= 1000)) throw new UsageError(`--speed expects a number above 0 and up to 1000, got "${text}"`);
        break;
      }
      case '--quiet':
        result.quiet = true;
        break;
      case '--shard': {
        const text = value();
        try {
          result.shard = parseShardFlag(text);
        } catch (error) {
          throw new UsageError((error as ConfigError).message);
        }
        break;
      }
      case '--check':
        result.check = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break; // not reached: ESLint's no-fallthrough does not know process.exit never returns
      default:
        throw new UsageError(`unknown argument ${quoteValue(arg)}`);
    }
  }
  if (result.check && result.config === undefined) throw new UsageError('--check needs --config FILE: the file to validate');
  return result;
}

class UsageError extends Error {}

/**
 * No config: the demo cluster alone, on the default addresses, with its own
 * store so a demo never mixes its episodes into a real config's default store.
 */
function demoConfig(speed: number): CollectorConfig {
  return {
    intervalMillis: COLLECTOR_DEFAULTS.intervalMillis,
    listen: {
      metrics: { host: '127.0.0.1', port: 9464 },
      otlp: { host: '127.0.0.1', port: 4318 },
      auth: {},
    },
    storePath: './data/rebound-demo.db',
    groups: defaultDemoGroups(speed),
    otlp: createDefaultOtlpServerConfig(),
    exporters: {},
    maintenance: [],
  };
}

/** `config OK: 4 groups, 9 declared members (rebound.yaml)`: what `--check` prints for a valid file. */
function checkSummary(config: CollectorConfig, file: string): string {
  const factories = new Map(RECEIVER_FACTORIES.map((f) => [f.type, f]));
  const members = config.groups.reduce(
    (sum, group) => sum + group.receivers.reduce((n, r) => n + (factories.get(r.type)?.declaredMembers?.(r.config).length ?? 0), 0),
    0,
  );
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const shard =
    config.shard === undefined
      ? ''
      : `\nshard ${config.shard.index} of ${config.shard.count} owns: ${config.groups.map((g) => g.name).join(', ') || '(none)'}; ${plural(config.shardSkipped ?? 0, 'group')} ${config.shardSkipped === 1 ? 'belongs' : 'belong'} to other shards`;
  return `config OK: ${plural(config.groups.length, 'group')}, ${plural(members, 'declared member')} (${file})${shard}`;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const config =
    args.config === undefined
      ? demoConfig(args.speed)
      : loadConfigFile(args.config, undefined, {
          ...(args.speedGiven ? { overrides: { demo: { speed: args.speed } } } : {}),
          ...(args.shard ? { shard: args.shard } : {}),
        });
  if (args.check) {
    // Like `promtool check config`: the file only; no port is bound, no node contacted, the store not opened.
    process.stdout.write(checkSummary(config, args.config!) + '\n');
    return;
  }
  const logger = createConsoleLogger({ quiet: args.quiet });
  // Phase lines wait for the banner, so the endpoints come first on the terminal.
  const pending: string[] = [];
  let banner = false;
  const collector = new Collector({
    config,
    logger,
    onPhaseChange: args.quiet ? undefined : (state) => (banner ? process.stdout.write(summaryLine(state) + '\n') : pending.push(summaryLine(state))),
  });
  // A ListenError (a listen.* address that cannot be bound) ends as one line and exit 2, below.
  const endpoints = await collector.start();
  const otlp = endpoints.receivers[OTLP_TYPE];
  const base = `${config.listen.auth.tls ? 'https' : 'http'}://${endpoints.metrics.host}:${endpoints.metrics.port}`;
  process.stdout.write(
    `Rebound collector ${args.config ? `with ${args.config}` : `with the demo cluster (speed ${args.speed})`}: ${config.groups.length} group(s)${config.shard ? ` (shard ${config.shard.index} of ${config.shard.count}; ${config.shardSkipped ?? 0} configured group(s) belong to other shards)` : ''}\n` +
      `  metrics  ${base}/metrics\n  groups   ${base}/api/v1/groups\n  episodes ${base}/api/v1/episodes\n  health   ${base}/healthz\n` +
      (otlp
        ? `  OTLP in  ${config.otlp.tls ? 'https' : 'http'}://${otlp.host}:${otlp.port}/v1/metrics
`
        : '') +
      `  store    ${config.storePath}${collector.engine.storeUp() === false ? ' (not writable: new episodes are kept in memory)' : ''}
`,
  );
  banner = true;
  for (const line of pending) process.stdout.write(line + '\n');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: saving open episodes and stopping`);
    collector.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('stop failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  // The user's mistakes (the file, the command line, an address that cannot be bound, a store that cannot be opened): one line, exit 2.
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof ListenError || error instanceof StoreOpenError) {
    process.stderr.write(`rebound-collector: ${error.message}\n`);
    if (error instanceof UsageError) process.stderr.write(USAGE + '\n');
    process.exit(2);
  }
  process.stderr.write(`rebound-collector: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
