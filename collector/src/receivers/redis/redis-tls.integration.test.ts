/**
 * The Redis receiver over TLS against real redis-servers with a test CA
 * (certificates made with openssl in a temp dir): one that verifies no client
 * (`tls-auth-clients no`), where the server is verified against `ca_file` under
 * `server_name` and refused (source down, no observation) when it cannot be;
 * and one with mutual TLS (`tls-auth-clients yes`), which only a collector
 * presenting `cert_file`/`key_file` signed by its CA may probe.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GROUP_DEFAULTS } from '../../config/group-config';
import { RecoveryEngine } from '../../engine/engine';
import { createMemoryLogger } from '../../logger';
import type { GroupState } from '../../model/group-state';
import { waitFor } from '../../testing/processes';
import { ServerProcess, sparePort } from '../../testing/processes';
import { RecordingSink } from '../../testing/recording-sink';
import { declarationsOf } from '../shared/node-config';
import { aclPermissionFingerprint } from './acl-fingerprint';
import { parseRedisConfig } from './config';
import { RedisReceiver } from './redis-receiver';
import { makeTestCertificates, type TestCertificates } from './testdata/test-certificates';

const PASSWORD = 'mtls-monitor-s3cret';
let dir: string;
let certs: TestCertificates;
const servers: ServerProcess[] = [];

/** A TLS-only redis-server on a spare port, with the server certificate of the test CA; returns its address. */
async function startTlsRedis(authClients: 'yes' | 'no', extraArgs: string[] = []): Promise<string> {
  const port = await sparePort();
  const tlsArgs = ['--tls-cert-file', certs.serverCertFile, '--tls-key-file', certs.serverKeyFile, '--tls-ca-cert-file', certs.caFile];
  const args = [
    '--port',
    '0',
    '--tls-port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    ...tlsArgs,
    '--tls-auth-clients',
    authClients,
  ];
  servers.push(new ServerProcess(`redis tls-auth-clients ${authClients}`, 'redis-server', [...args, ...extraArgs], dir));
  return `127.0.0.1:${port}`;
}

/** One round of a receiver of `address` with this `tls:` section (and `auth`); returns what it reported and logged, and how the engine sees the member then. */
async function roundWith(
  address: string,
  tls: unknown,
  auth: Record<string, string> = {},
): Promise<{ sink: RecordingSink; lines: string[]; state: GroupState }> {
  const raw = { nodes: [{ member: 'cache-a', address }], timeout: '2s', tls, ...auth };
  const config = parseRedisConfig(raw, 'groups[0].redis', { REBOUND_TEST_MTLS_PASSWORD: PASSWORD });
  const logger = createMemoryLogger();
  const receiver = new RedisReceiver('cache', config, { intervalMillis: 1_000, logger, now: Date.now });
  const sink = new RecordingSink();
  try {
    await receiver.round(sink);
  } finally {
    await receiver.stop();
  }
  const engine = new RecoveryEngine({ groups: [{ name: 'cache', ...GROUP_DEFAULTS, freshnessMillis: 3_000, receivers: [] }] });
  engine.declare('cache', declarationsOf(config.nodes));
  for (const observation of sink.observations) engine.observe(observation);
  return { sink, lines: logger.lines, state: engine.tick()[0]! };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rebound-redis-tls-'));
  certs = makeTestCertificates(dir);
});

after(async () => {
  for (const server of servers) await server.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Redis receiver over TLS', { timeout: 60_000 }, () => {
  let address: string;

  before(async () => {
    address = await startTlsRedis('no');
    const verified = { ca_file: certs.caFile, server_name: 'redis.test' };
    await waitFor('the TLS redis-server to answer', 15_000, async () => (await roundWith(address, verified)).sink.observations[0]?.reachable === true, 200);
  });

  it('verifies the server against ca_file under server_name, and says TLS in the fingerprint', async () => {
    const { sink } = await roundWith(address, { ca_file: certs.caFile, server_name: 'redis.test' });
    const [observation] = sink.observations;
    assert.equal(observation?.reachable, true);
    assert.equal(observation?.role, 'leader');
    assert.equal(observation?.permissionFingerprint, aclPermissionFingerprint(['user default on nopass ~* &* +@all'], true));
    assert.equal(sink.lastSourceUp(), true);
  });

  it('a certificate it cannot verify (unknown CA, wrong name) is a failure: no observation, source down, reason logged', async () => {
    for (const [tls, reason] of [
      [true, /self[- ]signed|unable to verify|certificate/i],
      [{ ca_file: certs.caFile, server_name: 'other.test' }, /other\.test|altnames|Hostname/i],
    ] as const) {
      const { sink, lines } = await roundWith(address, tls);
      assert.equal(sink.observations.length, 0, JSON.stringify(tls));
      assert.equal(sink.lastSourceUp(), false);
      assert.ok(
        lines.some((l) => reason.test(l)),
        lines.join('\n'),
      );
    }
  });

  it('insecure_skip_verify accepts it (for tests only)', async () => {
    const { sink } = await roundWith(address, { insecure_skip_verify: true });
    assert.equal(sink.observations.length, 1);
  });
});

