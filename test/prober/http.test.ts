import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createTestCA, selfSigned, tempDir } from '../helpers/tls.js';
import { httpModule, listen, run } from './http-helpers.js';
import { waitFor } from '../helpers/wait.js';
import { compileRegex } from '../../common/regex.js';

const LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT';
const BODY = 'hello platypus';

function app(seen: IncomingMessage[] = []): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    seen.push(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const hops = Number(url.searchParams.get('hops') ?? 0);
    if (url.pathname === '/redirect') {
      const location = hops > 1 ? `/redirect?hops=${hops - 1}` : '/';
      res.writeHead(302, { location }).end();
    } else if (url.pathname === '/loop') {
      res.writeHead(301, { location: '/loop' }).end();
    } else if (url.pathname === '/to') {
      res.writeHead(302, { location: url.searchParams.get('url') ?? '/' }).end();
    } else if (url.pathname === '/nope') {
      res.writeHead(404, { 'content-length': 9 }).end('not found');
    } else if (url.pathname === '/gzip') {
      const body = gzipSync(BODY.repeat(100));
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
    } else if (url.pathname === '/big') {
      res.writeHead(200, { 'content-length': 1000 }).end('x'.repeat(1000));
    } else {
      res.writeHead(200, { 'content-length': Buffer.byteLength(BODY), 'last-modified': LAST_MODIFIED, 'x-kind': 'platypus' }).end(BODY);
    }
  };
}

test('a 200 response succeeds with blackbox 0.23 families and values', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`http://127.0.0.1:${port}/`, httpModule());
  assert.equal(result.success, true, result.text);
  assert.equal(result.failureReason, undefined);
  // blackbox_families.txt, case http_success
  assert.deepEqual(result.familyNames(), [
    'probe_dns_lookup_time_seconds', 'probe_duration_seconds', 'probe_failed_due_to_regex', 'probe_http_content_length',
    'probe_http_duration_seconds', 'probe_http_last_modified_timestamp_seconds', 'probe_http_redirects', 'probe_http_ssl',
    'probe_http_status_code', 'probe_http_uncompressed_body_length', 'probe_http_version', 'probe_ip_addr_hash', 'probe_ip_protocol',
    'probe_success',
  ]);
  assert.equal(result.value('probe_http_status_code'), 200);
  assert.equal(result.value('probe_http_content_length'), BODY.length);
  assert.equal(result.value('probe_http_uncompressed_body_length'), BODY.length);
  assert.equal(result.value('probe_http_version'), 1.1);
  assert.equal(result.value('probe_http_ssl'), 0);
  assert.equal(result.value('probe_http_redirects'), 0);
  assert.equal(result.value('probe_failed_due_to_regex'), 0);
  assert.equal(result.value('probe_http_last_modified_timestamp_seconds'), Date.UTC(2015, 9, 21, 7, 28) / 1000);
  assert.equal(result.value('probe_ip_protocol'), 4);
  assert.equal(result.value('probe_ip_addr_hash'), 3668918509); // blackbox_0.23_http_success.txt for 127.0.0.1
  for (const phase of ['resolve', 'connect', 'tls', 'processing', 'transfer']) {
    assert.notEqual(result.value('probe_http_duration_seconds', { phase }), undefined, phase);
  }
  assert.equal(result.value('probe_http_duration_seconds', { phase: 'tls' }), 0);
  assert.ok(result.value('probe_http_duration_seconds', { phase: 'connect' })! > 0);
  assert.ok(result.value('probe_http_duration_seconds', { phase: 'processing' })! > 0);
});

test('a target without a scheme gets http://', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`127.0.0.1:${port}`, httpModule());
  assert.equal(result.success, true);
});

test('a 404 fails with status_code and no Last-Modified family', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`http://127.0.0.1:${port}/nope`, httpModule());
  assert.equal(result.success, false);
  assert.equal(result.failureReason, 'status_code');
  assert.equal(result.value('probe_failure_info', { reason: 'status_code' }), 1);
  assert.equal(result.value('probe_http_status_code'), 404);
  assert.equal(result.value('probe_http_last_modified_timestamp_seconds'), undefined);
});

