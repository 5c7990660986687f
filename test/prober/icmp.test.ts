import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ICMPProbeConfig } from '../../prober/icmp/config.js';
import { parsePingReply, PING_BINARY, pingArguments, probeICMP } from '../../prober/icmp/probe.js';
import { requireBinary } from '../helpers/process.js';
import { sampleValue } from '../helpers/exposition.js';
import { comparable, familyNames, moduleWith, probeText, runProbe, startBlackbox } from './protocol-harness.js';

function icmpModule(overrides: Partial<ICMPProbeConfig> = {}) {
  return moduleWith('icmp', { preferred_ip_protocol: 'ip4', ip_protocol_fallback: true, payload_size: 0, dont_fragment: false, ttl: 0, ...overrides });
}

const IPUTILS_V4 = `PING 127.0.0.1 (127.0.0.1) 28(56) bytes of data.
36 bytes from 127.0.0.1: icmp_seq=1 ttl=63 time=0.090 ms

--- 127.0.0.1 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms
rtt min/avg/max/mdev = 0.090/0.090/0.090/0.000 ms
`;
const IPUTILS_V6 = `PING ::1(::1) 28 data bytes
36 bytes from ::1: icmp_seq=1 ttl=64 time=1.25 ms
`;
const IPUTILS_LOST = `PING 127.0.0.1 (127.0.0.1) 65508(65536) bytes of data.

--- 127.0.0.1 ping statistics ---
1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms
`;

test('parsePingReply reads rtt and ttl from iputils output', () => {
  assert.deepEqual(parsePingReply(IPUTILS_V4), { rttSeconds: 0.00009, hopLimit: 63 });
  assert.deepEqual(parsePingReply(IPUTILS_V6), { rttSeconds: 0.00125, hopLimit: 64 });
  assert.equal(parsePingReply(IPUTILS_LOST), undefined);
});

test('pingArguments: one request, numeric, options from the module, the address last', () => {
  const v4 = { ip: '127.0.0.1', family: 4 as const, lookupSeconds: 0 };
  assert.deepEqual(pingArguments(icmpModule().icmp, v4, 5), ['-n', '-c', '1', '-W', '5', '-4', '-s', '28', '127.0.0.1']);
  assert.deepEqual(
    pingArguments(icmpModule({ payload_size: 1200, ttl: 3, dont_fragment: true, source_ip_address: '127.0.0.2' }).icmp, v4, 2.5),
    ['-n', '-c', '1', '-W', '2.5', '-4', '-s', '1200', '-t', '3', '-M', 'do', '-I', '127.0.0.2', '127.0.0.1'],
  );
  // dont_fragment is an IPv4 header bit: not passed for IPv6.
  assert.deepEqual(pingArguments(icmpModule({ dont_fragment: true }).icmp, { ip: '::1', family: 6, lookupSeconds: 0 }, 1), [
    '-n', '-c', '1', '-W', '1', '-6', '-s', '28', '::1',
  ]);
});

test('icmp: ping 127.0.0.1 succeeds with blackbox families and the reply TTL', async () => {
  requireBinary(PING_BINARY, 'iputils-ping');
  const run = await runProbe(probeICMP, '127.0.0.1', icmpModule());
  assert.equal(run.success, true, run.log);
  assert.deepEqual(familyNames(run), [
    'probe_dns_lookup_time_seconds',
    'probe_icmp_duration_seconds',
    'probe_icmp_reply_hop_limit',
    'probe_ip_addr_hash',
    'probe_ip_protocol',
  ]);
  const defaultTTL = Number(readFileSync('/proc/sys/net/ipv4/ip_default_ttl', 'utf8'));
  assert.equal(sampleValue(run.families, 'probe_icmp_reply_hop_limit'), defaultTTL);
  const rtt = sampleValue(run.families, 'probe_icmp_duration_seconds', { phase: 'rtt' });
  assert.ok(rtt !== undefined && rtt > 0 && rtt < 1, `rtt ${rtt}`);
  assert.ok(sampleValue(run.families, 'probe_icmp_duration_seconds', { phase: 'setup' })! > 0);
  assert.equal(sampleValue(run.families, 'probe_icmp_duration_seconds', { phase: 'resolve' }), sampleValue(run.families, 'probe_dns_lookup_time_seconds'));
});

test('icmp: a request that cannot be sent (65508 bytes, DF) fails with icmp, no hop limit', async () => {
  requireBinary(PING_BINARY, 'iputils-ping');
  const run = await runProbe(probeICMP, '127.0.0.1', icmpModule({ payload_size: 65508, dont_fragment: true }));
  assert.equal(run.success, false);
  assert.equal(run.reason, 'icmp');
  assert.equal(run.families.has('probe_icmp_reply_hop_limit'), false);
  assert.equal(sampleValue(run.families, 'probe_icmp_duration_seconds', { phase: 'rtt' }), 0);
  assert.match(run.log, /message too long|0 received/);
});

test('icmp: a denied address is never pinged', async () => {
  const run = await runProbe(probeICMP, '169.254.169.254', icmpModule());
  assert.equal(run.success, false);
  assert.equal(run.reason, 'policy');
  assert.doesNotMatch(run.log, /Running ping/);
});

test('icmp: same families, labels and values as blackbox_exporter 0.23 pinging 127.0.0.1', async (t) => {
  const yaml = 'modules:\n  icmp: {prober: icmp, timeout: 3s, icmp: {preferred_ip_protocol: ip4}}\n';
  const blackbox = await startBlackbox(t, yaml);
  assert.deepEqual(comparable(await probeText(yaml, 'icmp', '127.0.0.1')), comparable(await blackbox('icmp', '127.0.0.1')));
});
