/**
 * The same lifecycle test for every receiver factory of the registry, table-driven, as the
 * OpenTelemetry Collector's generated `generated_component_test.go`: create with the defaults,
 * start, stop twice, and a start failure reported. A factory added to the registry without a
 * row here fails the first test.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { COLLECTOR_DEFAULTS, type CollectorConfig } from '../config/collector-config';
import { ListenError } from '../listen-error';
import { createMemoryLogger } from '../logger';
import { RecordingSink } from '../testing/recording-sink';
import { waitFor } from '../testing/processes';
import { createDefaultOtlpServerConfig } from './otlp/config';
import type { ReceiverContext, ReceiverFactory } from './receiver';
import { RECEIVER_FACTORIES } from './registry';

/** How a factory's receiver shows that it could not start its work. */
type FailureCase =
  /** A per-group probe whose nodes all fail: the source is reported down (`recovery_source_up` 0), never up. */
  | { kind: 'source-down'; raw(address: string): unknown }
  /** The shared component cannot bind its address: start rejects with a ListenError (the CLI exits 2). */
  | { kind: 'shared-listen-error' }
  /** Nothing that can fail: the receiver does no I/O. */
  | { kind: 'none'; why: string };

const FAILURES: Record<string, FailureCase> = {
  demo: { kind: 'none', why: 'the demo cluster is simulated in-process' },
  otlp: { kind: 'shared-listen-error' },
  redis: { kind: 'source-down', raw: (address) => ({ nodes: [{ member: 'n-1', address }], timeout: '300ms' }) },
  postgresql: { kind: 'source-down', raw: (address) => ({ nodes: [{ member: 'n-1', url: `postgres://monitor@${address}/postgres` }], timeout: '300ms' }) },
  mysql: { kind: 'source-down', raw: (address) => ({ nodes: [{ member: 'n-1', url: `mysql://monitor@${address}` }], timeout: '300ms' }) },
  prometheus: { kind: 'source-down', raw: (address) => ({ url: `http://${address}`, exporter: 'redis_exporter', timeout: '300ms' }) },
};

const context = (): ReceiverContext => ({ intervalMillis: 200, logger: createMemoryLogger(), now: Date.now });

function collectorConfig(otlpPort: number): CollectorConfig {
  return {
    intervalMillis: 200,
    listen: { metrics: { host: '127.0.0.1', port: 0 }, otlp: { host: '127.0.0.1', port: otlpPort }, auth: {} },
    storePath: COLLECTOR_DEFAULTS.storePath,
    groups: [],
    otlp: createDefaultOtlpServerConfig(),
    exporters: {},
    maintenance: [],
  };
}

describe('every receiver factory: the generated lifecycle test', () => {
  /** Accepts every connection and resets it at once: a node that fails every probe (not a refusal, see shared/errors.ts). */
  let resetter: Server;
  let resetterAddress = '';
  /** A port in use, for the shared component's bind failure. */
  let busy: Server;
  let busyPort = 0;
  before(async () => {
    resetter = createServer((socket: Socket) => socket.resetAndDestroy());
    busy = createServer();
    await Promise.all([resetter, busy].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    resetterAddress = `127.0.0.1:${(resetter.address() as { port: number }).port}`;
    busyPort = (busy.address() as { port: number }).port;
  });
  after(async () => {
    await Promise.all([resetter, busy].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('has a row for every factory of the registry, and no row for a factory that is gone', () => {
    assert.deepEqual(RECEIVER_FACTORIES.map((f) => f.type).sort(), Object.keys(FAILURES).sort());
  });

  for (const factory of RECEIVER_FACTORIES as readonly ReceiverFactory<unknown>[]) {
    describe(factory.type, () => {
      it('creates a receiver from the default config; it starts, and stops twice', async () => {
        const receiver = factory.create('lifecycle', factory.createDefaultConfig(), context());
        assert.equal(typeof receiver.source, 'string');
        assert.notEqual(receiver.source, '');
        await receiver.start(new RecordingSink());
        await receiver.stop();
        await receiver.stop();
      });

      if (factory.createShared) {
        it('creates its shared component from the default config; it starts, and stops twice', async () => {
          const shared = factory.createShared!(
            { config: collectorConfig(0), groups: [{ name: 'lifecycle', config: factory.createDefaultConfig() }], registry: new Registry() },
            context(),
          );
          assert.ok(shared, 'a group uses it, so it is made');
          const sink = new RecordingSink();
          await shared.start(sink);
          assert.notEqual(shared.address().port, 0, 'it reports the port it took');
          await shared.stop();
          await shared.stop();
        });
      }

      const failure = FAILURES[factory.type];
      if (failure === undefined) return;
      if (failure.kind === 'source-down') {
        it('a start whose nodes all fail is reported: the source down, no observation', async () => {
          const config = factory.parseConfig(failure.raw(resetterAddress), `groups[0].${factory.type}`);
          const receiver = factory.create('lifecycle', config, context());
          const sink = new RecordingSink();
          await receiver.start(sink);
          try {
            await waitFor('the source reported down', 10_000, () => (sink.sourceUps.some((s) => s.source === receiver.source && !s.up) ? true : undefined), 20);
            assert.ok(
              sink.sourceUps.every((s) => !s.up),
              'never reported up',
            );
            assert.deepEqual(sink.observations, [], 'no observation: a failing node is not observed');
          } finally {
            await receiver.stop();
          }
        });
      } else if (failure.kind === 'shared-listen-error') {
        it('its shared component not binding its address rejects the start with a ListenError; stopping after is harmless', async () => {
          const shared = factory.createShared!(
            { config: collectorConfig(busyPort), groups: [{ name: 'lifecycle', config: factory.createDefaultConfig() }], registry: new Registry() },
            context(),
          );
          assert.ok(shared);
          const sink = new RecordingSink();
          await assert.rejects(shared.start(sink), (error: unknown) => error instanceof ListenError && error.code === 'EADDRINUSE');
          assert.deepEqual(sink.sourceUps, [], 'never reported up');
          await shared.stop();
        });
      } else {
        it(`has no start failure to report: ${failure.why}`, () => {
          assert.equal(factory.createShared, undefined);
        });
      }
    });
  }
});
