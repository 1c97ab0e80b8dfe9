import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptsGzip, negotiateFormat } from './negotiation';

describe('negotiateFormat', () => {
  it('picks OpenMetrics for the header Prometheus sends', () => {
    assert.equal(
      negotiateFormat('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'),
      'openmetrics',
    );
  });
  it('picks Prometheus text without an Accept, for */* (curl, browsers) and when text/plain is preferred', () => {
    assert.equal(negotiateFormat(undefined), 'prometheus');
    assert.equal(negotiateFormat('*/*'), 'prometheus');
    assert.equal(negotiateFormat('text/plain;version=0.0.4,application/openmetrics-text;q=0.5'), 'prometheus');
    assert.equal(negotiateFormat('application/openmetrics-text;q=0'), 'prometheus');
  });
});

describe('acceptsGzip', () => {
  it('reads gzip, x-gzip and * with their q values', () => {
    assert.equal(acceptsGzip('gzip'), true);
    assert.equal(acceptsGzip('deflate, gzip;q=0.8'), true);
    assert.equal(acceptsGzip('x-gzip'), true);
    assert.equal(acceptsGzip('*'), true);
    assert.equal(acceptsGzip('gzip;q=0'), false);
    assert.equal(acceptsGzip('identity'), false);
    assert.equal(acceptsGzip(undefined), false);
  });
});
