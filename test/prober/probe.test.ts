import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../prober/config.js';
import { probe, UnknownModuleError } from '../../prober/probe.js';
import { ProbeRequestError } from '../../prober/types.js';
import { TimeoutHeaderError } from '../../prober/deadline.js';
import { debugOutput } from '../../prober/server/debug.js';
import { sampleValue } from '../helpers/exposition.js';
import { gc, openFds } from '../helpers/memory.js';
import { createTestCA, tempDir } from '../helpers/tls.js';
import { httpModule, listen } from './http-helpers.js';
import { compileRegex } from '../../common/regex.js';

const CONFIG = parseConfig(
  [
    'modules:',
    '  http_2xx:',
    '    prober: http',
    '    timeout: 5s',
    '    http:',
    '      preferred_ip_protocol: ip4',
    '  http_secret:',
    '    prober: http',
    '    http:',
    '      preferred_ip_protocol: ip4',
    '      headers: { Authorization: "Token abc", X-Trace: visible }',
    '      basic_auth: { username: alice, password: hunter2 }',
    '      fail_if_body_not_matches_regexp: ["(?i)OK"]',
    '',
  ].join('\n'),
  'probe-test.yml',
);

test('modules are looked up by name (http_2xx by default); unknown names are request errors', async (t) => {
  const port = await listen(t, createServer((_req, res) => res.end('ok')));
  const byDefault = await probe({ target: `http://127.0.0.1:${port}/`, config: CONFIG });
  assert.equal(byDefault.success, true);
  assert.equal(byDefault.timeoutSeconds, 5);
  await assert.rejects(probe({ target: 'http://127.0.0.1/', module: 'nope', config: CONFIG }), (error: unknown) => {
    assert.ok(error instanceof UnknownModuleError);
    assert.equal(error.message, 'Unknown module "nope"');
    return true;
  });
  await assert.rejects(probe({ target: 'x', config: CONFIG, scrapeTimeoutSeconds: 'soon' }), TimeoutHeaderError);
});

test('the scrape timeout header minus the offset bounds the probe', async (t) => {
  const port = await listen(t, createServer((_req, res) => res.end('ok')));
  const result = await probe({ target: `http://127.0.0.1:${port}/`, module: httpModule({}, 0), scrapeTimeoutSeconds: '1.5', timeoutOffsetSeconds: 0.5 });
  assert.equal(result.timeoutSeconds, 1);
  assert.equal(result.success, true);
});

test('hostname sets the Host header and the TLS server name on a copy of the module', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const leaf = ca.issue({ dnsNames: ['panel.test'], ips: [], notAfter: new Date(Date.now() + 86_400_000 * 10) });
  const seen: IncomingMessage[] = [];
  const port = await listen(t, createHttpsServer({ cert: leaf.cert, key: leaf.key }, (req, res) => (seen.push(req), res.end('ok'))));
  const module = httpModule({ tls_config: { insecure_skip_verify: false, ca: ca.cert } });
  const withoutName = await probe({ target: `https://127.0.0.1:${port}/`, module });
  assert.equal(withoutName.failureReason, 'tls', 'the certificate is not valid for 127.0.0.1');
  const named = await probe({ target: `https://127.0.0.1:${port}/`, module, hostname: 'panel.test' });
  assert.equal(named.success, true);
  assert.equal(seen[0]?.headers.host, 'panel.test');
  assert.equal((seen[0]?.socket as { servername?: string }).servername, 'panel.test');
  assert.equal(module.http.headers.Host, undefined, 'the configured module is unchanged');
  assert.equal(module.http.tls_config.server_name, undefined);
  const conflicting = httpModule({ headers: { Host: 'other.test' } });
  await assert.rejects(probe({ target: 'http://127.0.0.1/', module: conflicting, hostname: 'panel.test' }), (error: unknown) => {
    assert.ok(error instanceof ProbeRequestError);
    assert.equal(error.message, "Host header defined both in module configuration (other.test) and with URL-parameter 'hostname' (panel.test)");
    return true;
  });
});

test('debug output has the logs, the metrics and the module with secrets redacted', async (t) => {
  const port = await listen(t, createServer((_req, res) => res.end('all OK')));
  const result = await probe({ target: `http://127.0.0.1:${port}/`, module: 'http_secret', config: CONFIG, debug: true });
  assert.equal(result.success, true);
  const output = debugOutput(result);
  const [logs, rest] = output.split('\n\n\n\nMetrics that would have been returned:\n') as [string, string];
  const [metrics, moduleYAML] = rest.split('\n\n\n\nModule configuration:\n') as [string, string];
  assert.match(logs, /^Logs for the probe:\n/);
  assert.match(logs, /msg="Beginning probe" module=http_secret target=http:\/\/127\.0\.0\.1:\d+\/ probe=http timeout_seconds=119\.5/);
  assert.match(logs, /msg="Probe succeeded"/);
  assert.equal(sampleValue(metrics, 'probe_success'), 1);
  assert.equal(
    moduleYAML,
    [
      'prober: http',
      'http:',
      '  preferred_ip_protocol: ip4',
      '  ip_protocol_fallback: true',
      '  method: GET',
      '  headers:',
      '    Authorization: <secret>',
      '    X-Trace: visible',
      '  follow_redirects: true',
      '  fail_if_body_not_matches_regexp:',
      '    - (?i)OK',
      '  enable_http2: true',
      '  basic_auth:',
      '    username: alice',
      '    password: <secret>',
      '',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(output, /hunter2|Token abc/);
});

test('registry() gives a prom-client Registry with the same families, loading prom-client only then', async (t) => {
  const port = await listen(t, createServer((_req, res) => res.end('ok')));
  const result = await probe({ target: `http://127.0.0.1:${port}/`, module: httpModule() });
  const promClientLoaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`${sep}prom-client${sep}`));
  assert.equal(promClientLoaded(), false, 'probes run without prom-client (the prober and its workers never load it)');
  const text = await result.registry().metrics();
  assert.equal(promClientLoaded(), true);
  assert.equal(sampleValue(text, 'probe_success'), 1);
  assert.equal(sampleValue(text, 'probe_http_status_code'), 200);
  assert.equal(sampleValue(text, 'probe_http_duration_seconds', { phase: 'tls' }), 0);
  assert.match(text, /# HELP probe_success Displays whether or not the probe was a success/);
});

test('two thousand probes leave no sockets and no heap growth behind', async (t) => {
  const port = await listen(t, createServer((req, res) => res.end(req.url === '/fail' ? 'no' : 'ok')));
  const module = httpModule({ fail_if_body_matches_regexp: [compileRegex('no')] });
  const round = async (): Promise<void> => {
    for (let i = 0; i < 500; i++) await probe({ target: `http://127.0.0.1:${port}/${i % 2 === 0 ? 'ok' : 'fail'}`, module });
  };
  await round(); // warm up (JIT, pools)
  await round();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const fds = openFds();
  const heap = process.memoryUsage().heapUsed;
  for (let i = 0; i < 4; i++) await round();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const grownKiB = (process.memoryUsage().heapUsed - heap) / 1024;
  assert.ok(openFds() <= fds + 2, 'sockets are closed');
  assert.ok(grownKiB < 3072, `heap grew by ${grownKiB.toFixed(0)} KiB over 2000 probes`);
});
