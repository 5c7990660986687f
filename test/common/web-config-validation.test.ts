import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadWebConfig } from '../../common/web-config.js';
import { selfSigned, tempDir } from '../helpers/tls.js';

const fixtures = fileURLToPath(new URL('../fixtures/common/', import.meta.url));

test('web config files that would fail every request are refused at start, naming file, line and key', () => {
  const cases: Array<[string, string]> = [
    ['web-bcrypt-2x.yml', '3: basic_auth_users.alice: unsupported bcrypt version "$2x$" (expected one of: $2a$, $2b$, $2y$)'],
    ['web-bcrypt-2.yml', '2: basic_auth_users.alice: unsupported bcrypt version "$2$" (expected one of: $2a$, $2b$, $2y$)'],
    ['web-bcrypt-cost.yml', '3: basic_auth_users.bob: bcrypt cost 99 is outside 4–31'],
    ['web-header-crlf.yml', '4: http_server_config.headers.X-Note: header value contains a line break (CR or LF)'],
    ['web-header-control.yml', '3: http_server_config.headers.X-Note: header value contains a character HTTP does not allow'],
    ['web-header-name.yml', '3: http_server_config.headers.X Note: header name "X Note" is not a valid HTTP token'],
    ['web-cert-garbage.yml', '2: tls_server_config.cert_file: "garbage.pem" holds no valid PEM certificate'],
  ];
  for (const [file, message] of cases) {
    const path = join(fixtures, file);
    assert.throws(() => loadWebConfig(path), { name: 'ConfigError', message: `${path}:${message}` }, file);
  }
});

test('a garbage key, a key of another certificate and a garbage client CA name their files', (t) => {
  const dir = tempDir(t);
  const mine = selfSigned(dir);
  const other = selfSigned(dir);
  writeFileSync(join(dir, 'garbage.pem'), 'this is not a key\n');
  writeFileSync(join(dir, 'ca.pem'), `${mine.cert}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
  const cases: Array<[string, string]> = [
    [`tls_server_config:\n  cert_file: ${mine.certPath}\n  key_file: garbage.pem\n`, '3: tls_server_config.key_file: "garbage.pem" holds no valid unencrypted PEM private key'],
    [`tls_server_config:\n  cert_file: ${mine.certPath}\n  key_file: ${other.keyPath}\n`, `3: tls_server_config.key_file: the key in "${other.keyPath}" does not match the certificate in "${mine.certPath}"`],
    [
      `tls_server_config:\n  cert_file: ${mine.certPath}\n  key_file: ${mine.keyPath}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n`,
      '5: tls_server_config.client_ca_file: "ca.pem" holds no valid PEM certificate',
    ],
    [
      `tls_server_config:\n  cert_file: ${mine.certPath}\n  key_file: ${mine.keyPath}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: garbage.pem\n`,
      '5: tls_server_config.client_ca_file: "garbage.pem" holds no valid PEM certificate',
    ],
  ];
  for (const [text, message] of cases) {
    const path = join(dir, 'web.yml');
    writeFileSync(path, text);
    assert.throws(() => loadWebConfig(path), { name: 'ConfigError', message: `${path}:${message}` }, text);
  }
  writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: ${mine.certPath}\n  key_file: ${mine.keyPath}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${other.certPath}\n`);
  assert.equal(loadWebConfig(join(dir, 'web.yml')).tls?.clientCA, other.cert);
});
