import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../config/config-error';
import { RecoveryEngine } from '../engine/engine';
import { testGroup } from '../engine/testing/scenario';
import { PrometheusExporter } from '../exporters/prometheus/prometheus-exporter';
import { createMemoryLogger } from '../logger';
import { clearTextTokenWarning, parseApiAuthConfig } from './auth';
import { HttpApi } from './http-server';
import { selfSignedLoopbackCertificate } from '../testing/test-certificates';

const TOKEN = 'api-Tok3n-9d1c@/#% x';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET over HTTPS trusting `ca`, with an optional Authorization header. */
function get(url: string, ca: Buffer | undefined, authorization?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: authorization === undefined ? {} : { Authorization: authorization } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listen.auth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-api-tls-'));
  const certFile = join(dir, 'api.crt');
  const keyFile = join(dir, 'api.key');
  let ca: Buffer;
  let base = '';
  let api: HttpApi;

  before(async () => {
    selfSignedLoopbackCertificate(certFile, keyFile);
    ca = readFileSync(certFile);
    const auth = parseApiAuthConfig({ bearer_token: '${REBOUND_TEST_API_TOKEN}', tls: { cert_file: certFile, key_file: keyFile } }, 'listen.auth', {
      REBOUND_TEST_API_TOKEN: TOKEN,
    });
    api = new HttpApi({
      host: '127.0.0.1',
      port: 0,
      auth,
      engine: new RecoveryEngine({ groups: [testGroup()] }),
      exporter: new PrometheusExporter(),
      logger: createMemoryLogger(),
    });
    const { port } = await api.start();
    base = `https://127.0.0.1:${port}`;
  });
  after(async () => {
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /metrics and /api/v1/* over HTTPS to the right bearer token', async () => {
    for (const path of ['/metrics', '/api/v1/groups', '/api/v1/episodes']) {
      const reply = await get(`${base}${path}`, ca, `Bearer ${TOKEN}`);
      assert.equal(reply.status, 200, `${path}: ${reply.body}`);
    }
  });

  it('answers 401 with WWW-Authenticate: Bearer to a missing, wrong or near token, never echoing what was sent or the token', async () => {
    const attempts = [
      undefined,
      'Bearer wrong-guess-5555',
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      TOKEN,
      `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`,
    ];
    for (const path of ['/metrics', '/api/v1/groups', '/api/v1/episodes?group=db', '/nope']) {
      for (const authorization of attempts) {
        const reply = await get(`${base}${path}`, ca, authorization);
        assert.equal(reply.status, 401, `${path} with ${authorization}`);
        assert.match(String(reply.headers['www-authenticate']), /^Bearer realm="rebound"/);
        const printed = reply.body + JSON.stringify(reply.headers);
        assert.ok(!printed.includes('wrong-guess') && !printed.includes(TOKEN.slice(0, 8)), printed);
        assert.match(reply.body, /listen\.auth\.bearer_token/);
      }
    }
  });

  it('keeps /healthz open', async () => {
    const reply = await get(`${base}/healthz`, ca);
    assert.equal(reply.status, 200);
    assert.match(reply.body, /"status":"ok"/);
  });

  it('refuses plain HTTP clients and clients that do not trust the certificate', async () => {
    await assert.rejects(fetch(`${base.replace('https', 'http')}/healthz`));
    await assert.rejects(get(`${base}/healthz`, undefined), /self-signed|certificate/);
  });
});

describe('clearTextTokenWarning', () => {
  it('warns of a token served without tls beyond loopback, and of nothing else', () => {
    const token = parseApiAuthConfig({ bearer_token: '${T}' }, 'listen.auth', { T: TOKEN });
    assert.match(clearTextTokenWarning(token, '0.0.0.0') ?? '', /clear text; add tls/);
    assert.match(clearTextTokenWarning(token, '10.0.0.5') ?? '', /clear text/);
    for (const host of ['127.0.0.1', '::1', 'localhost']) assert.equal(clearTextTokenWarning(token, host), undefined);
    assert.equal(clearTextTokenWarning({}, '0.0.0.0'), undefined);
    assert.equal(clearTextTokenWarning({ ...token, tls: { certFile: 'c', keyFile: 'k' } }, '0.0.0.0'), undefined);
  });
});

describe('parseApiAuthConfig', () => {
  const env = { TOKEN_VAR: TOKEN, EMPTY_VAR: '', NEWLINE_VAR: 'token-from-file\n' };
  it('an absent section is no auth; the token prints as *** everywhere', () => {
    assert.deepEqual(parseApiAuthConfig(undefined, 'listen.auth', env), {});
    const config = parseApiAuthConfig({ bearer_token: '${TOKEN_VAR}' }, 'listen.auth', env);
    assert.equal(config.bearerToken?.reveal(), TOKEN);
    assert.ok(!JSON.stringify(config).includes(TOKEN.slice(0, 8)));
  });

  const failures: [unknown, RegExp][] = [
    [{ bearer_tokn: 'x' }, /listen\.auth\.bearer_tokn: unknown key \(did you mean "bearer_token"\?\)/],
    [{ bearer_token: '${NOT_SET_ANYWHERE}' }, /listen\.auth\.bearer_token: environment variable NOT_SET_ANYWHERE is not set/],
    [{ bearer_token: '${EMPTY_VAR}' }, /listen\.auth\.bearer_token: is empty after \$\{ENV\} expansion/],
    [{ bearer_token: '${NEWLINE_VAR}' }, /listen\.auth\.bearer_token: has leading or trailing white space/],
    [
      { tls: { cert_file: '/nonexistent/api.crt', key_file: '/nonexistent/api.key' } },
      /listen\.auth\.tls\.cert_file: cannot read \/nonexistent\/api\.crt \(ENOENT\)/,
    ],
    [{ tls: { cert_file: '/etc/hostname' } }, /listen\.auth\.tls\.key_file: missing/],
    [{ tls: { cert: 'x' } }, /listen\.auth\.tls\.cert: unknown key/],
  ];
  for (const [raw, message] of failures) {
    it(`rejects ${JSON.stringify(raw)} naming the key`, () => {
      assert.throws(
        () => parseApiAuthConfig(raw, 'listen.auth', env),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }
});
