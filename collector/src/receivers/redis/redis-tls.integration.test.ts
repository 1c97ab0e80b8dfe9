/**
 * The Redis receiver over TLS against a real redis-server with a test CA
 * (certificates made with openssl in a temp dir): verified against `ca_file`
 * under `server_name`, and refused (source down, no observation) when the
 * certificate cannot be verified.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMemoryLogger } from '../../logger';
import { waitFor } from '../../testing/ports';
import { ServerProcess, sparePort } from '../../testing/processes';
import { RecordingSink } from '../../testing/recording-sink';
import { aclPermissionFingerprint } from './acl-fingerprint';
import { parseRedisConfig } from './config';
import { RedisReceiver } from './redis-receiver';

let dir: string;
let server: ServerProcess;
let address: string;

function makeCertificates(): void {
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=rebound-test-ca');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=redis.test');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:redis.test\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
}

/** One round of a receiver with this `tls:` section; returns what it reported and logged. */
async function roundWith(tls: unknown): Promise<{ sink: RecordingSink; lines: string[] }> {
  const config = parseRedisConfig({ nodes: [{ member: 'cache-a', address }], timeout: '2s', tls }, 'groups[0].redis');
  const logger = createMemoryLogger();
  const receiver = new RedisReceiver('cache', config, { intervalMillis: 1_000, logger, now: Date.now });
  const sink = new RecordingSink();
  try {
    await receiver.round(sink);
  } finally {
    await receiver.stop();
  }
  return { sink, lines: logger.lines };
}

describe('Redis receiver over TLS', { timeout: 60_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-redis-tls-'));
    makeCertificates();
    const port = await sparePort();
    address = `127.0.0.1:${port}`;
    server = new ServerProcess(
      'redis tls',
      'redis-server',
      ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--tls-cert-file', 'server.pem', '--tls-key-file', 'server.key', '--tls-ca-cert-file', 'ca.pem', '--tls-auth-clients', 'no'],
      dir,
    );
    await waitFor('the TLS redis-server to answer', async () => (await roundWith({ ca_file: join(dir, 'ca.pem'), server_name: 'redis.test' })).sink.observations.length === 1, 15_000, 200);
  });

  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the server against ca_file under server_name, and says TLS in the fingerprint', async () => {
    const { sink } = await roundWith({ ca_file: join(dir, 'ca.pem'), server_name: 'redis.test' });
    const [observation] = sink.observations;
    assert.equal(observation?.reachable, true);
    assert.equal(observation?.role, 'leader');
    assert.equal(observation?.permissionFingerprint, aclPermissionFingerprint(['user default on nopass ~* &* +@all'], true));
    assert.equal(sink.lastSourceUp(), true);
  });

  it('a certificate it cannot verify (unknown CA, wrong name) is a failure: no observation, source down, reason logged', async () => {
    for (const [tls, reason] of [
      [true, /self[- ]signed|unable to verify|certificate/i],
      [{ ca_file: join(dir, 'ca.pem'), server_name: 'other.test' }, /other\.test|altnames|Hostname/i],
    ] as const) {
      const { sink, lines } = await roundWith(tls);
      assert.equal(sink.observations.length, 0, JSON.stringify(tls));
      assert.equal(sink.lastSourceUp(), false);
      assert.ok(lines.some((l) => reason.test(l)), lines.join('\n'));
    }
  });

  it('insecure_skip_verify accepts it (for tests only)', async () => {
    const { sink } = await roundWith({ insecure_skip_verify: true });
    assert.equal(sink.observations.length, 1);
  });
});
