import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import bcrypt from 'bcryptjs';
import { silentLogger } from '../../common/logging.js';
import { createServer, listen } from '../../common/server.js';
import { loadWebConfig, parseWebConfig, type WebConfig } from '../../common/web-config.js';
import { createTestCA, tempDir, type Certificate } from '../helpers/tls.js';

interface Answer {
  status: number;
  body: string;
  protocol: string | null;
}

function get(url: string, options: { ca?: string; cert?: Certificate; maxVersion?: 'TLSv1.2' | 'TLSv1.3'; auth?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: options.ca,
        cert: options.cert?.cert,
        key: options.cert?.key,
        maxVersion: options.maxVersion,
        agent: false,
        headers: options.auth === undefined ? {} : { authorization: `Basic ${Buffer.from(options.auth).toString('base64')}` },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, protocol: (response.socket as import('node:tls').TLSSocket).getProtocol?.() ?? null }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function serve(t: TestContext, webConfig: WebConfig): Promise<string> {
  const app = createServer({ logger: silentLogger(), webConfig });
  app.get('/', async () => 'hello\n');
  t.after(() => app.close());
  const address = await listen(app, '127.0.0.1:0');
  return `https://${address}/`;
}

function configFile(dir: string, text: string): WebConfig {
  const path = join(dir, `web-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, text);
  return loadWebConfig(path);
}

test('TLS: a real handshake with the configured certificate and version floor', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const leaf = ca.issue({ notAfter: new Date(Date.now() + 86_400_000) });
  const url = await serve(t, configFile(dir, `tls_server_config:\n  cert_file: ${leaf.certPath}\n  key_file: ${leaf.keyPath}\n  min_version: TLS13\n`));
  const answer = await get(url, { ca: ca.cert });
  assert.deepEqual(answer, { status: 200, body: 'hello\n', protocol: 'TLSv1.3' });
  await assert.rejects(get(url, { ca: ca.cert, maxVersion: 'TLSv1.2' }), /version|alert/i);
  await assert.rejects(get(url), /self.signed|unable to (get|verify)/i);
});

test('TLS: RequireAndVerifyClientCert refuses clients without a certificate from the CA', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const otherCA = createTestCA(tempDir(t), 'Other CA');
  const leaf = ca.issue({ notAfter: new Date(Date.now() + 86_400_000) });
  const client = ca.issue({ commonName: 'client', notAfter: new Date(Date.now() + 86_400_000) });
  const stranger = otherCA.issue({ commonName: 'stranger', notAfter: new Date(Date.now() + 86_400_000) });
  // Relative file names resolve against the config file's directory.
  const url = await serve(t, configFile(dir, `tls_server_config:\n  cert_file: ${leaf.certPath}\n  key_file: ${leaf.keyPath}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n`));
  assert.equal((await get(url, { ca: ca.cert, cert: client })).status, 200);
  await assert.rejects(get(url, { ca: ca.cert }));
  await assert.rejects(get(url, { ca: ca.cert, cert: stranger }));
});

test('TLS: RequireAnyClientCert takes any certificate but needs one', async (t) => {
  const dir = tempDir(t);
  const ca = createTestCA(dir);
  const stranger = createTestCA(tempDir(t), 'Other CA').issue({ commonName: 'stranger', notAfter: new Date(Date.now() + 86_400_000) });
  const leaf = ca.issue({ notAfter: new Date(Date.now() + 86_400_000) });
  const url = await serve(t, configFile(dir, `tls_server_config:\n  cert_file: ${leaf.certPath}\n  key_file: ${leaf.keyPath}\n  client_auth_type: RequireAnyClientCert\n`));
  assert.equal((await get(url, { ca: ca.cert, cert: stranger })).status, 200);
  await assert.rejects(get(url, { ca: ca.cert }));
});

test('basic auth: 401 with WWW-Authenticate on missing or wrong credentials, 200 with right ones', async () => {
  const hash = bcrypt.hashSync('s3cret', 4);
  const app = createServer({ logger: silentLogger(), webConfig: parseWebConfig(`basic_auth_users:\n  alice: ${hash}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n`, 'web.yml', '/') });
  app.get('/', async () => 'hello\n');
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
  for (const authorization of [undefined, basic('alice:wrong'), basic('bob:s3cret'), basic('alice'), 'Bearer x']) {
    const response = await app.inject({ url: '/', headers: authorization === undefined ? {} : { authorization } });
    assert.equal(response.statusCode, 401, String(authorization));
    assert.equal(response.headers['www-authenticate'], 'Basic');
  }
  for (let i = 0; i < 2; i++) {
    const response = await app.inject({ url: '/', headers: { authorization: basic('alice:s3cret') } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, 'hello\n');
    assert.equal(response.headers['x-frame-options'], 'deny');
  }
  // A cached success must not let a different password in.
  assert.equal((await app.inject({ url: '/', headers: { authorization: basic('alice:s3cret2') } })).statusCode, 401);
  await app.close();
});

test('--web.max-requests: requests beyond the cap get 503', async () => {
  const app = createServer({ logger: silentLogger(), maxRequests: 1 });
  let release = (): void => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  app.get('/slow', async () => {
    await held;
    return 'done\n';
  });
  const first = app.inject({ url: '/slow' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const second = await app.inject({ url: '/slow' });
  assert.equal(second.statusCode, 503);
  assert.equal(second.body, 'Limit of concurrent requests reached (1), try again later.\n');
  release();
  assert.equal((await first).statusCode, 200);
  assert.equal((await app.inject({ url: '/slow' })).statusCode, 200);
  await app.close();
});

test('bad web config files are errors naming file, line and key', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'cert.pem'), 'not really');
  const cases: Array<[string, string]> = [
    ['tls_server_config:\n  cert_file: cert.pem\n  key_fil: x\n', 'web.yml:3: tls_server_config.key_fil: unknown key (expected one of: cert_file, key_file, client_auth_type, client_ca_file, min_version, max_version)'],
    ['tls_server_config:\n  cert_file: cert.pem\n', 'web.yml:2: tls_server_config: missing key_file'],
    ['tls_server_config:\n  cert_file: cert.pem\n  key_file: missing.pem\n', `web.yml:3: tls_server_config.key_file: cannot read "${join(dir, 'missing.pem')}": ENOENT`],
    ['tls_server_config:\n  cert_file: cert.pem\n  key_file: cert.pem\n  min_version: TLS14\n', 'web.yml:4: tls_server_config.min_version: unknown TLS version "TLS14" (expected one of: TLS10, TLS11, TLS12, TLS13)'],
    ['tls_server_config:\n  cert_file: cert.pem\n  key_file: cert.pem\n  client_auth_type: Maybe\n', 'web.yml:4: tls_server_config.client_auth_type: unknown client_auth_type "Maybe" (expected one of: NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)'],
    ['tls_server_config:\n  cert_file: cert.pem\n  key_file: cert.pem\n  client_auth_type: RequireAndVerifyClientCert\n', 'web.yml:4: tls_server_config.client_auth_type: RequireAndVerifyClientCert needs client_ca_file'],
    ['basic_auth_users:\n  alice: plain\n', 'web.yml:2: basic_auth_users.alice: expected a bcrypt hash ($2y$…)'],
    ['basic_auth_users: [alice]\n', 'web.yml:1: basic_auth_users: expected a mapping, got ["alice"]'],
    ['http_server_config:\n  headers:\n    Content-Type: text/html\n', 'web.yml:3: http_server_config.headers.Content-Type: header "Content-Type" cannot be set here'],
    ['tls_config: {}\n', 'web.yml:1: tls_config: unknown key (expected one of: tls_server_config, http_server_config, basic_auth_users)'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseWebConfig(text, 'web.yml', dir), (error: unknown) => (error as Error).message === message, `${text}\nexpected: ${message}`);
  }
  assert.throws(() => loadWebConfig(join(dir, 'nope.yml')), { message: `${join(dir, 'nope.yml')}: cannot read web config: ENOENT` });
  assert.deepEqual(parseWebConfig('', 'web.yml', dir), { tls: undefined, headers: {}, basicAuthUsers: new Map() });
});