test('valid_status_codes accepts codes, Nxx classes and ranges', async (t) => {
  const port = await listen(t, createServer(app()));
  const target = `http://127.0.0.1:${port}/nope`;
  const cases: [string, { min: number; max: number }[], boolean][] = [
    ['exact 404', [{ min: 404, max: 404 }], true],
    ['4xx', [{ min: 400, max: 499 }], true],
    ['200-399', [{ min: 200, max: 399 }], false],
    ['200 and 404', [{ min: 200, max: 200 }, { min: 404, max: 404 }], true],
  ];
  for (const [name, ranges, expected] of cases) {
    const result = await run(target, httpModule({ valid_status_codes: ranges }));
    assert.equal(result.success, expected, name);
  }
});

test('redirects are followed and counted; phases are summed over hops', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`http://127.0.0.1:${port}/redirect?hops=3`, httpModule());
  assert.equal(result.success, true, result.text);
  assert.equal(result.value('probe_http_redirects'), 3);
  assert.equal(result.value('probe_http_status_code'), 200);
});

test('more than 10 redirects fail with reason redirect', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`http://127.0.0.1:${port}/loop`, httpModule());
  assert.equal(result.success, false);
  assert.equal(result.failureReason, 'redirect');
  assert.equal(result.value('probe_http_redirects'), 11, 'blackbox counts the refused 11th');
  assert.equal(result.value('probe_http_status_code'), 301);
});

test('follow_redirects: false reports the 3xx itself', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`http://127.0.0.1:${port}/redirect?hops=1`, httpModule({ follow_redirects: false }));
  assert.equal(result.success, false);
  assert.equal(result.failureReason, 'status_code');
  assert.equal(result.value('probe_http_status_code'), 302);
  assert.equal(result.value('probe_http_redirects'), 1, 'blackbox counts the redirect it did not follow');
  const accepted = await run(`http://127.0.0.1:${port}/redirect?hops=1`, httpModule({ follow_redirects: false, valid_status_codes: [{ min: 300, max: 399 }] }));
  assert.equal(accepted.success, true);
});

test('a redirect to a denied address fails with reason policy before connecting', async (t) => {
  const port = await listen(t, createServer(app()));
  for (const location of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://2852039166/']) {
    const result = await run(`http://127.0.0.1:${port}/to?url=${encodeURIComponent(location)}`, httpModule());
    assert.equal(result.success, false, location);
    assert.equal(result.failureReason, 'policy', location);
    assert.equal(result.value('probe_http_redirects'), 1);
  }
});

test('body regexes: a match fails, a required match passes; probe_failed_due_to_regex', async (t) => {
  const port = await listen(t, createServer(app()));
  const target = `http://127.0.0.1:${port}/`;
  const failing = await run(target, httpModule({ fail_if_body_matches_regexp: [compileRegex('platypus')] }));
  assert.equal(failing.success, false);
  assert.equal(failing.failureReason, 'body_regex');
  assert.equal(failing.value('probe_failed_due_to_regex'), 1);
  const missing = await run(target, httpModule({ fail_if_body_not_matches_regexp: [compileRegex('hello'), compileRegex('goodbye')] }));
  assert.equal(missing.failureReason, 'body_regex');
  const passing = await run(target, httpModule({ fail_if_body_matches_regexp: [compileRegex('error')], fail_if_body_not_matches_regexp: [compileRegex('^hello')] }));
  assert.equal(passing.success, true);
  assert.equal(passing.value('probe_failed_due_to_regex'), 0);
});

