import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { silentLogger } from '../../common/logging.js';
import { buildNotifierApp, WEBHOOK_PATH } from '../../notifier/app.js';
import { NotifierMetrics } from '../../notifier/metrics.js';
import { Notifier } from '../../notifier/notify.js';
import { PrometheusClient } from '../../notifier/prometheus.js';
import { freePort } from '../helpers/ports.js';

const fixture = readFileSync(new URL('fixtures/panel-down-firing.json', import.meta.url), 'utf8');

async function app(t: TestContext) {
  const metrics = new NotifierMetrics();
  const logger = silentLogger();
  const notifier = new Notifier({
    graph: { prometheus: new PrometheusClient(`http://127.0.0.1:${await freePort()}`), rangeSeconds: 3600, maxAlertsCharted: 4, timeoutMs: 5_000, fontFiles: [], metrics },
    sendTimeoutMs: 5_000,
    metrics,
    logger,
  });
  const server = buildNotifierApp({ notifier, metrics, logger, maxBodyBytes: 64 * 1024, maxRequests: 4, requestTimeoutMs: 20_000 });
  t.after(() => server.close());
  return server;
}

test('a valid notification is accepted', async (t) => {
  const server = await app(t);
  const response = await server.inject({ method: 'POST', url: WEBHOOK_PATH, headers: { 'content-type': 'application/json' }, payload: fixture });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { deliveries: [] });
});

test('a body over the limit is refused with 413 before it is read whole', async (t) => {
  const server = await app(t);
  const big = JSON.stringify({ ...JSON.parse(fixture), padding: 'x'.repeat(100 * 1024) });
  const response = await server.inject({ method: 'POST', url: WEBHOOK_PATH, headers: { 'content-type': 'application/json' }, payload: big });
  assert.equal(response.statusCode, 413);
});

test('malformed notifications get 400 and are counted', async (t) => {
  const server = await app(t);
  const bad = [
    '{"status":"firing"}',
    '{"status":"burning","alerts":[]}',
    '{"status":"firing","alerts":[{"status":"firing","labels":{"alertname":["not","a","string"]}}]}',
    `{"status":"firing","alerts":[${Array.from({ length: 1001 }, () => '{"status":"firing","labels":{}}').join(',')}]}`,
    'not json',
  ];
  for (const payload of bad) {
    const response = await server.inject({ method: 'POST', url: WEBHOOK_PATH, headers: { 'content-type': 'application/json' }, payload });
    assert.equal(response.statusCode, 400, payload.slice(0, 80));
  }
  const metrics = (await server.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(metrics, /^platypus_notifier_notifications_received_total\{result="invalid"\} 5$/m);
});

test('/metrics has HELP and TYPE for every family, and /-/healthy answers', async (t) => {
  const server = await app(t);
  const text = (await server.inject({ method: 'GET', url: '/metrics' })).body;
  const families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));
  assert.ok(families.has('platypus_notifier_messages_sent_total') && families.has('platypus_notifier_graph_render_duration_seconds'));
  for (const family of families) assert.match(text, new RegExp(`^# HELP ${family} \\S`, 'm'), family);
  const healthy = await server.inject({ method: 'GET', url: '/-/healthy' });
  assert.equal(healthy.statusCode, 200);
});
