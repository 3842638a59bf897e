// Who a request counts as: a known key by its name, from x-api-key or from an Algolia client's
// x-algolia-api-key (header, or the query string browsers use); anything else by its IP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { clientIdentity } from '../../query/http/client-identity.ts';

const request = (headers: Record<string, string>, query: Record<string, string> = {}) =>
  ({ headers, query, ip: '10.0.0.9' }) as unknown as FastifyRequest;

describe('client identity', () => {
  const identity = clientIdentity('shop:k-shop,app:k-app');
  it('names a known key however the client sends it', () => {
    assert.equal(identity(request({ 'x-api-key': 'k-shop' })), 'key:shop');
    assert.equal(identity(request({ 'x-algolia-api-key': 'k-app' })), 'key:app');
    assert.equal(identity(request({}, { 'x-algolia-api-key': 'k-app' })), 'key:app');
    assert.equal(identity(request({}, { 'X-Algolia-API-Key': 'k-shop' })), 'key:shop');
  });
  it('counts an unknown or missing key as the IP', () => {
    assert.equal(identity(request({ 'x-algolia-api-key': 'guess' })), 'ip:10.0.0.9');
    assert.equal(identity(request({}, { 'X-Algolia-API-Key': 'x'.repeat(500) })), 'ip:10.0.0.9');
    assert.equal(identity(request({})), 'ip:10.0.0.9');
  });
});