test('header regexes, with allow_missing', async (t) => {
  const port = await listen(t, createServer(app()));
  const target = `http://127.0.0.1:${port}/`;
  const matched = await run(target, httpModule({ fail_if_header_matches: [{ header: 'X-Kind', regexp: compileRegex('^platy'), allow_missing: false }] }));
  assert.equal(matched.failureReason, 'header_regex');
  assert.equal(matched.value('probe_failed_due_to_regex'), 1);
  const notMatched = await run(target, httpModule({ fail_if_header_not_matches: [{ header: 'x-kind', regexp: compileRegex('^echidna'), allow_missing: false }] }));
  assert.equal(notMatched.failureReason, 'header_regex');
  const missing = await run(target, httpModule({ fail_if_header_not_matches: [{ header: 'X-Absent', regexp: compileRegex('.'), allow_missing: false }] }));
  assert.equal(missing.failureReason, 'header_regex');
  const allowed = await run(target, httpModule({
    fail_if_header_not_matches: [{ header: 'X-Absent', regexp: compileRegex('.'), allow_missing: true }, { header: 'X-Kind', regexp: compileRegex('pus$'), allow_missing: false }],
  }));
  assert.equal(allowed.success, true, allowed.text);
});

test('valid_http_versions rejects other versions', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`http://127.0.0.1:${port}/`, httpModule({ valid_http_versions: ['HTTP/1.0'] }));
  assert.equal(result.failureReason, 'http_version');
  const ok = await run(`http://127.0.0.1:${port}/`, httpModule({ valid_http_versions: ['HTTP/1.1'] }));
  assert.equal(ok.success, true);
});

test('method, headers, body, basic auth and bearer token are sent', async (t) => {
  const seen: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      res.end('ok');
    });
  });
  const port = await listen(t, server);
  const target = `http://127.0.0.1:${port}/submit`;
  const posted = await run(target, httpModule({ method: 'POST', body: '{"ping":1}', headers: { 'Content-Type': 'application/json', 'X-Probe': 'yes' }, basic_auth: { username: 'alice', password: 's3cret' } }));
  assert.equal(posted.success, true, posted.text);
  assert.equal(seen[0]?.method, 'POST');
  assert.equal(seen[0]?.body, '{"ping":1}');
  assert.equal(seen[0]?.headers['content-type'], 'application/json');
  assert.equal(seen[0]?.headers['x-probe'], 'yes');
  assert.equal(seen[0]?.headers.authorization, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
  await run(target, httpModule({ bearer_token: 'tok-123' }));
  assert.equal(seen[1]?.headers.authorization, 'Bearer tok-123');
  assert.match(seen[1]?.headers['user-agent'] ?? '', /^Platypus Prober\//);
});

test('body_size_limit: a larger body fails with body_too_large', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`http://127.0.0.1:${port}/big`, httpModule({ body_size_limit: 100 }));
  assert.equal(result.success, false);
  assert.equal(result.failureReason, 'body_too_large');
  assert.equal(result.value('probe_http_status_code'), 200);
  assert.equal(result.value('probe_http_uncompressed_body_length'), 100, 'what was read up to the limit, as Go\'s MaxBytesReader');
  assert.equal(result.value('probe_http_version'), 1.1);
  const fits = await run(`http://127.0.0.1:${port}/big`, httpModule({ body_size_limit: 1000 }));
  assert.equal(fits.success, true);
  assert.equal(fits.value('probe_http_uncompressed_body_length'), 1000);
});

test('compression: gzip is asked for and decompressed; lengths are wire and uncompressed', async (t) => {
  const seen: IncomingMessage[] = [];
  const port = await listen(t, createServer(app(seen)));
  const result = await run(`http://127.0.0.1:${port}/gzip`, httpModule({ compression: 'gzip', fail_if_body_not_matches_regexp: [compileRegex('^hello platypushello')] }));
  assert.equal(result.success, true, result.text);
  assert.equal(seen[0]?.headers['accept-encoding'], 'gzip');
  assert.equal(result.value('probe_http_content_length'), gzipSync(BODY.repeat(100)).length);
  assert.equal(result.value('probe_http_uncompressed_body_length'), BODY.length * 100);
  const plain = await run(`http://127.0.0.1:${port}/`, httpModule({ compression: 'gzip' }));
  assert.equal(plain.success, false, 'a body that is not gzip cannot be decompressed');
});

