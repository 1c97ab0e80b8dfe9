/**
 * Every secret the collector holds, set at once, and every error path that
 * could echo one, against a real built collector process: wrong passwords,
 * unreachable nodes, TLS that cannot work, 401s on the OTLP receiver and the
 * API, a failing OTLP export, config errors. Then everything the process
 * produced (stdout, stderr, /metrics, /api/v1/groups, /api/v1/episodes, HTTP
 * error bodies) is searched for each secret, its URL-encoded form, and every
 * substring of 4 characters or more of them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  startPostgresPrimaryStandby,
  type PostgresPrimaryStandby,
  startMariadbPrimaryReplica,
  type MariadbPrimaryReplica,
  MONITOR_ACCOUNT_SQL,
  ServerProcess,
  findLeak,
  selfSignedLoopbackCertificate,
} from '@rebound/collector/testing';
import { builtCollectorCli } from '../support/built-collector';
import { otlpJsonBody } from '../support/otlp-json';
import { Child, sparePort, waitFor } from '../support/processes';

const repo = resolve(__dirname, '../..');

/**
 * The secrets, each with the characters that broke redaction before (`@` `:` `/` `#` `%` `?`, spaces).
 */
const SECRETS = {
  REDIS_PASSWORD: 'Rq7@x:/#%?Zk w9@Vb',
  REDIS_WRONG_PASSWORD: 'Yv4@j:/#%?Nf u6@Gd',
  PG_PASSWORD: 'Pg3@w:/#%?Jm y8@Tn',
  PG_WRONG_PASSWORD: 'Wx5@k:/#%?Hq z2@Lc',
  MYSQL_PASSWORD: 'My6@r:/#%?Bd t3@Qe',
  MYSQL_WRONG_PASSWORD: 'Mw2@f:/#%?Kp v7@Sx',
  OTLP_TOKEN: 'Otk9Qz3Xw7Lp2Mv6',
  API_TOKEN: 'Apx8Kd2Rf5Tg1Hs4',
  EXPORT_TOKEN: 'Exq4Jn7Bc2Wr9Ys5',
};
const secretForms = Object.values(SECRETS).flatMap((s) => [s, encodeURIComponent(s)]);

