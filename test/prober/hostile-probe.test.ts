/**
 * Hostile input to the prober (issue 10): targets that used to end the process, self-probe chains,
 * malformed targets and timeout headers, oversized response headers, long logged values.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ConfigStore } from '../../prober/config-store.js';
import { defaultConfig } from '../../prober/config.js';
import { probe } from '../../prober/probe.js';
import { buildProberApp } from '../../prober/server/app.js';
import { sampleValue } from '../helpers/exposition.js';
import { runCliSync, startProber } from './cli-helpers.js';
import { httpModule, listen } from './http-helpers.js';

const PORT_ZERO_TARGETS = ['127.0.0.1:0', '[::1]:0', 'localhost:0', '127.0.0.1:00000'];

function tempFile(t: TestContext, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'platypus-hostile-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function app(t: TestContext) {
  const instance = buildProberApp({ store: new ConfigStore() });
  t.after(() => instance.close());
  return instance;
}

test('item 1: a port-0 dns probe fails as a probe instead of ending the process', async () => {
  for (const target of PORT_ZERO_TARGETS) {
    const result = await probe({ target, module: 'dns', config: defaultConfig(), scrapeTimeoutSeconds: 2 });
    assert.equal(result.success, false, target);
  }
});

test('item 1: /probe answers 400 naming the port for targets with port 0, every module', async (t) => {
  const prober = await app(t);
  for (const module of ['dns', 'tcp_connect', 'http_2xx', 'icmp']) {
    for (const target of PORT_ZERO_TARGETS) {
      const response = await prober.inject(`/probe?module=${module}&target=${encodeURIComponent(target)}`);
      assert.equal(response.statusCode, 400, `${module} ${target}: ${response.body}`);
      assert.match(response.body, /^Invalid target .*: port "0+" is not a number from 1 to 65535\n$/);
    }
  }
  for (const target of ['127.0.0.1:65536', 'http://127.0.0.1:99999/', '[::1]:-1']) {
    assert.equal((await prober.inject(`/probe?module=tcp_connect&target=${encodeURIComponent(target)}`)).statusCode, 400, target);
  }
});

test('item 1: the real prober survives /probe?module=dns&target=127.0.0.1:0 and keeps serving', async (t) => {
  const prober = await startProber(t, []);
  for (const target of PORT_ZERO_TARGETS) {
    const response = await fetch(`${prober.url}/probe?module=dns&target=${encodeURIComponent(target)}`);
    assert.equal(response.status, 400, await response.text());
  }
  assert.equal((await fetch(`${prober.url}/-/healthy`)).status, 200);
  assert.equal(prober.child.exitCode, null);
});

test('item 1: a scheduler group with a port-0 target fails --config.check naming file, line and key', (t) => {
  const path = tempFile(
    t,
    'blackbox.yml',
    'modules:\n  dns:\n    prober: dns\n    dns:\n      query_name: example.com\nscheduler:\n  groups:\n    - name: g\n      module: dns\n      targets:\n        - 127.0.0.1:53\n        - 127.0.0.1:0\n',
  );
  const result = runCliSync([`--config.file=${path}`, '--config.check']);
  assert.equal(result.status, 1, result.stdout);
  assert.ok(result.stderr.includes(`${path}:12: scheduler.groups.0.targets.1: Invalid target "127.0.0.1:0": port "0" is not a number from 1 to 65535`), result.stderr);
});

test('item 1: a callback that throws inside a probe fails that probe as internal; outside a probe it ends the process', () => {
  const child = fileURLToPath(new URL('./probe-boundary.child.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 30_000 });
  const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as string);
  assert.deepEqual(lines, ['internal: probe callback threw: Error: thrown in a callback 0', 'internal: probe callback threw: Error: thrown in a callback 1']);
  assert.equal(result.status, 1, result.stderr);
});

test('item 12: /probe refuses a request coming from a probe chain at the depth limit, and http probes send their depth', async (t) => {
  let seenDepth: string | undefined;
  const port = await listen(t, createServer((request, response) => {
    seenDepth = request.headers['x-platypus-probe-depth'] as string | undefined;
    response.end('ok');
  }));
  const prober = await app(t);
  const ok = await prober.inject(`/probe?module=http_2xx&target=http://127.0.0.1:${port}/`);
  assert.equal(sampleValue(ok.body, 'probe_success'), 1);
  assert.equal(seenDepth, '1');
  const nested = await prober.inject({ url: `/probe?module=http_2xx&target=http://127.0.0.1:${port}/`, headers: { 'x-platypus-probe-depth': '1' } });
  assert.equal(nested.statusCode, 200);
  assert.equal(seenDepth, '2');
  for (const depth of ['2', '255', 'x']) {
    const refused = await prober.inject({ url: `/probe?module=http_2xx&target=http://127.0.0.1:${port}/`, headers: { 'x-platypus-probe-depth': depth } });
    assert.equal(refused.statusCode, 400, depth);
    assert.match(refused.body, /^Probe chain too deep/);
  }
});

test('item 12: a chain of probes through the real prober\'s own /probe is cut at the depth limit', async (t) => {
  const prober = await startProber(t, []);
  let target = `${prober.url}/-/healthy`;
  for (let i = 0; i < 3; i++) target = `${prober.url}/probe?module=http_2xx&target=${encodeURIComponent(target)}`;
  // As the prober's own probe of depth 1 would ask: the probe it starts (depth 2) is refused with 400.
  const response = await fetch(`${prober.url}/probe?module=http_2xx&target=${encodeURIComponent(target)}`, { headers: { 'x-platypus-probe-depth': '1' } });
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.equal(sampleValue(text, 'probe_success'), 0);
  assert.equal(sampleValue(text, 'probe_http_status_code'), 400);
  const metrics = await (await fetch(`${prober.url}/metrics`)).text();
  assert.equal(sampleValue(metrics, 'platypus_prober_probes_in_flight'), 0);
});

test('item 13: /probe?target=[%zz]:80 is a 400 with the reason', async (t) => {
  const prober = await app(t);
  for (const target of ['[%zz]:80', 'http://[%zz]:80/', '[%zz]']) {
    const response = await prober.inject(`/probe?module=tcp_connect&target=${encodeURIComponent(target)}`);
    assert.equal(response.statusCode, 400, `${target}: ${response.body}`);
    assert.match(response.body, /^Invalid target .*: malformed percent-encoding in the address\n$/);
  }
});

test('item 13: huge, negative and NaN timeout headers are clamped or refused, never a Node warning', async (t) => {
  const port = await listen(t, createServer((_request, response) => response.end('ok')));
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const prober = await app(t);
  for (const header of ['1e10', '1e400', '-5', '99999999999999999999']) {
    const response = await prober.inject({ url: `/probe?module=http_2xx&target=http://127.0.0.1:${port}/`, headers: { 'x-prometheus-scrape-timeout-seconds': header } });
    assert.equal(response.statusCode, 200, header);
    assert.equal(sampleValue(response.body, 'probe_success'), 1, `${header}: ${response.body}`);
  }
  const nan = await prober.inject({ url: `/probe?module=http_2xx&target=http://127.0.0.1:${port}/`, headers: { 'x-prometheus-scrape-timeout-seconds': 'NaN' } });
  assert.equal(nan.statusCode, 400);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(warnings.map((warning) => warning.name), []);
});

test('item 13: a response header over 16 KiB does not fail the http probe (as blackbox)', async (t) => {
  const port = await listen(t, createServer((_request, response) => {
    response.setHeader('x-large', 'a'.repeat(64 * 1024));
    response.end('ok');
  }));
  const result = await probe({ target: `http://127.0.0.1:${port}/`, module: httpModule({}, 5) });
  assert.equal(result.success, true, result.logs);
});

test('item 13: log lines of failing probes cap the length of the target they repeat', async (t) => {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const target = `http://127.0.0.1:1/${'x'.repeat(100_000)}`;
  const prober = buildProberApp({ store: new ConfigStore(), logger });
  t.after(() => prober.close());
  const response = await prober.inject(`/probe?module=http_2xx&target=${encodeURIComponent(target)}&debug=true`);
  assert.equal(response.statusCode, 200);
  const probeLines = lines.filter((line) => line.includes('127.0.0.1:1/xxx'));
  assert.ok(probeLines.length > 0, lines.join(''));
  for (const line of probeLines) assert.ok(line.length < 2_000, `a ${line.length}-character log line`);
  const unknown = await prober.inject(`/probe?module=${'m'.repeat(50_000)}&target=${encodeURIComponent(target)}`);
  assert.equal(unknown.statusCode, 400);
  for (const line of lines) assert.ok(line.length < 4_000, `a ${line.length}-character log line`);
});