test('proxy_url: http targets as absolute URIs, https targets through CONNECT', async (t) => {
  const targetPort = await listen(t, createServer(app()));
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const leaf = ca.issue({ notAfter: new Date(Date.now() + 30 * 86_400_000) });
  const httpsPort = await listen(t, createHttpsServer({ cert: leaf.cert, key: leaf.key }, app()));
  const proxied: string[] = [];
  const proxy = createServer((req, res) => {
    proxied.push(`${req.method} ${req.url}`);
    const upstream = new URL(req.url ?? '');
    const forward = netConnect(Number(upstream.port), upstream.hostname, () => {
      forward.write(`GET ${upstream.pathname} HTTP/1.1\r\nHost: ${upstream.host}\r\nConnection: close\r\n\r\n`);
      forward.pipe(res.socket!);
    });
  });
  proxy.on('connect', (req, socket) => {
    proxied.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = netConnect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket).pipe(upstream);
    });
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  const proxyPort = await listen(t, proxy);
  const viaProxy = await run(`http://127.0.0.1:${targetPort}/`, httpModule({ proxy_url: `http://127.0.0.1:${proxyPort}` }));
  assert.equal(viaProxy.success, true, viaProxy.text);
  assert.deepEqual(proxied, [`GET http://127.0.0.1:${targetPort}/`]);
  const tunneled = await run(
    `https://127.0.0.1:${httpsPort}/`,
    httpModule({ proxy_url: `http://127.0.0.1:${proxyPort}`, tls_config: { insecure_skip_verify: false, ca: ca.cert } }),
  );
  assert.equal(tunneled.success, true, tunneled.text);
  assert.equal(tunneled.value('probe_http_ssl'), 1);
  assert.equal(proxied[1], `CONNECT 127.0.0.1:${httpsPort}`);
});

test('proxy_url: a refused CONNECT fails with its status line; a proxy silent on CONNECT times out and loses the socket', async (t) => {
  const tunnels = new Set<Duplex>();
  const proxy = createServer();
  proxy.on('connect', (req, socket) => {
    if (req.url?.endsWith(':1') === true) return void socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    tunnels.add(socket);
    // The proxy's sockets are half-open: the probe's end arrives as 'end', read once the socket flows.
    socket.on('end', () => {
      tunnels.delete(socket);
      socket.end();
    });
    socket.on('error', () => undefined);
    socket.resume();
  });
  const proxyPort = await listen(t, proxy);
  const module = (timeout: number) => httpModule({ proxy_url: `http://127.0.0.1:${proxyPort}` }, timeout);
  const refused = await run('https://127.0.0.1:1/', module(2), { debug: true });
  assert.equal(refused.failureReason, 'connect_error');
  assert.match(refused.logs ?? '', /proxy refused CONNECT 127\.0\.0\.1:1: HTTP\/1\.1 403 Forbidden/);
  const silent = await run('https://127.0.0.1:2/', module(0.3));
  assert.equal(silent.failureReason, 'timeout');
  await waitFor('the probe to close its tunnel socket', () => tunnels.size === 0, { timeoutMs: 2000, intervalMs: 20 });
});

