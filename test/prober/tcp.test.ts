import { createServer, type AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createServer as createTLSServer, TLSSocket } from 'node:tls';
import assert from 'node:assert/strict';
import { parseConfig } from '../../prober/config.js';
import { probe } from '../../prober/probe.js';
import { probeTCP } from '../../prober/tcp/probe.js';
import { ipHash } from '../../prober/net/resolve.js';
import { sampleValue } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { createTestCA, tempDir, type Certificate } from '../helpers/tls.js';
import { comparable, familyNames, nextLine, probeText, runProbe, startBlackbox, startLineServer, tcpModule } from './protocol-harness.js';
import { compileRegex } from '../../common/regex.js';

// blackbox 0.23's tcp_connect families (as its /probe answers) without probe_success
// and probe_duration_seconds, which probe() adds around every prober.
const BLACKBOX_TCP_FAMILIES = ['probe_dns_lookup_time_seconds', 'probe_failed_due_to_regex', 'probe_ip_addr_hash', 'probe_ip_protocol'];

test('tcp: connecting to a listening port succeeds with blackbox tcp_connect families', async (t) => {
  let accepted = 0;
  const port = await startLineServer(t, async (socket) => {
    accepted++;
    socket.end();
  });
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpModule());
  assert.equal(run.success, true, run.log);
  assert.equal(run.reason, undefined);
  assert.deepEqual(familyNames(run), BLACKBOX_TCP_FAMILIES);
  assert.equal(sampleValue(run.families, 'probe_failed_due_to_regex'), 0);
  assert.equal(sampleValue(run.families, 'probe_ip_protocol'), 4);
  assert.equal(sampleValue(run.families, 'probe_ip_addr_hash'), ipHash('127.0.0.1'));
  // blackbox 0.23's value for 127.0.0.1.
  assert.equal(ipHash('127.0.0.1'), 3668918509);
  assert.equal(accepted, 1);
});

test('tcp: a closed port fails with connect_refused and the same families', async () => {
  const port = await freePort();
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpModule());
  assert.equal(run.success, false);
  assert.equal(run.reason, 'connect_refused');
  assert.deepEqual(familyNames(run), BLACKBOX_TCP_FAMILIES);
  assert.equal(sampleValue(run.families, 'probe_failed_due_to_regex'), 0);
});

test('tcp: a target without a port is an error that names the problem', async () => {
  const run = await runProbe(probeTCP, '127.0.0.1', tcpModule());
  assert.equal(run.success, false);
  assert.equal(run.reason, 'connect_error');
  assert.match(run.log, /missing port in address/);
  assert.deepEqual(familyNames(run), ['probe_failed_due_to_regex']);
});

test('tcp: IPv6 literal targets in brackets', async (t) => {
  const port = await startLineServer(t, async (socket) => {
    socket.end();
  });
  // The server listens on 127.0.0.1 only, so [::1] is refused: the bracket form parsed and was dialled.
  const run = await runProbe(probeTCP, `[::1]:${port}`, tcpModule({ preferred_ip_protocol: 'ip6' }));
  assert.equal(run.success, false);
  assert.ok(run.reason === 'connect_refused' || run.reason === 'connect_error', run.log);
  assert.equal(sampleValue(run.families, 'probe_ip_protocol'), 6);
});

test('tcp through probe(): the families of blackbox 0.23 tcp_connect, from a blackbox.yml module', async (t) => {
  const port = await startLineServer(t, async (socket) => {
    socket.end();
  });
  const config = parseConfig('modules:\n  tcp_connect:\n    prober: tcp\n    timeout: 5s\n    tcp:\n      preferred_ip_protocol: ip4\n', 'blackbox.yml');
  const result = await probe({ target: `127.0.0.1:${port}`, module: 'tcp_connect', config });
  assert.equal(result.success, true);
  // blackbox 0.23's tcp_connect families
  assert.deepEqual([...result.families.byName.keys()].sort(), [
    'probe_dns_lookup_time_seconds',
    'probe_duration_seconds',
    'probe_failed_due_to_regex',
    'probe_ip_addr_hash',
    'probe_ip_protocol',
    'probe_success',
  ]);
});

