/** proberPlugin through app.inject(): blackbox's /probe answers, against real loopback servers. */
import { createServer } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { buildProberApp, type ProberAppOptions } from '../../prober/server/app.js';
import { ConfigStore } from '../../prober/config-store.js';
import { createTargetPolicy } from '../../prober/net/policy.js';
import { parseExposition, sampleValue } from '../helpers/exposition.js';
import { listen } from './http-helpers.js';

const CONFIG = `
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  http_post_auth:
    prober: http
    http:
      method: POST
      preferred_ip_protocol: ip4
      basic_auth:
        username: probe
        password: hunter2-secret
  slow_tcp:
    prober: tcp
    timeout: 30s
    tcp:
      preferred_ip_protocol: ip4
      query_response:
        - expect: "^never"
`;

async function app(t: TestContext, options: Omit<ProberAppOptions, 'store'> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-plugin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'blackbox.yml');
  writeFileSync(path, CONFIG);
  const instance = buildProberApp({ ...options, store: await ConfigStore.open({ path }) });
  t.after(() => instance.close());
  return instance;
}

async function okServer(t: TestContext): Promise<number> {
  return listen(t, createServer((request, response) => response.end(request.url === '/missing' ? (response.statusCode = 404, 'no') : 'hello')));
}

/** Accepts connections and never says anything: a stalled target. */
async function silentServer(t: TestContext): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  t.after(() => sockets.forEach((socket) => socket.destroy()));
  return listen(t, server);
}

test('a missing target is a 400 with blackbox\'s text', async (t) => {
  const response = await (await app(t)).inject('/probe?module=http_2xx');
  assert.equal(response.statusCode, 400);
  assert.equal(response.body, 'Target parameter is missing\n');
});

test('an unknown module is a 400 naming it and counts in blackbox_module_unknown_total', async (t) => {
  const prober = await app(t);
  const before = sampleValue((await prober.inject('/metrics')).body, 'blackbox_module_unknown_total');
  assert.equal(before, 0);
  const response = await prober.inject('/probe?target=127.0.0.1&module=nope');
  assert.equal(response.statusCode, 400);
  assert.equal(response.body, 'Unknown module "nope"\n');
  await prober.inject('/probe?target=127.0.0.1&module=nope');
  assert.equal(sampleValue((await prober.inject('/metrics')).body, 'blackbox_module_unknown_total'), 2);
});

test('without module the http_2xx module probes, and a target without scheme gets http://', async (t) => {
  const port = await okServer(t);
  const response = await (await app(t)).inject(`/probe?target=127.0.0.1:${port}`);
  assert.equal(response.statusCode, 200);
  assert.match(response.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
  const families = parseExposition(response.body);
  assert.equal(sampleValue(families, 'probe_success'), 1);
  assert.equal(sampleValue(families, 'probe_http_status_code'), 200);
  assert.equal(sampleValue(families, 'probe_http_content_length'), 5);
  assert.equal(sampleValue(families, 'probe_http_ssl'), 0);
});

test('a failed probe is still HTTP 200, with probe_success 0', async (t) => {
  const port = await okServer(t);
  const response = await (await app(t)).inject(`/probe?target=http://127.0.0.1:${port}/missing&module=http_2xx`);
  assert.equal(response.statusCode, 200);
  assert.equal(sampleValue(response.body, 'probe_success'), 0);
  assert.equal(sampleValue(response.body, 'probe_http_status_code'), 404);
  assert.equal(sampleValue(response.body, 'probe_failure_info', { reason: 'status_code' }), 1);
});

test('OpenMetrics is served when asked for', async (t) => {
  const port = await okServer(t);
  const response = await (await app(t)).inject({
    url: `/probe?target=127.0.0.1:${port}`,
    headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
  });
  assert.match(response.headers['content-type'] as string, /^application\/openmetrics-text; version=1\.0\.0/);
  assert.ok(response.body.endsWith('# EOF\n'));
  assert.match(response.body, /^probe_success 1$/m);
});

test('the probe deadline is the scrape timeout header minus the offset, capped by the module', async (t) => {
  const port = await silentServer(t);
  const prober = await app(t, { timeoutOffsetSeconds: 0.5 });
  const started = performance.now();
  const response = await prober.inject({
    url: `/probe?target=127.0.0.1:${port}&module=slow_tcp`,
    headers: { 'x-prometheus-scrape-timeout-seconds': '1.5' },
  });
  const elapsed = (performance.now() - started) / 1000;
  assert.equal(response.statusCode, 200);
  assert.equal(sampleValue(response.body, 'probe_success'), 0);
  assert.equal(sampleValue(response.body, 'probe_failure_info', { reason: 'timeout' }), 1);
  // The module allows 30 s: only the header (1.5 s − 0.5 s) can have stopped the probe after ~1 s.
  const duration = sampleValue(response.body, 'probe_duration_seconds')!;
  assert.ok(duration >= 0.95 && duration < 1.45, `probe_duration_seconds ${duration}`);
  assert.ok(elapsed < 1.45, `answered after ${elapsed}s`);
});

test('a timeout header that is not a number is a 400 with the reason', async (t) => {
  const response = await (await app(t)).inject({ url: '/probe?target=127.0.0.1:1', headers: { 'x-prometheus-scrape-timeout-seconds': 'soon' } });
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /Failed to parse timeout from Prometheus header: "soon"/);
});

