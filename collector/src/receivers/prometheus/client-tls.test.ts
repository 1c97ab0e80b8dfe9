import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestCertificates, type TestCertificates } from '../redis/testdata/test-certificates';
import { HttpPrometheusClient } from './client';
import { parsePrometheusConfig } from './config';

/** Prometheus behind https with a test CA (certificates made with openssl, for the name redis.test). */
describe('HttpPrometheusClient over TLS', () => {
  let dir: string;
  let certs: TestCertificates;
  let server: Server;
  let url = '';
  const answer = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { __name__: 'up', member: 'a' }, value: [1, '1'] }] } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-prom-tls-'));
    certs = makeTestCertificates(dir);
    server = createServer({ cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) }, (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = (tls: unknown) => new HttpPrometheusClient(parsePrometheusConfig({ url, exporter: 'redis_exporter', tls }, 'groups[0].prometheus'));

  it('verifies the server against ca_file under server_name', async () => {
    const samples = await client({ ca_file: certs.caFile, server_name: 'redis.test' }).instantQuery('up', AbortSignal.timeout(5_000));
    assert.deepEqual(
      samples.map((s) => s.value),
      [1],
    );
  });

  it('refuses a server it cannot verify (system CAs only, or the wrong name)', async () => {
    await assert.rejects(client(true).instantQuery('up', AbortSignal.timeout(5_000)), /certificate|self.signed|unable to verify/i);
    await assert.rejects(
      client({ ca_file: certs.caFile, server_name: 'other.test' }).instantQuery('up', AbortSignal.timeout(5_000)),
      /altnames|does not match|Hostname/i,
    );
  });
});
