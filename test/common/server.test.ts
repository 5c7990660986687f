import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { landingPageHtml } from '../../common/landing-page.js';
import { silentLogger } from '../../common/logging.js';
import { createServer, listen, parseListenAddress } from '../../common/server.js';

test('Prometheus-style listen addresses', () => {
  assert.deepEqual(parseListenAddress(':9100'), { host: undefined, port: 9100 });
  assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListenAddress('[::1]:9100'), { host: '::1', port: 9100 });
  assert.deepEqual(parseListenAddress('localhost:9115'), { host: 'localhost', port: 9115 });
  for (const bad of ['9100', '::1:9100', 'host:', 'host:99999', '[::1]']) {
    assert.throws(() => parseListenAddress(bad), { message: `invalid listen address ${JSON.stringify(bad)} (expected host:port, :port or [ipv6]:port)` });
  }
});

test('listens on IPv6 loopback and reports the bound port', async (t) => {
  const app = createServer({ logger: silentLogger() });
  app.get('/', async () => 'hi\n');
  t.after(() => app.close());
  const address = await listen(app, '[::1]:0');
  assert.match(address, /^\[::1\]:\d+$/);
  const response = await fetch(`http://${address}/`);
  assert.equal(await response.text(), 'hi\n');
  assert.equal(response.headers.get('keep-alive'), 'timeout=120');
});

test('landing page names the program and version, escapes, links', () => {
  const html = landingPageHtml({ name: 'Platypus <Exporter>', description: 'Host & more', version: '1.2.3', links: [{ href: '/metrics?a=1&b=2', text: 'Metrics' }] });
  assert.ok(html.includes('<title>Platypus &#60;Exporter&#62;</title>'));
  assert.ok(html.includes('<p>Host &#38; more</p>'));
  assert.ok(html.includes('<a href="/metrics?a=1&#38;b=2">Metrics</a>'));
  assert.ok(html.includes('version 1.2.3'));
});

test('createServer: ajv is loaded only once a route has a schema, and that route still validates', async () => {
  const loaded = (name: string) => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`/node_modules/${name}/`));
  const app = createServer({ logger: silentLogger() });
  app.get('/plain', async () => 'ok');
  await app.ready();
  assert.equal((await app.inject({ url: '/plain' })).body, 'ok');
  assert.equal(loaded('ajv'), false, 'no schema, no ajv');
  await app.close();

  const validating = createServer({ logger: silentLogger() });
  const schema = { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } };
  validating.post('/n', { schema }, async (request) => (request.body as { n: number }).n * 2);
  await validating.ready();
  assert.equal(loaded('ajv'), true);
  assert.equal((await validating.inject({ method: 'POST', url: '/n', payload: { n: 21 } })).body, '42');
  assert.equal((await validating.inject({ method: 'POST', url: '/n', payload: { n: 'x' } })).statusCode, 400);
  await validating.close();
});
