import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { ListenError, listenOn } from './listen-error';

describe('listenOn', () => {
  it('rejects an address no interface has with a ListenError naming the setting (EADDRNOTAVAIL; nothing is sent)', async () => {
    const server = createServer();
    await assert.rejects(listenOn(server, { host: '192.0.2.1', port: 9464, setting: 'listen.metrics', what: '/metrics and the API' }), (error: unknown) => {
      assert.ok(error instanceof ListenError);
      assert.equal(error.code, 'EADDRNOTAVAIL');
      assert.equal(error.setting, 'listen.metrics');
      assert.equal(
        error.message,
        'cannot listen for /metrics and the API on 192.0.2.1:9464 (EADDRNOTAVAIL: no network interface of this machine has that address); change listen.metrics in the config or stop what uses it',
      );
      return true;
    });
  });

  it('rejects a port in use (EADDRINUSE), and resolves once bound', async () => {
    const first = createServer();
    await listenOn(first, { host: '127.0.0.1', port: 0, setting: 'listen.otlp', what: 'OTLP' });
    const { port } = first.address() as { port: number };
    try {
      await assert.rejects(
        listenOn(createServer(), { host: '127.0.0.1', port, setting: 'listen.otlp', what: 'OTLP' }),
        (error: unknown) => error instanceof ListenError && error.code === 'EADDRINUSE' && /change listen\.otlp/.test(error.message),
      );
    } finally {
      await new Promise((resolve) => first.close(resolve));
    }
  });
});
