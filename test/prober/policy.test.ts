import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { checkTarget, createTargetPolicy, normalizeIPLiteral, parseIPv4Literal, targetHost } from '../../prober/net/policy.js';
import { httpModule, listen, run } from './http-helpers.js';

const METADATA = 'address 169.254.169.254 is denied by the target policy (169.254.0.0/16)';

test('inet_aton forms of IPv4 literals', () => {
  const cases: [string, string | undefined][] = [
    ['169.254.169.254', '169.254.169.254'],
    ['2852039166', '169.254.169.254'],
    ['0xA9FEA9FE', '169.254.169.254'],
    ['0251.0376.0251.0376', '169.254.169.254'],
    ['169.254.43518', '169.254.169.254'],
    ['127.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['256.1.1.1', undefined],
    ['4294967296', undefined],
    ['08.1.1.1', undefined],
    ['1.2.3.4.5', undefined],
    ['example.com', undefined],
    ['1.2.3.', undefined],
  ];
  for (const [text, expected] of cases) assert.equal(parseIPv4Literal(text)?.join('.'), expected, text);
  assert.deepEqual(normalizeIPLiteral('[::1]'), { ip: '::1', family: 6 });
  assert.equal(normalizeIPLiteral('localhost'), undefined);
});

test('target hosts are found in URLs, host:port and bracketed IPv6', () => {
  assert.equal(targetHost('http://user@example.com:8080/path'), 'example.com');
  assert.equal(targetHost('https://[::1]:8443/'), '::1');
  assert.equal(targetHost('example.com:443'), 'example.com');
  assert.equal(targetHost('[fe80::1]:80'), 'fe80::1');
  assert.equal(targetHost('fe80::1'), 'fe80::1');
  assert.equal(targetHost('10.0.0.1'), '10.0.0.1');
});

test('the default policy denies metadata and link-local addresses in every spelling, allows loopback', () => {
  const denied: [string, string][] = [
    ['http://169.254.169.254/latest/meta-data/', METADATA],
    ['http://2852039166/', METADATA],
    ['0xA9FEA9FE:80', 'address 169.254.169.254 of 0xA9FEA9FE is denied by the target policy (169.254.0.0/16)'],
    ['0251.0376.0251.0376:80', 'address 169.254.169.254 of 0251.0376.0251.0376 is denied by the target policy (169.254.0.0/16)'],
    ['http://[::ffff:169.254.169.254]/', 'address ::ffff:a9fe:a9fe is denied by the target policy (169.254.0.0/16)'],
    ['[::ffff:a9fe:a9fe]:80', 'address ::ffff:a9fe:a9fe is denied by the target policy (169.254.0.0/16)'],
    ['http://[fe80::1%25eth0]/', 'address fe80::1%eth0 is denied by the target policy (fe80::/10)'],
    ['[fd00:ec2::254]:80', 'address fd00:ec2::254 is denied by the target policy (fd00:ec2::254/128)'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'host metadata.google.internal is denied by the target policy (metadata.google.internal)'],
    ['METADATA.google.internal.:80', 'host METADATA.google.internal. is denied by the target policy (metadata.google.internal)'],
  ];
  for (const [target, reason] of denied) assert.deepEqual(checkTarget(target), { allowed: false, reason }, target);
  for (const target of ['http://127.0.0.1:9100/metrics', '[::1]:22', 'example.com:443', 'http://10.1.2.3/', '169.253.255.255:80']) {
    assert.deepEqual(checkTarget(target), { allowed: true }, target);
  }
});

test('allow lists restrict to networks or host patterns; deny wins', () => {
  const policy = createTargetPolicy({ allow: ['10.0.0.0/8', '2001:db8::/32'], allowHosts: ['*.panels.example'] });
  assert.equal(policy.checkAddress('10.9.8.7', '10.9.8.7'), undefined);
  assert.equal(policy.checkAddress('::ffff:10.9.8.7', 'x'), undefined);
  assert.equal(policy.checkAddress('2001:db8::5', 'x'), undefined);
  assert.equal(policy.checkAddress('192.168.1.1', 'router'), 'address 192.168.1.1 of router is not in the target policy\'s allow list');
  assert.equal(policy.checkAddress('203.0.113.9', 'eu1.panels.example'), undefined);
  assert.equal(policy.checkAddress('169.254.169.254', 'eu1.panels.example'), 'address 169.254.169.254 of eu1.panels.example is denied by the target policy (169.254.0.0/16)');
  const open = createTargetPolicy({ deny: [], denyHosts: [] });
  assert.deepEqual(checkTarget('http://169.254.169.254/', open), { allowed: true });
  assert.throws(() => createTargetPolicy({ deny: ['10.0.0.0/33'] }), /invalid network "10.0.0.0\/33": prefix must be 0-32/);
  assert.throws(() => createTargetPolicy({ allow: ['banana'] }), /invalid network "banana": not an IP address or CIDR/);
});

test('a probe of a denied address fails with reason policy without connecting', async () => {
  for (const target of ['http://169.254.169.254/', 'http://2852039166/', 'http://[::ffff:169.254.169.254]/']) {
    const result = await run(target, httpModule({}, 2));
    assert.equal(result.failureReason, 'policy', target);
    assert.ok(result.elapsedMs < 500, `${target} took ${result.elapsedMs} ms: it must not have tried to connect`);
  }
});

test('a name resolving to a denied address is caught after resolution', async (t) => {
  const port = await listen(t, createServer((_req, res) => res.end('ok')));
  const policy = createTargetPolicy({ deny: ['127.0.0.0/8', '::1/128'] });
  const result = await run(`http://localhost:${port}/`, httpModule({ preferred_ip_protocol: 'ip4' }), { policy });
  assert.equal(result.failureReason, 'policy');
  const allowed = await run(`http://localhost:${port}/`, httpModule({ preferred_ip_protocol: 'ip4' }));
  assert.equal(allowed.success, true, allowed.text);
});

test('item 4: the unspecified address and names resolving to it count as loopback', async (t) => {
  const policy = createTargetPolicy({ deny: ['127.0.0.0/8'] });
  for (const target of ['0.0.0.0:80', '0:80', '[::]:80', '[::ffff:0.0.0.0]:80', 'http://0/', 'http://[::]:8080/']) {
    assert.equal(checkTarget(target, policy).allowed, false, target);
  }
  assert.match(policy.checkAddress('0.0.0.0', 'zero.example') ?? '', /^address 0\.0\.0\.0 of zero\.example is denied by the target policy \(127\.0\.0\.0\/8\)$/);
  assert.notEqual(policy.checkAddress('::', 'zero6.example'), undefined);
  const onlyPanels = createTargetPolicy({ allow: ['10.0.0.0/8'] });
  assert.notEqual(onlyPanels.checkAddress('0.0.0.0', '0.0.0.0'), undefined);
  // A server on all interfaces, probed as 0.0.0.0: refused, not reached.
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as { port: number }).port;
  const result = await run(`http://0.0.0.0:${port}/`, httpModule({}, 2), { policy });
  assert.equal(result.failureReason, 'policy', result.text);
});

