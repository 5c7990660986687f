import assert from 'node:assert/strict';
import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import { test } from 'node:test';
import { distinguishedName, tlsVersionLabel } from '../../prober/net/tls.js';
import { createTestCA, tempDir } from '../helpers/tls.js';
import { httpModule, listen, run } from './http-helpers.js';
import { compileRegex } from '../../common/regex.js';

const IN_A_MONTH = (): Date => new Date(Date.now() + 30 * 86_400_000);

test('TLS version labels are blackbox\'s', () => {
  assert.equal(tlsVersionLabel('TLSv1'), 'TLS 1.0');
  assert.equal(tlsVersionLabel('TLSv1.1'), 'TLS 1.1');
  assert.equal(tlsVersionLabel('TLSv1.2'), 'TLS 1.2');
  assert.equal(tlsVersionLabel('TLSv1.3'), 'TLS 1.3');
  assert.equal(tlsVersionLabel(null), 'unknown');
});

test('distinguished names print as Go\'s pkix.Name.String()', () => {
  assert.equal(distinguishedName({ C: 'AU', ST: 'Tasmania', O: 'Platypus, Inc', OU: ['Ops', 'Web'], CN: 'panel.test' }), 'CN=panel.test,OU=Ops+OU=Web,O=Platypus\\, Inc,ST=Tasmania,C=AU');
  assert.equal(distinguishedName({ CN: '#hash' }), 'CN=\\#hash');
  assert.equal(distinguishedName(undefined), '');
});

test('a client certificate from tls_config is presented', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const server = ca.issue({ notAfter: IN_A_MONTH() });
  const client = ca.issue({ commonName: 'prober', notAfter: IN_A_MONTH() });
  const port = await listen(
    t,
    createHttpsServer({ cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.end(`client=${String(peer.subject?.CN)}`);
    }),
  );
  const withCert = await run(
    `https://127.0.0.1:${port}/`,
    httpModule({ tls_config: { insecure_skip_verify: false, ca: ca.cert, cert: client.cert, key: client.key }, fail_if_body_not_matches_regexp: [compileRegex('^client=prober$')] }),
  );
  assert.equal(withCert.success, true, withCert.text);
  const without = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: { insecure_skip_verify: false, ca: ca.cert } }));
  assert.equal(without.success, false);
});

test('min_version above what the server speaks fails with reason tls', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const leaf = ca.issue({ notAfter: IN_A_MONTH() });
  const port = await listen(t, createHttpsServer({ cert: leaf.cert, key: leaf.key, maxVersion: 'TLSv1.2' }, (_req, res) => res.end('ok')));
  const tls12 = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: { insecure_skip_verify: false, ca: ca.cert } }));
  assert.equal(tls12.value('probe_tls_version_info', { version: 'TLS 1.2' }), 1);
  const tls13 = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: { insecure_skip_verify: false, ca: ca.cert, min_version: 'TLS13' } }));
  assert.equal(tls13.failureReason, 'tls');
  assert.equal(tls13.value('probe_ssl_earliest_cert_expiry'), undefined, 'no TLS families without a handshake');
});

test('enable_http2 negotiates HTTP/2 by ALPN; off, HTTP/1.1 is used', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const leaf = ca.issue({ notAfter: IN_A_MONTH() });
  const server = createSecureServer({ cert: leaf.cert, key: leaf.key, allowHTTP1: true }, (req, res) => res.end(`over ${req.httpVersion}`));
  const port = await listen(t, server);
  const tls = { insecure_skip_verify: false, ca: ca.cert };
  const h2 = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: tls, fail_if_body_not_matches_regexp: [compileRegex('over 2\\.0')] }));
  assert.equal(h2.success, true, h2.text);
  assert.equal(h2.value('probe_http_version'), 2);
  assert.equal(h2.value('probe_http_status_code'), 200);
  const h1 = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: tls, enable_http2: false, valid_http_versions: ['HTTP/1.1'] }));
  assert.equal(h1.success, true, h1.text);
  assert.equal(h1.value('probe_http_version'), 1.1);
  const only2 = await run(`https://127.0.0.1:${port}/`, httpModule({ tls_config: tls, valid_http_versions: ['HTTP/2.0'] }));
  assert.equal(only2.success, true, only2.text);
});
