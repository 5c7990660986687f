/** Every secret a module can hold is hidden in its YAML (/config and ?debug=true), as blackbox shows `<secret>`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultModule } from '../../prober/config/modules.js';
import { logValue, redactUserinfo } from '../../prober/log-value.js';
import { moduleYAML } from '../../prober/server/debug.js';

test('proxy_url passwords, auth, tokens, *_file contents and sensitive header values are redacted', () => {
  const module = defaultModule('http', 5);
  module.http = {
    ...module.http,
    proxy_url: 'http://proxyuser:pr0xy-pass@127.0.0.1:3128/',
    headers: { Authorization: 'Bearer abc', Cookie: 'session=s3cr3t', 'X-Api-Key': 'k3y', 'X-Trace': 'visible' },
    bearer_token: 'from-file-token',
    bearer_token_file: 'token.txt',
    basic_auth: { username: 'alice', password: 'hunter2' },
  };
  const yaml = moduleYAML(module);
  for (const secret of ['pr0xy-pass', 'Bearer abc', 's3cr3t', 'k3y', 'from-file-token', 'hunter2']) assert.ok(!yaml.includes(secret), `${secret} shown:\n${yaml}`);
  assert.match(yaml, /proxy_url: http:\/\/proxyuser:<secret>@127\.0\.0\.1:3128\//);
  assert.match(yaml, /bearer_token_file: token\.txt/);
  assert.match(yaml, /X-Trace: visible/);
  assert.match(yaml, /Cookie: <secret>/);
  assert.match(yaml, /X-Api-Key: <secret>/);
});

test('redactUserinfo keeps URLs without a password as they are', () => {
  assert.equal(redactUserinfo('https://user@example.test/'), 'https://user@example.test/');
  assert.equal(redactUserinfo('https://example.test/a@b'), 'https://example.test/a@b');
  assert.equal(redactUserinfo('socks5://u:p@h:1080'), 'socks5://u:<secret>@h:1080');
});

test('log lines show a target URL with its password hidden', () => {
  assert.equal(logValue('https://panel:hunter2@example.test/status'), 'https://panel:<secret>@example.test/status');
});