test('item 4: IPv6 forms carrying a denied IPv4 address are denied with it', () => {
  const policy = createTargetPolicy({ deny: ['169.254.0.0/16', '10.1.2.3/32'] });
  for (const ip of ['::169.254.169.254', '64:ff9b::a9fe:a9fe', '64:ff9b::10.1.2.3', '2002:a9fe:a9fe::1', '2002:a01:203:5::9', '::10.1.2.3']) {
    assert.match(policy.checkAddress(ip, ip) ?? '', /is denied by the target policy/, ip);
    assert.equal(checkTarget(`[${ip}]:443`, policy).allowed, false, ip);
  }
  for (const ip of ['64:ff9b::10.1.2.4', '2002:a01:204::1', '2001:db8::10.1.2.3']) assert.equal(policy.checkAddress(ip, ip), undefined, ip);
});

test('item 4: --probe.deny-host matches IDN hosts in Unicode and punycode forms', () => {
  const policy = createTargetPolicy({ denyHosts: ['bücher.example', '*.пример.рф', 'xn--caf-dma.example'] });
  for (const host of ['bücher.example', 'xn--bcher-kva.example', 'BÜCHER.example.', 'a.пример.рф', 'a.xn--e1afmkfd.xn--p1ai', 'café.example', 'xn--caf-dma.example']) {
    assert.notEqual(policy.checkHost(host), undefined, host);
  }
  for (const target of ['http://bücher.example/', 'https://xn--bcher-kva.example:8443/x', 'a.пример.рф:53']) assert.equal(checkTarget(target, policy).allowed, false, target);
  assert.equal(policy.checkHost('buecher.example'), undefined);
  assert.equal(policy.checkHost('пример.рф'), undefined);
});
