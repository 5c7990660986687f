import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../prober/config.js';
import { probe } from '../../prober/probe.js';
import { probeTCP } from '../../prober/tcp.js';
import { ipHash } from '../../prober/resolve.js';
import { sampleValue } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { familyNames, runProbe, startLineServer, tcpModule } from './protocol-harness.js';

// blackbox 0.23's tcp_connect families (reference/blackbox_families.txt) without probe_success
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
  // blackbox's value for 127.0.0.1, from reference/blackbox_0.23_tcp_success.txt.
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
  // reference/blackbox_families.txt, [tcp_connect]
  assert.deepEqual([...result.families.byName.keys()].sort(), [
    'probe_dns_lookup_time_seconds',
    'probe_duration_seconds',
    'probe_failed_due_to_regex',
    'probe_ip_addr_hash',
    'probe_ip_protocol',
    'probe_success',
  ]);
});
