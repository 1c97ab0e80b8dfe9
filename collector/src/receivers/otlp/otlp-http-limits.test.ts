import assert from 'node:assert/strict';
import * as net from 'node:net';
import { describe, it } from 'node:test';
import { waitFor } from '../../testing/processes';
import { emptyHistogramPointsProtobuf, emptyResourcesJson, lagRequestJson, startTestReceiver, type StartedReceiver } from './otlp-test-helpers';

async function post(url: string, body: Uint8Array | string, contentType = 'application/json'): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': contentType } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What a raw socket got back, and whether the server closed the connection. */
interface RawExchange {
  received: () => string;
  closed: Promise<void>;
  /** The server finished its side (FIN): nothing more will come. */
  ended: Promise<void>;
  socket: net.Socket;
}

/** A raw TCP client: fetch and http.request would hide EPIPE, resets and half-sent bodies. */
function rawConnect(started: StartedReceiver, head: string): Promise<RawExchange> {
  const { port } = started.receiver.address();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // allowHalfOpen: a client still sending its body does not stop writing when the server's FIN arrives.
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
      socket.write(head);
      resolve({ received: () => Buffer.concat(chunks).toString('latin1'), closed, ended, socket });
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    const ended = new Promise<void>((done) => socket.once('end', () => done()));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // EPIPE/ECONNRESET after the answer are expected; what was read is what counts
    socket.once('error', reject);
  });
}

async function withReceiver(server: Parameters<typeof startTestReceiver>[0], run: (started: StartedReceiver) => Promise<void>): Promise<void> {
  const started = await startTestReceiver(server);
  try {
    await run(started);
  } finally {
    await started.receiver.stop();
  }
}

describe('OTLP/HTTP receiver limits', () => {
  it('refuses out-of-range timestamps with 400 or a partial success naming why, never 500', () =>
    withReceiver({}, async (started) => {
      for (const time of ['1e22', '1e300', '-1', '"-5"', '"NaN"', '"99999999999999999999"', '8.64e21']) {
        const body = lagRequestJson('t-1').replace(/"timeUnixNano":"\d+"/, `"timeUnixNano":${time}`);
        const reply = await post(started.url, body);
        assert.equal(reply.status, 400, `${time}: ${reply.text}`);
        assert.match(JSON.parse(reply.text).message, /timeUnixNano: expected an unsigned 64-bit integer/, time);
      }
      // Far ahead but a valid fixed64 (year 2554): a partial success saying future_timestamp.
      const future = await post(started.url, lagRequestJson('t-2').replace(/"timeUnixNano":"\d+"/, '"timeUnixNano":"18446744073709551615"'));
      assert.equal(future.status, 200);
      assert.match(JSON.parse(future.text).partialSuccess.errorMessage, /future_timestamp ×1 .*2554-/);
      // A value that overflows once converted to the base unit (MiB → bytes).
      const huge = JSON.parse(lagRequestJson('t-3'));
      Object.assign(huge.resourceMetrics[0].scopeMetrics[0].metrics[0], { name: 'recovery.member.lag_bytes', unit: 'MiB' });
      huge.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble = 1e306;
      const overflow = await post(started.url, JSON.stringify(huge));
      assert.equal(overflow.status, 200);
      assert.match(JSON.parse(overflow.text).partialSuccess.errorMessage, /invalid_value ×1 .*overflows/);
    }));

  it('answers 413 for bodies that decode into millions of objects, naming the limit, and keeps serving', () =>
    withReceiver({}, async (started) => {
      const points = await post(started.url, emptyHistogramPointsProtobuf(2_000_000), 'application/x-protobuf');
      assert.equal(points.status, 413);
      const resources = await post(started.url, emptyResourcesJson(1_390_000));
      assert.equal(resources.status, 413);
      assert.match(JSON.parse(resources.text).message, /otlp\.max_items_per_request/);
      assert.equal(await started.refused('too_many_points'), 1);
      assert.equal(await started.refused('too_many_items'), 1);
      assert.equal((await post(started.url, lagRequestJson('after'))).status, 200);
    }));

  it('answers 503 with Retry-After above otlp.memory_limit, and accepts again below 80 % of it', async () => {
    let bytes = 600 * 1024 ** 2;
    const started = await startTestReceiver({ memoryLimitBytes: 512 * 1024 ** 2, retryAfterSeconds: 3 }, ['payments'], Date.now, () => bytes);
    try {
      const refused = await post(started.url, lagRequestJson('m-1'));
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '3');
      assert.match(JSON.parse(refused.text).message, /otlp\.memory_limit \(600 MiB of 512 MiB\)/);
      bytes = 450 * 1024 ** 2; // below the limit, above 80 % of it: still refusing (no flapping at the line)
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal((await post(started.url, lagRequestJson('m-2'))).status, 503);
      bytes = 400 * 1024 ** 2;
      await waitFor('accepting again', 5_000, async () => ((await post(started.url, lagRequestJson('m-3'))).status === 200 ? true : undefined), 20);
      assert.ok((await started.refused('memory_limit')) >= 2);
      assert.deepEqual(
        started.sink.observations.map((o) => o.member),
        ['m-3'],
      );
    } finally {
      await started.receiver.stop();
    }
  });

  it('answers 413 to a declared Content-Length over the limit, and the client still writing its body reads it (no EPIPE)', () =>
    withReceiver({ maxRequestBytes: 64 * 1024 }, async (started) => {
      // Like curl or most HTTP clients: write the whole body, then read the answer.
      const declared = 32 * 1024 * 1024;
      const exchange = await rawConnect(
        started,
        `POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${declared}\r\n\r\n`,
      );
      const errors: string[] = [];
      exchange.socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
      const chunk = Buffer.alloc(64 * 1024, 1);
      for (let sent = 0; sent < declared && !exchange.socket.destroyed; sent += chunk.length) {
        if (!exchange.socket.write(chunk)) await new Promise((resolve) => exchange.socket.once('drain', resolve).once('close', resolve));
      }
      exchange.socket.end();
      await Promise.race([exchange.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('not closed within 20 s')), 20_000))]);
      assert.deepEqual(errors, [], 'the body was written without EPIPE/ECONNRESET');
      assert.match(exchange.received(), /^HTTP\/1\.1 413 /);
      assert.match(exchange.received(), /connection: close/i);
      assert.equal(await started.refused('body_too_large'), 1);
    }));

  it('answers 408 to a body that stops halfway, and closes the connection (otlp.read_timeout)', () =>
    withReceiver({ readTimeoutMillis: 300 }, async (started) => {
      const body = lagRequestJson('slow');
      const exchange = await rawConnect(
        started,
        `POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`,
      );
      await waitFor('an answer and the connection closed by the server', 10_000, async () => {
        const ended = await Promise.race([exchange.ended.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 50))]);
        return ended ? true : undefined;
      });
      exchange.socket.destroy();
      assert.match(exchange.received(), /^HTTP\/1\.1 408 /);
      assert.match(exchange.received(), /otlp\.read_timeout/);
      assert.equal(await started.refused('read_timeout'), 1);
      assert.equal((await post(started.url, lagRequestJson('after-slow'))).status, 200);
    }));
});