/** A TLS server on 127.0.0.1 that greets each client and closes. */
async function startTLSGreeter(t: TestContext, certificate: Certificate): Promise<number> {
  const server = createTLSServer({ cert: certificate.cert, key: certificate.key }, (socket) => socket.end('hello over TLS\n'));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

const NOT_AFTER = new Date('2031-05-17T12:00:00Z');

test('tcp with tls: a trusted chain succeeds, with TLS families and the exact expiry', async (t) => {
  const ca = createTestCA(tempDir(t));
  const leaf = ca.issue({ notAfter: NOT_AFTER });
  const port = await startTLSGreeter(t, leaf);
  const run = await runProbe(
    probeTCP,
    `127.0.0.1:${port}`,
    tcpModule({ tls: true, tls_config: { insecure_skip_verify: false, ca: ca.cert }, query_response: [{ expect: compileRegex('^hello over TLS$'), starttls: false }] }),
  );
  assert.equal(run.success, true, run.log);
  assert.equal(sampleValue(run.families, 'probe_ssl_earliest_cert_expiry'), NOT_AFTER.getTime() / 1000);
  assert.equal(sampleValue(run.families, 'probe_tls_version_info', { version: 'TLS 1.3' }), 1);
  assert.ok(run.families.has('probe_ssl_last_chain_info'));
});

test('tcp with tls: an untrusted certificate fails with tls, its expiry still reported', async (t) => {
  const dir = tempDir(t);
  const untrusted = createTestCA(dir, 'Someone Else').issue({ notAfter: NOT_AFTER });
  const port = await startTLSGreeter(t, untrusted);
  const verify = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpModule({ tls: true, tls_config: { insecure_skip_verify: false } }));
  assert.equal(verify.success, false);
  assert.equal(verify.reason, 'tls');
  assert.equal(sampleValue(verify.families, 'probe_ssl_earliest_cert_expiry'), NOT_AFTER.getTime() / 1000);
  const insecure = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpModule({ tls: true, tls_config: { insecure_skip_verify: true } }));
  assert.equal(insecure.success, true, insecure.log);
});

test('tcp without tls: no TLS family appears', async (t) => {
  const port = await startLineServer(t, async (socket) => {
    socket.end();
  });
  const run = await runProbe(probeTCP, `127.0.0.1:${port}`, tcpModule());
  assert.equal([...run.families.keys()].some((name) => name.startsWith('probe_ssl_') || name.startsWith('probe_tls_')), false);
});

test('tcp query_response: STARTTLS upgrades the connection in place', async (t) => {
  const ca = createTestCA(tempDir(t));
  const leaf = ca.issue({ notAfter: NOT_AFTER });
  const seenAfterTLS: string[] = [];
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.write('220 mail.test ESMTP\r\n');
    let pending = '';
    const onPlain = (chunk: Buffer): void => {
      pending += chunk.toString();
      if (!pending.includes('STARTTLS\n')) return;
      socket.off('data', onPlain);
      socket.write('220 Ready to start TLS\r\n');
      const secure = new TLSSocket(socket, { isServer: true, cert: leaf.cert, key: leaf.key });
      secure.on('error', () => secure.destroy());
      secure.on('secure', () => secure.write('250 mail.test secured\r\n'));
      secure.on('data', (data: Buffer) => {
        seenAfterTLS.push(data.toString());
        secure.end('221 bye\r\n');
      });
    };
    socket.on('data', onPlain);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;

  const run = await runProbe(
    probeTCP,
    `127.0.0.1:${port}`,
    tcpModule({
      tls_config: { insecure_skip_verify: false, ca: ca.cert },
      query_response: [
        { expect: compileRegex('^220 (\\S+) ESMTP'), send: 'STARTTLS', starttls: false },
        { expect: compileRegex('^220 Ready'), starttls: true },
        { expect: compileRegex('^250 (\\S+) secured$'), send: 'QUIT $1', starttls: false },
        { expect: compileRegex('^221'), starttls: false },
      ],
    }),
  );
  assert.equal(run.success, true, run.log);
  assert.deepEqual(seenAfterTLS, ['QUIT mail.test\n']);
  assert.equal(sampleValue(run.families, 'probe_ssl_earliest_cert_expiry'), NOT_AFTER.getTime() / 1000);
});

test('tcp: same families, labels and values as blackbox_exporter 0.23 on the same targets', async (t) => {
  const yaml = [
    'modules:',
    '  tcp_connect: {prober: tcp, timeout: 3s, tcp: {preferred_ip_protocol: ip4}}',
    '  tcp_dialogue:',
    '    prober: tcp',
    '    timeout: 3s',
    '    tcp:',
    '      preferred_ip_protocol: ip4',
    '      query_response:',
    '        - expect: "^220 (.*)$"',
    '          send: "HELO ${1}"',
    '        - expect: "^250 "',
    '  tcp_tls: {prober: tcp, timeout: 3s, tcp: {preferred_ip_protocol: ip4, tls: true, tls_config: {insecure_skip_verify: true}}}',
    '',
  ].join('\n');
  const blackbox = await startBlackbox(t, yaml);
  const banner = await startLineServer(t, async (socket, lines) => {
    socket.write('220 mail.test\r\n');
    const helo = await nextLine(lines);
    socket.end(helo === 'HELO mail.test' ? '250 hello\r\n' : '500 what\r\n');
  });
  const tlsPort = await startTLSGreeter(t, createTestCA(tempDir(t)).issue({ notAfter: NOT_AFTER }));
  const cases: [string, string][] = [
    ['tcp_connect', `127.0.0.1:${banner}`],
    ['tcp_connect', `127.0.0.1:${await freePort()}`],
    ['tcp_dialogue', `127.0.0.1:${banner}`],
    ['tcp_tls', `127.0.0.1:${tlsPort}`],
  ];
  for (const [module, target] of cases) {
    const ours = comparable(await probeText(yaml, module, target));
    assert.deepEqual(ours, comparable(await blackbox(module, target)), `${module} ${target}`);
    assert.ok(ours.length > 0);
  }
});