test('debug=true returns the probe\'s logs, metrics and module as text', async (t) => {
  const port = await okServer(t);
  const response = await (await app(t)).inject(`/probe?target=127.0.0.1:${port}&module=http_post_auth&debug=true`);
  assert.equal(response.statusCode, 200);
  assert.match(response.headers['content-type'] as string, /^text\/plain/);
  const body = response.body;
  const logs = body.indexOf('Logs for the probe:\n');
  const metrics = body.indexOf('Metrics that would have been returned:\n');
  const moduleSection = body.indexOf('Module configuration:\n');
  assert.ok(logs === 0 && metrics > logs && moduleSection > metrics, body);
  assert.match(body.slice(logs, metrics), /msg="Beginning probe"/);
  assert.match(body.slice(metrics, moduleSection), /^probe_success 1$/m);
  assert.match(body.slice(moduleSection), /method: POST/);
  assert.doesNotMatch(body, /hunter2-secret/);
});

test('hostname sets the Host header of http probes', async (t) => {
  let host: string | undefined;
  const port = await listen(t, createServer((request, response) => ((host = request.headers.host), response.end('ok'))));
  const response = await (await app(t)).inject(`/probe?target=127.0.0.1:${port}&hostname=panel.example`);
  assert.equal(sampleValue(response.body, 'probe_success'), 1);
  assert.equal(host, 'panel.example');
});

test('targets denied by the policy are a 400 with the reason, before any connection', async (t) => {
  let connections = 0;
  const port = await listen(t, createServer((_request, response) => (connections++, response.end('ok'))));
  const metadata = await (await app(t)).inject('/probe?target=http://169.254.169.254/latest/meta-data/');
  assert.equal(metadata.statusCode, 400);
  assert.match(metadata.body, /169\.254\.169\.254 is denied by the target policy \(169\.254\.0\.0\/16\)/);

  const restricted = await app(t, { policy: createTargetPolicy({ allow: ['10.0.0.0/8'] }) });
  const local = await restricted.inject(`/probe?target=127.0.0.1:${port}`);
  assert.equal(local.statusCode, 400);
  assert.match(local.body, /not in the target policy's allow list/);
  assert.equal(connections, 0);
});

test('beyond --probe.max-concurrent running probes /probe answers 503, and accepts again after', async (t) => {
  const stalled = await silentServer(t);
  const open = await okServer(t);
  const prober = await app(t, { maxConcurrentProbes: 2 });
  const slow = { url: `/probe?target=127.0.0.1:${stalled}&module=slow_tcp`, headers: { 'x-prometheus-scrape-timeout-seconds': '1.5' } };
  const running = [prober.inject(slow), prober.inject(slow)];
  await new Promise((resolve) => setTimeout(resolve, 200));
  const refused = await prober.inject(`/probe?target=127.0.0.1:${open}`);
  assert.equal(refused.statusCode, 503);
  assert.match(refused.body, /Too many probes running \(--probe\.max-concurrent=2\)/);
  assert.equal(sampleValue((await prober.inject('/metrics')).body, 'platypus_prober_probes_in_flight'), 2);
  for (const response of await Promise.all(running)) assert.equal(response.statusCode, 200);
  const after = await prober.inject(`/probe?target=127.0.0.1:${open}`);
  assert.equal(sampleValue(after.body, 'probe_success'), 1);
  assert.equal(sampleValue((await prober.inject('/metrics')).body, 'platypus_prober_probes_rejected_total'), 1);
});

test('/config shows the loaded modules with secrets redacted; /-/healthy answers', async (t) => {
  const prober = await app(t);
  const config = await prober.inject('/config');
  assert.equal(config.statusCode, 200);
  assert.match(config.body, /^modules:\n/);
  assert.match(config.body, /"http_post_auth":\n {4}prober: http\n/);
  assert.match(config.body, /username: probe/);
  assert.match(config.body, /password: <secret>/);
  assert.doesNotMatch(config.body, /hunter2-secret/);
  const healthy = await prober.inject('/-/healthy');
  assert.equal(healthy.statusCode, 200);
  assert.equal(healthy.body, 'Healthy');
});

test('/metrics has the reload gauges and process metrics, with HELP and TYPE', async (t) => {
  const families = parseExposition((await (await app(t)).inject('/metrics')).body);
  assert.equal(families.get('blackbox_exporter_config_last_reload_successful')?.samples[0]?.value, 1);
  assert.ok((families.get('blackbox_exporter_config_last_reload_success_timestamp_seconds')?.samples[0]?.value ?? 0) > 1.7e9);
  assert.equal(families.get('process_resident_memory_bytes')?.type, 'gauge');
  for (const family of families.values()) assert.notEqual(family.help, '', family.name);
});

test('/metrics is gzipped when the scraper takes it, and holds the process metrics', async (t) => {
  const prober = await app(t);
  const response = await prober.inject({ url: '/metrics', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(response.headers['content-encoding'], 'gzip');
  const text = gunzipSync(response.rawPayload).toString('utf8');
  assert.ok((sampleValue(text, 'process_resident_memory_bytes') ?? 0) > 0);
  assert.equal(sampleValue(text, 'blackbox_module_unknown_total'), 0);
  assert.equal((await prober.inject('/metrics')).headers['content-encoding'], undefined);
});