/** Log lines that show each error path was really taken. */
const EXPECTED_ERRORS: [string, RegExp][] = [
  ['Redis wrong password', /WRONGPASS/],
  ['Redis unreachable node', /"member":"cache-gone".*"problem":"refused: connect ECONNREFUSED/],
  ['Redis TLS to a plain port', /"member":"cache-tls".*"problem"/],
  ['PostgreSQL wrong password', /password authentication failed/],
  ['PostgreSQL unreachable node', /"member":"pg-gone".*"problem":"refused: connect ECONNREFUSED/],
  ['PostgreSQL TLS to a server without it', /does not support SSL/],
  ['MySQL wrong password', /"member":"db-w".*Access denied/],
  ['MySQL unreachable node', /"member":"db-gone".*ECONNREFUSED/],
  ['OTLP 401', /OTLP request refused: missing or wrong bearer token/],
  ['OTLP export failing', /OTLP export failed/],
];

interface Reply {
  status: number;
  headers: string;
  body: string;
}

function get(url: string, ca: Buffer, authorization?: string): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(url, { ca, headers: authorization === undefined ? {} : { Authorization: authorization } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: JSON.stringify(res.headers), body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('no secret in anything the collector produces, on every error path', { timeout: 300_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'rebound-secrets-'));
  const certFile = join(work, 'api.crt');
  const keyFile = join(work, 'api.key');
  const children: Child[] = [];
  let redis: ServerProcess | undefined;
  let pg: PostgresPrimaryStandby | undefined;
  let mariadb: MariadbPrimaryReplica | undefined;
  let ca: Buffer;
  let redisPort = 0;

  before(async () => {
    selfSignedLoopbackCertificate(certFile, keyFile);
    ca = readFileSync(certFile);
    redisPort = await sparePort();
    redis = new ServerProcess(
      'redis',
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', SECRETS.REDIS_PASSWORD],
      work,
    );
    await waitFor('redis-server', 15_000, () => {
      const ping = spawnSync('redis-cli', ['-p', String(redisPort), '--no-auth-warning', '-a', SECRETS.REDIS_PASSWORD, 'PING'], { encoding: 'utf8' });
      return ping.stdout.trim() === 'PONG' ? true : undefined;
    });
    pg = await startPostgresPrimaryStandby();
    await pg.query(pg.primary, `CREATE ROLE rebound_monitor WITH LOGIN PASSWORD '${SECRETS.PG_PASSWORD}' IN ROLE pg_monitor`);
    await pg.waitForCatchUp();
    for (const node of [pg.primary, pg.standby]) await pg.prependHbaRule(node, 'host all rebound_monitor 127.0.0.1/32 scram-sha-256');
    mariadb = await startMariadbPrimaryReplica();
    for (const sql of MONITOR_ACCOUNT_SQL(SECRETS.MYSQL_PASSWORD)) await mariadb.query(mariadb.primary, sql);
    await mariadb.waitForCatchUp();
  });

  after(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await redis?.stop();
    await pg?.close();
    await mariadb?.close();
    rmSync(work, { recursive: true, force: true });
  });

  function start(configText: string, name: string): Child {
    const file = join(work, `${name}.yaml`);
    writeFileSync(file, configText);
    const cli = builtCollectorCli();
    // Child passes process.env: the secrets go in as the environment, as in production.
    Object.assign(process.env, SECRETS);
    const child = new Child(name, process.execPath, [cli, '--config', file], repo);
    children.push(child);
    return child;
  }

  it('grep finds none of them, whole or in part', async () => {
    const [metricsPort, otlpPort, refusedPort, gonePort] = [await sparePort(), await sparePort(), await sparePort(), await sparePort()];
    const pgUrl = (port: number, variable: string, query = '') => `'postgres://rebound_monitor:\${${variable}}@127.0.0.1:${port}/postgres${query}'`;
    const config = [
      'interval: 250ms',
      `listen:`,
      `  metrics: 127.0.0.1:${metricsPort}`,
      `  otlp: 127.0.0.1:${otlpPort}`,
      `  auth: { bearer_token: '\${API_TOKEN}', tls: { cert_file: ${certFile}, key_file: ${keyFile} } }`,
      `store: ${join(work, 'rebound.db')}`,
      `otlp: { bearer_token: '\${OTLP_TOKEN}' }`,
      'exporters:',
      `  otlp: { endpoint: 'http://127.0.0.1:${refusedPort}', interval: 1s, timeout: 500ms, headers: { authorization: 'Bearer \${EXPORT_TOKEN}' } }`,
      'groups:',
      '  - name: cache',
      '    redis:',
      `      nodes: [{ member: cache-a, address: 127.0.0.1:${redisPort} }, { member: cache-gone, address: 127.0.0.1:${gonePort} }]`,
      "      password: '${REDIS_PASSWORD}'",
      '      timeout: 500ms',
      '  - name: cache-wrong',
      '    redis:',
      `      nodes: [{ member: cache-w, address: 127.0.0.1:${redisPort} }]`,
      "      password: '${REDIS_WRONG_PASSWORD}'",
      '      max_backoff: 1s',
      '  - name: cache-tls',
      '    redis:',
      `      nodes: [{ member: cache-tls, address: 127.0.0.1:${redisPort} }]`,
      "      password: '${REDIS_PASSWORD}'",
      `      tls: { ca_file: ${certFile} }`,
      '      timeout: 500ms',
      '      max_backoff: 1s',
      '  - name: orders-db',
      '    postgresql:',
      '      nodes:',
      `        - { member: pg-1, url: ${pgUrl(pg!.primary.port, 'PG_PASSWORD')} }`,
      `        - { member: pg-2, url: ${pgUrl(pg!.standby.port, 'PG_PASSWORD')} }`,
      `        - { member: pg-gone, url: ${pgUrl(gonePort, 'PG_PASSWORD')} }`,
      '  - name: orders-wrong',
      '    postgresql:',
      `      nodes: [{ member: pg-w, url: ${pgUrl(pg!.primary.port, 'PG_WRONG_PASSWORD')} }]`,
      '  - name: orders-tls',
      '    postgresql:',
      `      nodes: [{ member: pg-tls, url: ${pgUrl(pg!.primary.port, 'PG_PASSWORD')} }]`,
      '      sslmode: verify-full',
      `      ssl_root_cert: ${certFile}`,
      '  - name: payments',
      '    otlp: { members: [{ member: pay-1, role: leader }, { member: pay-2, role: replica }] }',
      '  - name: billing-db',
      '    mysql:',
      '      nodes:',
      `        - { member: db-1, url: 'mysql://rebound_monitor:\${MYSQL_PASSWORD}@127.0.0.1:${mariadb!.primary.port}' }`,
      `        - { member: db-2, url: 'mysql://rebound_monitor:\${MYSQL_PASSWORD}@127.0.0.1:${mariadb!.replica.port}' }`,
      `        - { member: db-gone, url: 'mysql://rebound_monitor:\${MYSQL_PASSWORD}@127.0.0.1:${gonePort}' }`,
      '  - name: billing-wrong',
      '    mysql:',
      `      nodes: [{ member: db-w, url: 'mysql://rebound_monitor:\${MYSQL_WRONG_PASSWORD}@127.0.0.1:${mariadb!.primary.port}' }]`,
    ].join('\n');
    const collector = start(config, 'collector');
    const base = `https://127.0.0.1:${metricsPort}`;
    const produced: string[] = [];
    const keep = (what: string, reply: Reply): Reply => (produced.push(`${what}: ${reply.status} ${reply.headers} ${reply.body}`), reply);
    await waitFor('the collector over HTTPS', 90_000, async () =>
      (await get(`${base}/healthz`, ca).catch(() => undefined))?.status === 200 ? true : undefined,
    );

    // OTLP: the right token, a wrong one, none, and the other secrets sent as tokens.
    const otlp = `http://127.0.0.1:${otlpPort}/v1/metrics`;
    const body = otlpJsonBody([
      { group: 'payments', member: 'pay-1', role: 'leader', up: true, position: 10 },
      { group: 'payments', member: 'pay-2', role: 'replica', up: false },
    ]);
    for (const authorization of [
      `Bearer ${SECRETS.OTLP_TOKEN}`,
      `Bearer ${SECRETS.OTLP_TOKEN}x`,
      undefined,
      `Bearer ${SECRETS.API_TOKEN}`,
      SECRETS.OTLP_TOKEN,
    ]) {
      const response = await fetch(otlp, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
        body,
      });
      produced.push(`otlp ${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
    }
    // The API: wrong, missing and near tokens on every path, a 404 and a 400 with the right one, plain HTTP.
    for (const path of ['/metrics', '/api/v1/groups', '/api/v1/episodes', '/nope']) {
      const attempts = [
        undefined,
        `Bearer ${SECRETS.API_TOKEN.slice(0, -1)}`,
        `Bearer ${SECRETS.OTLP_TOKEN}`,
        `Basic ${Buffer.from(`x:${SECRETS.API_TOKEN}`).toString('base64')}`,
      ];
      for (const [i, authorization] of attempts.entries()) {
        assert.equal(keep(`${path} attempt ${i}`, await get(`${base}${path}`, ca, authorization)).status, 401);
      }
    }
    const right = `Bearer ${SECRETS.API_TOKEN}`;
    assert.equal(keep('404', await get(`${base}/nope`, ca, right)).status, 404);
    assert.equal(keep('400', await get(`${base}/api/v1/episodes?limit=lots`, ca, right)).status, 400);
    produced.push(String(await fetch(`http://127.0.0.1:${metricsPort}/healthz`).catch((error: unknown) => error)));

    // Every error path shows in the log, and the healthy nodes were observed (so the right passwords work).
    for (const [what, pattern] of EXPECTED_ERRORS) await waitFor(what, 60_000, () => (pattern.test(collector.output.join('')) ? true : undefined), 250);
    const groups = await waitFor('cache-a and pg-1 observed with the right passwords', 60_000, async () => {
      const reply = await get(`${base}/api/v1/groups`, ca, right);
      const members = (JSON.parse(reply.body) as { groups: { members: { member: string; status: string }[] }[] }).groups.flatMap((g) => g.members);
      const status = (name: string) => members.find((m) => m.member === name)?.status;
      return status('cache-a') === 'converged' && status('pg-1') === 'converged' && status('pg-2') === 'converged' ? reply : undefined;
    });
    keep('groups', groups);
    keep('episodes', await get(`${base}/api/v1/episodes`, ca, right));
    const metrics = keep('metrics', await get(`${base}/metrics`, ca, right));
    assert.match(metrics.body, /recovery_source_up\{source="postgresql\/orders-wrong"\} 0/);
    await collector.kill('SIGTERM');

    // Config errors that name a key whose value holds a secret.
    const broken = [
      `listen: { auth: { bearer_token: '\${API_TOKEN}', tls: { cert_file: ${certFile}, key_file: /nonexistent/key.pem } } }\ngroups: [{ name: a, redis: { nodes: [{ member: a, address: '127.0.0.1:1' }] } }]`,
      `groups: [{ name: a, postgresql: { nodes: [{ member: a, url: 'postgres://rebound_monitor:\${PG_PASSWORD}@127.0.0.1:notaport/postgres' }] } }]`,
      `groups: [{ name: a, postgresql: { nodes: [{ member: a, url: 'postgres://rebound_monitor:\${PG_PASSWORD}@127.0.0.1:1/postgres' }], sslmode: prefer } }]`,
    ];
    for (const [i, text] of broken.entries()) {
      const child = start(text, `broken-${i}`);
      await waitFor(`broken config ${i} to be refused`, 60_000, () => (child.running ? undefined : true), 100);
      assert.equal(child.exitCode, 2, child.tail());
      produced.push(child.output.join(''));
    }

    const everything = [collector.output.join(''), ...produced].join('\n');
    if (process.env['REBOUND_TEST_SHOW_OUTPUT']) process.stderr.write(everything);
    assert.ok(everything.includes('rebound_monitor:***@'), 'PostgreSQL URLs are shown, redacted');
    const leak = findLeak(everything, secretForms);
    if (leak !== undefined) {
      const at = everything.indexOf(leak);
      assert.fail(`"${leak}" leaked: …${everything.slice(Math.max(0, at - 200), at + 200)}…`);
    }
  });
});