describe('Redis receiver with a client certificate (tls-auth-clients yes)', { timeout: 60_000 }, () => {
  let address: string;
  const verified = (): Record<string, string> => ({ ca_file: certs.caFile, server_name: 'redis.test' });
  const withClientCertificate = (): Record<string, string> => ({ ...verified(), cert_file: certs.clientCertFile, key_file: certs.clientKeyFile });
  // The least-privilege monitoring user of README.md, verbatim: mutual TLS adds to it, it does not replace it.
  const asMonitoringUser = { username: 'rebound', password: '${REBOUND_TEST_MTLS_PASSWORD}' };

  before(async () => {
    address = await startTlsRedis('yes', ['--user', 'rebound', 'on', `>${PASSWORD}`, '-@all', '+info', '+acl|list', '+ping']);
    const answers = async (): Promise<boolean> =>
      (await roundWith(address, withClientCertificate(), asMonitoringUser)).sink.observations[0]?.reachable === true;
    await waitFor('the mutual-TLS redis-server to answer a client with a certificate', 15_000, answers, 200);
  });

  it('with cert_file and key_file: the full probe as the monitoring user (INFO replication and ACL LIST)', async () => {
    const { sink, lines, state } = await roundWith(address, withClientCertificate(), asMonitoringUser);
    const [observation] = sink.observations;
    assert.equal(state.members[0]?.status, 'converged');
    assert.equal(state.phase, 'healthy');
    assert.equal(observation?.reachable, true);
    assert.equal(observation?.role, 'leader');
    assert.equal(observation?.serving, true);
    assert.equal(typeof observation?.position, 'number');
    assert.match(observation?.permissionFingerprint ?? '', /^sha256:/, 'ACL LIST answered');
    assert.equal(sink.lastSourceUp(), true);
    assert.deepEqual(lines, [], 'nothing to complain about, and so nothing logged');
  });

  it('without a client certificate, or with one of another CA: no observation (never healthy), source down, what to do logged', async () => {
    const stranger = { ...verified(), cert_file: certs.strangerCertFile, key_file: certs.strangerKeyFile };
    // The server either resets the connection (then the hint names the keys) or sends a TLS alert first.
    for (const [tls, reason] of [
      [verified(), /set tls\.cert_file and tls\.key_file|alert certificate required/],
      [stranger, /does not accept tls\.cert_file .*stranger\.pem|alert unknown ca/],
    ] as const) {
      const { sink, lines, state } = await roundWith(address, tls, asMonitoringUser);
      assert.equal(sink.observations.length, 0, `${JSON.stringify(tls)}: ${JSON.stringify(sink.observations)}`);
      assert.equal(state.members[0]?.status, 'unknown');
      assert.notEqual(state.phase, 'healthy');
      assert.equal(sink.lastSourceUp(), false);
      assert.ok(
        lines.some((l) => l.includes('cache-a') && reason.test(l)),
        lines.join('\n'),
      );
    }
  });

  it('never logs the private key nor the password, whatever the outcome', async () => {
    const keyBody = readFileSync(certs.clientKeyFile, 'utf8').split('\n')[1]!;
    for (const tls of [withClientCertificate(), verified()]) {
      const { lines } = await roundWith(address, tls, { username: 'rebound', password: 'wrong-${REBOUND_TEST_MTLS_PASSWORD}' });
      assert.ok(lines.length > 0, 'the failure is logged');
      for (const line of lines) {
        assert.ok(!line.includes(keyBody) && !line.includes(PASSWORD), line);
      }
    }
  });
});
