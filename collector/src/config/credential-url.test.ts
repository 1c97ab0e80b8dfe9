import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error';
import { encodedUrl, parseCredentialUrl, redactedCredentialUrl } from './credential-url';
import { redactUrl } from './secrets';
import { safeMessage } from '../receivers/shared/errors';

const SPECIAL = 'p@ss:w/rd#50% ?x@y z';
const env = { PG_PASSWORD: SPECIAL, PG_USER: 'mon@itor' };
const KEY = 'groups[0].postgresql.nodes[0].url';

describe('parseCredentialUrl', () => {
  it('takes a ${ENV} password literally, up to the last @, whatever it holds', () => {
    const url = parseCredentialUrl('postgres://monitor:${PG_PASSWORD}@10.0.0.1:5432/postgres?sslmode=require', KEY, env);
    assert.deepEqual(url, { scheme: 'postgres', user: 'monitor', password: SPECIAL, location: '10.0.0.1:5432/postgres?sslmode=require' });
    // What the driver parses back: exactly the password.
    const back = new URL(encodedUrl(url));
    assert.equal(decodeURIComponent(back.password), SPECIAL);
    assert.equal(back.hostname, '10.0.0.1');
    assert.equal(redactedCredentialUrl(url), 'postgres://monitor:***@10.0.0.1:5432/postgres?sslmode=require');
  });

  it('percent-decodes what is written in the file, and a ${ENV} user is literal too', () => {
    assert.equal(parseCredentialUrl('postgres://monitor:p%40ss%25@db/x', KEY, env).password, 'p@ss%');
    assert.equal(parseCredentialUrl('postgres://${PG_USER}:lit%3A${PG_PASSWORD}@db/x', KEY, env).password, `lit:${SPECIAL}`);
    assert.equal(parseCredentialUrl('postgres://${PG_USER}@db/x', KEY, env).user, 'mon@itor');
  });

  it('a URL without user info, or with a user only', () => {
    assert.deepEqual(parseCredentialUrl('postgres://db:5432/x', KEY, env), { scheme: 'postgres', user: '', password: undefined, location: 'db:5432/x' });
    assert.equal(encodedUrl(parseCredentialUrl('postgres://monitor@db/x', KEY, env)), 'postgres://monitor@db/x');
  });

  it('a stray % written in the file is a config error naming the key, without the password', () => {
    assert.throws(
      () => parseCredentialUrl('postgres://monitor:50%off@db/x', KEY, env),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /nodes\[0\]\.url: the password written in the URL has a "%"/);
        assert.ok(!error.message.includes('50%off'));
        return true;
      },
    );
  });
});

describe('redactUrl and safeMessage', () => {
  it('hide a raw password up to the last @ of the URL', () => {
    assert.equal(redactUrl(`postgres://monitor:${SPECIAL}@10.0.0.1:5432/postgres`), 'postgres://monitor:***@10.0.0.1:5432/postgres');
    const text = safeMessage(new Error(`connect to postgres://monitor:p@ss:w/rd#x@db:5432/x failed`));
    assert.equal(text, 'connect to postgres://monitor:***@db:5432/x failed');
  });
});
