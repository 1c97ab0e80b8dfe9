import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecoveryEngine } from '../engine/engine';
import { obs, testGroup } from '../engine/testing/scenario';
import { aclPermissionEntries } from '../receivers/redis/acl-fingerprint';
import { MAX_PERMISSION_DIFFERENCE_SERIES, METRICS } from './metric-definitions';
import { forEachGaugePoint } from './otlp/gauge-points';
import { PrometheusExporter } from './prometheus/prometheus-exporter';

const PLAIN_PASSWORD = 'hunter2-plain-secret';
const HASH = '4c7c5f1f6a1ab2bd1d2c9d5a7f6e3b8a9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f';
const OTHER_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * `ACL LIST` as a leader and a replica answer it after a failover left the replica behind:
 * the replica lacks eight users and has the app user with another password and fewer commands.
 * `>…` (a plain password, as `ACL SETUSER` takes it) and `#…` (its SHA-256) are the secrets.
 */
const LEADER_ACL = [
  'user default on nopass ~* &* +@all',
  `user app on #${HASH} ~app:* resetchannels -@all +get +set`,
  ...['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'].map((u) => `user ${u} on >${PLAIN_PASSWORD} ~* +@read`),
];
const REPLICA_ACL = ['user default on nopass ~* &* +@all', `user app on #${OTHER_HASH} ~app:* resetchannels -@all +get`];

function driftedGroup() {
  const now = 1_700_000_000_000;
  const engine = new RecoveryEngine({ groups: [testGroup()], now: () => now });
  engine.observe(obs('cache-a', now, { role: 'leader', position: 10, permissionFingerprint: 'f-a', permissionEntries: aclPermissionEntries(LEADER_ACL) }));
  engine.observe(obs('cache-b', now, { role: 'replica', position: 10, permissionFingerprint: 'f-b', permissionEntries: aclPermissionEntries(REPLICA_ACL) }));
  return { engine, states: engine.tick(), now };
}

describe('recovery_member_permission_difference', () => {
  it(`names the first ${MAX_PERMISSION_DIFFERENCE_SERIES} differences of a drifted member by entry, never a password or its hash`, async () => {
    const { states } = driftedGroup();
    const exporter = new PrometheusExporter();
    exporter.update(states, new Map());
    const text = await exporter.metricsText();
    const series = text.split('\n').filter((l) => l.startsWith(`${METRICS.memberPermissionDifference.name}{`));
    assert.deepEqual(series, [
      'recovery_member_permission_difference{group="db",member="cache-b",change="changed",entry="user app"} 1',
      'recovery_member_permission_difference{group="db",member="cache-b",change="missing",entry="user u1"} 1',
      'recovery_member_permission_difference{group="db",member="cache-b",change="missing",entry="user u2"} 1',
      'recovery_member_permission_difference{group="db",member="cache-b",change="missing",entry="user u3"} 1',
      'recovery_member_permission_difference{group="db",member="cache-b",change="missing",entry="user u4"} 1',
    ]);
    // The finding's text still counts the rest, and says the password differs without showing it.
    const finding = states[0]!.findings.find((f) => f.cause === 'permission_drift')!;
    assert.match(finding.summary, /user app on cache-b: password differs, lacks \+set/);
    assert.match(finding.summary, /and 6 more/);
    for (const secret of [PLAIN_PASSWORD, HASH, OTHER_HASH, HASH.slice(0, 12), OTHER_HASH.slice(0, 12)]) {
      assert.ok(!text.includes(secret), `the exposition never carries ${secret.slice(0, 8)}…`);
      assert.ok(!JSON.stringify(states).includes(secret), `nor the derived state ${secret.slice(0, 8)}…`);
    }
    assert.doesNotMatch(text, /password:/, 'no password digest token either');
  });

  it('sends the same few over OTLP, with no secret in any attribute', () => {
    const { states, now } = driftedGroup();
    const points: string[] = [];
    forEachGaugePoint(states, new Map(), now, (key, _value, attributes) => {
      if (key === 'memberPermissionDifference') points.push(`${attributes.change} ${attributes.entry}`);
      for (const v of Object.values(attributes)) assert.ok(!v.includes(PLAIN_PASSWORD) && !v.includes(HASH.slice(0, 12)) && !v.includes('password:'), v);
    });
    assert.deepEqual(points, ['changed user app', 'missing user u1', 'missing user u2', 'missing user u3', 'missing user u4']);
  });

  it('goes away once the permissions agree again', async () => {
    let now = 1_700_000_000_000;
    const engine = new RecoveryEngine({ groups: [testGroup()], now: () => now });
    const exporter = new PrometheusExporter();
    const tick = (replicaAcl: string[]) => {
      engine.observe(
        obs('cache-a', now, {
          role: 'leader',
          position: 10,
          permissionFingerprint: String(LEADER_ACL.length),
          permissionEntries: aclPermissionEntries(LEADER_ACL),
        }),
      );
      engine.observe(
        obs('cache-b', now, {
          role: 'replica',
          position: 10,
          permissionFingerprint: String(replicaAcl.length),
          permissionEntries: aclPermissionEntries(replicaAcl),
        }),
      );
      exporter.update(engine.tick(), new Map());
      now += 1000;
    };
    tick(REPLICA_ACL);
    assert.match(await exporter.metricsText(), /^recovery_member_permission_difference\{/m);
    tick(LEADER_ACL);
    assert.doesNotMatch(await exporter.metricsText(), /^recovery_member_permission_difference\{/m);
  });
});
