/**
 * End to end against Debian's real blackbox_exporter 0.23: both processes run with the same
 * blackbox.yml and probe the same loopback targets through `/probe`; the answers must have the
 * same families, HELP, types and label names, and the same values wherever the value does not
 * measure time.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTlsServer } from 'node:tls';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition, type Family } from '../helpers/exposition.js';
import { startDnsServer, staticZone } from '../helpers/dns-server.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { selfSigned, tempDir } from '../helpers/tls.js';
import { startProber } from './cli-helpers.js';
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
  tcp_connect:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
  tcp_tls:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
      tls: true
      tls_config:
        insecure_skip_verify: true
  dns_a:
    prober: dns
    timeout: 5s
    dns:
      preferred_ip_protocol: ip4
      transport_protocol: udp
      query_name: panel.example.test
      query_type: A
      valid_rcodes: [NOERROR]
`;

/** Families whose values measure time, different on every run. */
const TIMING = /^probe_(duration_seconds|dns_lookup_time_seconds|http_duration_seconds|dns_duration_seconds)$/;

/** Our extension on every failed probe. */
const OUR_EXTENSIONS = new Set(['probe_failure_info']);
/** Also ours: the certificate of a TLS peer that failed verification is still reported. */
const UNTRUSTED_TLS_EXTRAS = ['probe_ssl_earliest_cert_expiry', 'probe_ssl_last_chain_expiry_timestamp_seconds', 'probe_ssl_last_chain_info', 'probe_tls_version_info'];

function comparable(families: Map<string, Family>, extras: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, family] of families) {
    if (OUR_EXTENSIONS.has(name) || extras.includes(name)) continue;
    out[name] = {
      help: family.help,
      type: family.type,
      samples: family.samples.map((sample) => ({ labels: sample.labels, value: TIMING.test(name) ? 'timing' : sample.value })),
    };
  }
  return out;
}

test('our /probe answers as blackbox_exporter 0.23 does, process to process, on the same file and targets', async (t) => {
  const binary = requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter');
  const dir = tempDir(t, 'platypus-compat-e2e-');
  const configPath = join(dir, 'blackbox.yml');
  writeFileSync(configPath, CONFIG);
  const cert = selfSigned(dir);

  const handler = (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse): void => {
    if (request.url === '/missing') response.writeHead(404, { 'content-length': 7 }).end('missing');
    else if (request.url === '/moved') response.writeHead(302, { location: '/' }).end();
    else response.writeHead(200, { 'content-length': 5 }).end('hello');
  };
  const httpPort = await listen(t, createServer(handler));
  const httpsPort = await listen(t, createHttpsServer({ cert: cert.cert, key: cert.key }, handler));
  const tlsPort = await listen(t, createTlsServer({ cert: cert.cert, key: cert.key }, (socket) => socket.end()));
  const closedPort = await freePort();
  const dns = await startDnsServer(t, staticZone([{ name: 'panel.example.test', type: 'A', ttl: 60, data: '192.0.2.7' }, { name: 'panel.example.test', type: 'A', ttl: 60, data: '192.0.2.8' }]));

  const blackboxPort = await freePort();
  const blackbox = startProcess(t, binary, [`--config.file=${configPath}`, `--web.listen-address=127.0.0.1:${blackboxPort}`]);
  const ours = await startProber(t, [`--config.file=${configPath}`]);
  await waitForHttp(blackbox, `http://127.0.0.1:${blackboxPort}/-/healthy`);

  const cases: Array<{ module: string; target: string; expectSuccess: 0 | 1; extras?: string[] }> = [
    { module: 'http_2xx', target: `127.0.0.1:${httpPort}`, expectSuccess: 1 },
    { module: 'http_2xx', target: `http://127.0.0.1:${httpPort}/missing`, expectSuccess: 0 },
    { module: 'http_2xx', target: `http://127.0.0.1:${httpPort}/moved`, expectSuccess: 1 },
    { module: 'http_2xx', target: `http://127.0.0.1:${closedPort}/`, expectSuccess: 0 },
    { module: 'http_insecure', target: `https://127.0.0.1:${httpsPort}/`, expectSuccess: 1 },
    { module: 'http_2xx', target: `https://127.0.0.1:${httpsPort}/`, expectSuccess: 0, extras: UNTRUSTED_TLS_EXTRAS },
    { module: 'tcp_connect', target: `127.0.0.1:${httpPort}`, expectSuccess: 1 },
    { module: 'tcp_connect', target: `127.0.0.1:${closedPort}`, expectSuccess: 0 },
    { module: 'tcp_tls', target: `127.0.0.1:${tlsPort}`, expectSuccess: 1 },
    { module: 'dns_a', target: `127.0.0.1:${dns.port}`, expectSuccess: 1 },
  ];
  const seen: string[] = [];
  for (const { module, target, expectSuccess, extras = [] } of cases) {
    const query = `/probe?module=${module}&target=${encodeURIComponent(target)}`;
    const [theirs, mine] = await Promise.all([
      fetch(`http://127.0.0.1:${blackboxPort}${query}`).then(async (response) => ({ status: response.status, text: await response.text() })),
      fetch(`${ours.url}${query}`).then(async (response) => ({ status: response.status, text: await response.text() })),
    ]);
    assert.equal(mine.status, theirs.status, `${module} ${target}: HTTP status`);
    const theirFamilies = parseExposition(theirs.text);
    assert.equal(theirFamilies.get('probe_success')?.samples[0]?.value, expectSuccess, `blackbox's probe_success for ${module} ${target}`);
    assert.deepEqual(comparable(parseExposition(mine.text), extras), comparable(theirFamilies, []), `${module} ${target}`);
    if (expectSuccess === 1) seen.push(...theirFamilies.keys());
  }
  // The comparison covered the deterministic values the brief names.
  for (const name of ['probe_http_status_code', 'probe_http_version', 'probe_http_content_length', 'probe_http_redirects', 'probe_http_ssl', 'probe_ssl_earliest_cert_expiry', 'probe_tls_version_info', 'probe_dns_answer_rrs', 'probe_dns_additional_rrs', 'probe_ip_protocol', 'probe_ip_addr_hash']) {
    assert.ok(seen.includes(name), `${name} was compared`);
  }

  // The request errors read the same too.
  for (const query of ['/probe?module=http_2xx', '/probe?target=127.0.0.1&module=nope']) {
    const [theirs, mine] = await Promise.all([fetch(`http://127.0.0.1:${blackboxPort}${query}`), fetch(`${ours.url}${query}`)]);
    assert.equal(mine.status, theirs.status, query);
    assert.equal(await mine.text(), await theirs.text(), query);
  }
  const metrics = await Promise.all([fetch(`http://127.0.0.1:${blackboxPort}/metrics`), fetch(`${ours.url}/metrics`)].map(async (response) => parseExposition(await (await response).text())));
  for (const name of ['blackbox_module_unknown_total', 'blackbox_exporter_config_last_reload_successful']) {
    assert.equal(metrics[1]!.get(name)?.samples[0]?.value, metrics[0]!.get(name)?.samples[0]?.value, name);
    assert.equal(metrics[1]!.get(name)?.type, metrics[0]!.get(name)?.type, name);
  }
});
