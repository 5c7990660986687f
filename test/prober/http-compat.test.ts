/**
 * Side by side with the real blackbox_exporter (Debian's 0.23): the same modules and targets give
 * the same families, HELP, types, label sets and (timings aside) the same values.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { renderText } from '../../common/metrics.js';
import { parseConfig } from '../../prober/config.js';
import { probe } from '../../prober/probe.js';
import { parseExposition, type Family } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { selfSigned, tempDir } from '../helpers/tls.js';
import { listen } from './http-helpers.js';

const CONFIG = `modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  http_insecure:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      tls_config:
        insecure_skip_verify: true
  http_regex:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      fail_if_body_matches_regexp: ["platypus"]
  http_gzip:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      compression: gzip
  http_limited:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      body_size_limit: 10B
  http_verify:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  http_headers:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      method: HEAD
      fail_if_header_matches:
        - header: Last-Modified
          regexp: "2015"
  http_codes:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      valid_status_codes: [404]
      no_follow_redirects: true
      fail_if_header_not_matches:
        - header: X-Absent
          regexp: "."
          allow_missing: true
`;

// Values that measure time differ run to run; everything else must be equal.
const TIMINGS = new Set(['probe_duration_seconds', 'probe_dns_lookup_time_seconds', 'probe_http_duration_seconds']);

// Our extension: an untrusted certificate's expiry is reported although the probe fails.
const UNTRUSTED_TLS_EXTRAS = ['probe_ssl_earliest_cert_expiry', 'probe_ssl_last_chain_expiry_timestamp_seconds', 'probe_ssl_last_chain_info', 'probe_tls_version_info'];

function shape(families: Map<string, Family>, extras: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, family] of families) {
    if (name === 'probe_failure_info' || extras.includes(name)) continue; // our extensions
    out[name] = {
      help: family.help,
      type: family.type,
      samples: family.samples.map((sample) => ({ labels: sample.labels, value: TIMINGS.has(name) ? 'timing' : sample.value })),
    };
  }
  return out;
}

test('http probes match blackbox_exporter 0.23 on the same targets', async (t) => {
  const binary = requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter');
  const dir = tempDir(t, 'platypus-compat-');
  writeFileSync(join(dir, 'blackbox.yml'), CONFIG);
  const cert = selfSigned(dir);
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    if (req.url === '/redirect') res.writeHead(302, { location: '/' }).end();
    else if (req.url === '/negotiated') {
      const plain = 'hello platypus '.repeat(50);
      const gzip = /gzip/.test(String(req.headers['accept-encoding']));
      const body = gzip ? gzipSync(plain) : Buffer.from(plain);
      res.writeHead(200, { 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'x-accept-encoding': String(req.headers['accept-encoding']) }).end(body);
    } else if (req.url === '/loop') res.writeHead(301, { location: '/loop' }).end();
    else if (req.url === '/missing') res.writeHead(404, { 'content-length': 7 }).end('missing');
    else if (req.url === '/gzip') {
      const body = gzipSync('hello platypus '.repeat(50));
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
    } else if (req.url === '/chunked') res.writeHead(200, { 'transfer-encoding': 'chunked' }).end('hello platypus');
    else res.writeHead(200, { 'content-length': 14, 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }).end('hello platypus');
  };
  const httpPort = await listen(t, createServer(handler));
  const httpsPort = await listen(t, createHttpsServer({ cert: cert.cert, key: cert.key }, handler));
  const closedPort = await freePort();
  const blackboxPort = await freePort();
  const blackbox = startProcess(t, binary, [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${blackboxPort}`]);
  await waitForHttp(blackbox, `http://127.0.0.1:${blackboxPort}/-/healthy`);
  const config = parseConfig(CONFIG, 'blackbox.yml');

  const cases: [string, string, string[]?][] = [
    ['http_2xx', `http://127.0.0.1:${httpPort}/`],
    ['http_2xx', `http://127.0.0.1:${httpPort}/missing`],
    ['http_2xx', `http://127.0.0.1:${httpPort}/redirect`],
    ['http_2xx', `http://127.0.0.1:${httpPort}/chunked`],
    ['http_2xx', `http://127.0.0.1:${closedPort}/`],
    ['http_regex', `http://127.0.0.1:${httpPort}/`],
    ['http_insecure', `https://127.0.0.1:${httpsPort}/`],
    ['http_gzip', `http://127.0.0.1:${httpPort}/gzip`],
    // Neither asks for compression unless configured. (Deliberate difference: with `compression: gzip`
    // and no Accept-Encoding header, we ask for gzip; blackbox 0.23 asks nothing and then fails to decompress.)
    ['http_2xx', `http://127.0.0.1:${httpPort}/negotiated`],
    ['http_gzip', `http://127.0.0.1:${httpPort}/`],
    ['http_limited', `http://127.0.0.1:${httpPort}/`],
    ['http_codes', `http://127.0.0.1:${httpPort}/missing`],
    ['http_codes', `http://127.0.0.1:${httpPort}/redirect`],
    ['http_headers', `http://127.0.0.1:${httpPort}/`],
    ['http_headers', `http://127.0.0.1:${httpPort}/missing`],
    ['http_2xx', `http://127.0.0.1:${httpPort}/loop`],
    ['http_verify', `https://127.0.0.1:${httpsPort}/`, UNTRUSTED_TLS_EXTRAS],
  ];
  for (const [module, target, extras] of cases) {
    const response = await fetch(`http://127.0.0.1:${blackboxPort}/probe?module=${module}&target=${encodeURIComponent(target)}`);
    const theirs = shape(parseExposition(await response.text()));
    assert.ok('probe_http_status_code' in theirs, `blackbox answered a probe for ${target}`);
    const result = await probe({ target, module, config });
    const ours = shape(parseExposition(renderText(result.families.families())), extras);
    assert.deepEqual(ours, theirs, `${module} ${target}`);
  }
});
