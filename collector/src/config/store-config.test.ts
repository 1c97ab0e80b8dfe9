import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error';
import { parseConfigText } from './load';

const withStore = (store: string) => `store: ${store}\ngroups: [{ name: g, otlp: {} }]\n`;

describe('store: a PostgreSQL URL', () => {
  it('keeps user and password apart as every URL in the config: a ${ENV} password is taken literally, and only the redacted URL is shown', () => {
    process.env['REBOUND_TEST_STORE_PASSWORD'] = 'p@ss:/w#rd %x';
    try {
      const config = parseConfigText(withStore("'postgres://rebound_store:${REBOUND_TEST_STORE_PASSWORD}@db-1:5432,db-2:5432/rebound'"), 'rebound.yaml');
      assert.equal(config.storePath, 'postgres://rebound_store:***@db-1:5432,db-2:5432/rebound');
      assert.equal(config.storePostgres?.url.reveal(), `postgres://rebound_store:${encodeURIComponent('p@ss:/w#rd %x')}@db-1:5432,db-2:5432/rebound`);
      assert.equal(String(config.storePostgres?.url), '***');
      assert.equal(JSON.stringify(config).includes('p@ss'), false);
    } finally {
      delete process.env['REBOUND_TEST_STORE_PASSWORD'];
    }
  });

  it('takes postgresql:// too, and a SQLite path stays a path', () => {
    assert.equal(parseConfigText(withStore('postgresql://rebound@db/rebound'), 'r.yaml').storePostgres?.url.reveal(), 'postgresql://rebound@db/rebound');
    const sqlite = parseConfigText(withStore('./data/x.db'), 'r.yaml');
    assert.equal(sqlite.storePath, './data/x.db');
    assert.equal(sqlite.storePostgres, undefined);
  });

  it('refuses a URL without a host, naming store', () => {
    assert.throws(
      () => parseConfigText(withStore('postgres://rebound@/rebound'), 'r.yaml'),
      (error: unknown) => error instanceof ConfigError && /store/.test(error.message) && /postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/.test(error.message),
    );
  });
});
