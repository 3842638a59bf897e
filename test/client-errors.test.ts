// Client mistakes are 4xx in the service's JSON shape, never outages or crashes: forged cursors,
// prototype names, framework errors before any route (bad URL, long path segments, huge headers),
// and the OpenAPI document is valid. Logs name routes, never URLs, keys or tokens.
import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { pino } from 'pino';
import type { EsClient } from '../common/clients/elasticsearch.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { demoCatalogFile, indexCatalog } from './support/catalogs.ts';
import { dropIndices, testEs } from './support/stack.ts';

/** Sends raw bytes and reads the whole answer (the connection is closed by the server or after 5 s). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      got += d;
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy());
  });
}

const jsonBody = (answer: string) =>
  JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe('client errors', () => {
  let es: EsClient;
  let alias: string;
  let t: TestApp;
  const lines: string[] = [];

  before(async () => {
    es = await testEs();
    alias = await indexCatalog(es, demoCatalogFile(300, 5).file);
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    t = await buildTestApp(
      es,
      { indexAlias: alias, adminKeys: 'ops:admin-secret-key', customerTokenSecrets: ['token-secret'] },
      undefined,
      log,
    );
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await t.close();
    await dropIndices(es, alias);
    await es.close();
  });

  const port = () => (t.app.server.address() as { port: number }).port;

  it('pages with signed cursors and refuses forged or mangled ones with 400 naming the cursor', async () => {
    const first = await t.app.inject('/search?sort=price_asc&size=5');
    const cursor = first.json().next_cursor as string;
    assert.ok(cursor);
    assert.equal((await t.app.inject(`/search?sort=price_asc&size=5&cursor=${cursor}`)).statusCode, 200);
    const [body] = cursor.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ after: ['not-a-price', { nested: true }], list: 'x' })).toString(
      'base64url',
    );
    for (const bad of [
      `${forgedBody}.${cursor.split('.')[1]}`,
      body!,
      `${body}.AAAAAAAAAAAAAAAAAAAAAA`,
      `${cursor}x`,
      'bm90IGpzb24',
      Buffer.from(JSON.stringify({ after: ['zz'], list: 'x' })).toString('base64url'),
    ]) {
      const res = await t.app.inject(`/search?sort=price_asc&size=5&cursor=${bad}`);
      assert.equal(res.statusCode, 400, bad);
      assert.equal(res.json().field, 'cursor');
    }
  });

  it('answers prototype names as unknown profiles with 400', async () => {
    for (const profile of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const res = await t.app.inject(`/search?q=lamp&profile=${profile}`);
      assert.equal(res.statusCode, 400, profile);
      assert.equal(res.json().field, 'profile');
    }
  });

  it('serves /docs/json and /docs/yaml as a valid OpenAPI document', async () => {
    const json = await t.app.inject('/docs/json');
    assert.equal(json.statusCode, 200);
    const result = await new Validator().validate(json.json());
    assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 1000));
    const yaml = await t.app.inject('/docs/yaml');
    assert.equal(yaml.statusCode, 200);
    assert.match(yaml.body, /^openapi: 3\.1\.0/m);
  });

  it('maps errors raised before any route to the JSON shape, without echoing the URL', async () => {
    const bad = await fetch(`http://127.0.0.1:${port()}/search%ZZsecret-path?q=x`);
    assert.equal(bad.status, 400);
    const badBody = await bad.text();
    assert.equal(JSON.parse(badBody).error, 'bad_request');
    assert.doesNotMatch(badBody, /secret-path/);

    const long = await fetch(`http://127.0.0.1:${port()}/products/${'p'.repeat(2500)}`);
    assert.equal(long.status, 414);
    const longBody = await long.text();
    assert.equal(JSON.parse(longBody).error, 'uri_too_long');
    assert.doesNotMatch(longBody, /pppp/);

    const huge = await rawRequest(port(), `GET /search?q=${'h'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 431 /);
    assert.equal(jsonBody(huge).error, 'request_header_fields_too_large');
    assert.doesNotMatch(huge, /hhhh/);

    const garbage = await rawRequest(port(), 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.equal(jsonBody(garbage).statusCode, 400);
  });

  it('logs routes, never URLs, query values, admin keys or customer tokens', async () => {
    const token = 'c1.ZGVtby0x.9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    await t.app.inject('/search?q=lamp&x-admin-key=admin-secret-key&api_key=query-secret');
    await t.app.inject({ url: '/admin/rules', headers: { 'x-admin-key': 'admin-secret-key' } });
    await t.app.inject({ url: '/admin/rules', headers: { 'x-admin-key': 'guessed-secret' } });
    await t.app.inject(`/recommendations/for-user/${token}`);
    await t.app.inject(`/no/such/${token}?key=query-secret`);
    const text = lines.join('');
    assert.ok(lines.length > 5, 'requests were logged');
    for (const secret of ['admin-secret-key', 'query-secret', 'guessed-secret', token])
      assert.ok(!text.includes(secret), `${secret} logged: ${lines.find((l) => l.includes(secret))}`);
    assert.match(text, /"url":"\/recommendations\/for-user\/:userId"/);
  });
});