test('https with a trusted CA: TLS families with the exact expiry and leaf details', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const notAfter = new Date(Math.floor(Date.now() / 1000 + 40 * 86_400) * 1000);
  const leaf = ca.issue({ notAfter, dnsNames: ['localhost', 'platypus.test'] });
  const port = await listen(t, createHttpsServer({ cert: leaf.cert, key: leaf.key }, app()));
  const result = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: { insecure_skip_verify: false, ca: ca.cert } }));
  assert.equal(result.success, true, result.text);
  assert.equal(result.value('probe_http_ssl'), 1);
  assert.ok(result.value('probe_http_duration_seconds', { phase: 'tls' })! > 0);
  assert.equal(result.value('probe_ssl_earliest_cert_expiry'), notAfter.getTime() / 1000);
  assert.equal(result.value('probe_ssl_last_chain_expiry_timestamp_seconds'), notAfter.getTime() / 1000);
  const fingerprint = new X509Certificate(leaf.cert).fingerprint256.replace(/:/g, '').toLowerCase();
  assert.equal(
    result.value('probe_ssl_last_chain_info', { fingerprint_sha256: fingerprint, subject: 'CN=localhost', issuer: 'CN=Platypus Test CA', subjectalternative: 'localhost,platypus.test' }),
    1,
    result.text,
  );
  assert.equal(result.value('probe_tls_version_info', { version: 'TLS 1.3' }), 1);
  const failIfSSL = await run(`https://127.0.0.1:${port}/`, httpModule({ fail_if_ssl: true, tls_config: { insecure_skip_verify: false, ca: ca.cert } }));
  assert.equal(failIfSSL.failureReason, 'ssl_required');
});

test('fail_if_not_ssl fails a plain http response', async (t) => {
  const port = await listen(t, createServer(app()));
  const result = await run(`http://127.0.0.1:${port}/`, httpModule({ fail_if_not_ssl: true }));
  assert.equal(result.failureReason, 'ssl_required');
  assert.equal(result.value('probe_ssl_earliest_cert_expiry'), undefined, 'no TLS families without a handshake');
});

test('an untrusted certificate fails with reason tls but its expiry is still reported', async (t) => {
  const dir = tempDir(t);
  const self = selfSigned(dir, { days: 20 });
  const notAfter = new X509Certificate(self.cert).validTo;
  const port = await listen(t, createHttpsServer({ cert: self.cert, key: self.key }, app()));
  const verified = await run(`https://127.0.0.1:${port}/`, httpModule());
  assert.equal(verified.success, false);
  assert.equal(verified.failureReason, 'tls');
  assert.equal(verified.value('probe_http_status_code'), 0);
  assert.equal(verified.value('probe_ssl_earliest_cert_expiry'), Date.parse(notAfter) / 1000);
  assert.equal(verified.value('probe_ssl_last_chain_expiry_timestamp_seconds'), -62135596800);
  const insecure = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: { insecure_skip_verify: true } }));
  assert.equal(insecure.success, true, insecure.text);
  assert.equal(insecure.value('probe_ssl_earliest_cert_expiry'), Date.parse(notAfter) / 1000);
  assert.equal(insecure.value('probe_ssl_last_chain_expiry_timestamp_seconds'), -62135596800); // blackbox 0.23, unverified chain
});

test('an expired certificate fails with reason tls and reports its past expiry', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const notAfter = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  const leaf = ca.issue({ notBefore: new Date(Date.UTC(2023, 0, 1)), notAfter });
  const port = await listen(t, createHttpsServer({ cert: leaf.cert, key: leaf.key }, app()));
  const result = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: { insecure_skip_verify: false, ca: ca.cert } }));
  assert.equal(result.failureReason, 'tls');
  assert.equal(result.value('probe_ssl_earliest_cert_expiry'), notAfter.getTime() / 1000);
});

test('a closed port fails with connect_refused and blackbox closed-port families', async (t) => {
  const server = createServer();
  const port = await listen(t, server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const result = await run(`http://127.0.0.1:${port}/`, httpModule());
  assert.equal(result.failureReason, 'connect_refused');
  assert.equal(result.value('probe_http_status_code'), 0);
  assert.equal(result.value('probe_http_duration_seconds', { phase: 'connect' }), 0);
  assert.deepEqual(result.familyNames().filter((name) => name !== 'probe_failure_info'), [
    'probe_dns_lookup_time_seconds', 'probe_duration_seconds', 'probe_failed_due_to_regex', 'probe_http_content_length',
    'probe_http_duration_seconds', 'probe_http_redirects', 'probe_http_ssl', 'probe_http_status_code', 'probe_http_uncompressed_body_length',
    'probe_http_version', 'probe_ip_addr_hash', 'probe_ip_protocol', 'probe_success',
  ]);
});
