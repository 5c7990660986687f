import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArp } from '../../../exporter/procfs/arp.js';
import { parseIpvsBackends, parseIpvsStats } from '../../../exporter/procfs/ipvs.js';
import { parseConntrackStat } from '../../../exporter/procfs/conntrack.js';
import { parseNetstat, parseSnmp6 } from '../../../exporter/procfs/netstat.js';
import { parseSoftnet } from '../../../exporter/procfs/softnet.js';
import { parseUdpQueues } from '../../../exporter/procfs/udp.js';
import { parseSockstat } from '../../../exporter/procfs/sockstat.js';
import { fixture } from './fixture.js';

test('parseSockstat: sockets used, then each protocol with only the keys the kernel printed', () => {
  const stat = parseSockstat(fixture('proc/net/sockstat'));
  assert.equal(stat.used, 36);
  assert.deepEqual(stat.protocols[0], { protocol: 'TCP', values: new Map([['inuse', 20], ['orphan', 0], ['tw', 7], ['alloc', 20], ['mem', 98]]) });
  assert.deepEqual(stat.protocols.find((p) => p.protocol === 'FRAG')?.values, new Map([['inuse', 0], ['memory', 0]]));
  const six = parseSockstat(fixture('proc/net/sockstat6'));
  assert.equal(six.used, undefined);
  assert.deepEqual(six.protocols.map((p) => p.protocol), ['TCP6', 'UDP6', 'UDPLITE6', 'RAW6', 'FRAG6']);
  assert.throws(() => parseSockstat('TCP: inuse\n', 'net/sockstat'), /net\/sockstat line 1: expected "PROTO: key value …"/);
  assert.throws(() => parseSockstat('sockets: used 1\nTCP: inuse x\n', 'net/sockstat'), /net\/sockstat line 2, inuse: expected a number, got "x"/);
});

test('parseNetstat: header and values line pairs, negative values kept', () => {
  const netstat = parseNetstat(fixture('proc/net/netstat'));
  assert.deepEqual([...netstat.keys()], ['TcpExt', 'IpExt', 'MPTcpExt']);
  assert.equal(netstat.get('TcpExt')?.get('ListenDrops'), 2658);
  const snmp = parseNetstat(fixture('proc/net/snmp'), '/proc/net/snmp');
  assert.equal(snmp.get('Tcp')?.get('MaxConn'), -1);
  assert.equal(snmp.get('IcmpMsg')?.get('OutType3'), 1);
  assert.throws(() => parseNetstat('Tcp: A B\nTcp: 1\n', 'snmp'), /snmp line 2: 1 values for 2 names/);
  assert.throws(() => parseNetstat('Tcp: A\n', 'snmp'), /snmp line 1: header without a values line/);
  assert.throws(() => parseNetstat('Tcp: A\nUdp: 1\n', 'snmp'), /snmp line 2: expected "Tcp:" values after line 1, got "Udp:"/);
  assert.throws(() => parseNetstat('Tcp: A\nTcp: z\n', 'snmp'), /snmp line 2, A: expected a number, got "z"/);
});

test('parseSnmp6: protocol up to the first "6"; lines without one are skipped', () => {
  const snmp6 = parseSnmp6(fixture('proc/net/snmp6'));
  assert.deepEqual([...snmp6.keys()], ['Ip6', 'Icmp6', 'Udp6', 'UdpLite6']);
  assert.equal(snmp6.get('Ip6')?.get('InReceives'), 14);
  assert.deepEqual(parseSnmp6('Ip6InReceives 5\nNoSix 3\nlonely\n'), new Map([['Ip6', new Map([['InReceives', 5]])]]));
  assert.throws(() => parseSnmp6('Ip6InReceives many\n', 'snmp6'), /snmp6 line 1, Ip6InReceives: expected a number, got "many"/);
});

test('parseConntrackStat: hexadecimal per-CPU rows summed by column name', () => {
  const totals = parseConntrackStat(fixture('proc/net/stat/nf_conntrack'));
  assert.equal(totals.get('found'), 0x1f + 0x21);
  assert.equal(totals.get('ignore'), 0xff + 0x101);
  assert.equal(totals.get('search_restart'), 15);
  // Before Linux 2.6.35 there is no search_restart column: absent, not 0.
  assert.equal(parseConntrackStat('entries found\n00000001 0000000a\n').get('search_restart'), undefined);
  assert.throws(() => parseConntrackStat('entries found\n00000001\n', 'nf_conntrack'), /nf_conntrack line 2: 1 values for 2 columns/);
  assert.throws(() => parseConntrackStat('entries found\n00000001 zz\n', 'nf_conntrack'), /nf_conntrack line 2, found: expected a hexadecimal number, got "zz"/);
  assert.throws(() => parseConntrackStat('', 'nf_conntrack'), /nf_conntrack: empty/);
});

test('parseSoftnet: columns by kernel version; older kernels leave the newer fields out and number CPUs by line', () => {
  const [cpu0, cpu1] = parseSoftnet(fixture('proc/net/softnet_stat'));
  assert.deepEqual(cpu0, { cpu: 0, processed: 0x5d2f, dropped: 3, timeSqueezed: 1, cpuCollision: 2, receivedRps: 10, flowLimitCount: 0, backlogLength: 4 });
  assert.equal(cpu1?.cpu, 1);
  // Linux 2.6.39 to 4.17: ten columns; the CPU number comes from the line's position.
  const old = parseSoftnet('00000010 0 0 0 0 0 0 0 0 00000002\n00000020 0 0 0 0 0 0 0 0 00000003\n');
  assert.deepEqual(old[1], { cpu: 1, processed: 32, dropped: 0, timeSqueezed: 0, cpuCollision: 0, receivedRps: 3 });
  // Linux 5.14+ skips offline CPUs, so the 13th column, not the position, is the CPU.
  assert.equal(parseSoftnet('1 0 0 0 0 0 0 0 0 0 0 0 00000003\n')[0]?.cpu, 3);
  assert.throws(() => parseSoftnet('1 2 3\n', 'softnet_stat'), /softnet_stat line 1: expected at least 9 columns, got 3/);
  assert.throws(() => parseSoftnet('1 0 0 0 0 0 0 0 0 x\n', 'softnet_stat'), /softnet_stat line 1, column 10: expected a hexadecimal number, got "x"/);
});

test('parseUdpQueues: tx and rx queues summed over sockets, the header skipped', () => {
  assert.deepEqual(parseUdpQueues(fixture('proc/net/udp')), { txQueueBytes: 0x100 + 0x20, rxQueueBytes: 0x340 });
  assert.deepEqual(parseUdpQueues(fixture('proc/net/udp6')), { txQueueBytes: 0, rxQueueBytes: 0xa00 });
  assert.deepEqual(parseUdpQueues(''), { txQueueBytes: 0, rxQueueBytes: 0 });
  assert.throws(() => parseUdpQueues('  1: 0:0 0:0 07 0000 00 0 0 0 0 1\n', 'udp', 10), /udp line 10, rx_queue: expected a hexadecimal number, got ""/);
  assert.throws(() => parseUdpQueues('  1: 0:0 0:0 07\n', 'udp'), /udp line 1: expected a socket line/);
});

test('parseArp: one entry per neighbour, incomplete ones (flags 0x0) included', () => {
  const entries = parseArp(fixture('proc/net/arp'));
  assert.equal(entries.length, 4);
  assert.deepEqual(entries[2], { ip: '198.51.100.9', hwAddress: '00:00:00:00:00:00', flags: 0, device: 'eth1' });
  assert.deepEqual(parseArp('IP address       HW type     Flags       HW address            Mask     Device\n'), []);
  assert.throws(() => parseArp('IP address HW\n10.0.0.1 0x1 0x2 aa:bb *\n', 'arp'), /arp line 2: expected 6 columns, got 5/);
  assert.throws(() => parseArp('10.0.0.1 0x1 0xq aa:bb * eth0\n', 'arp'), /arp line 1, flags: expected a hexadecimal number, got "0xq"/);
});

test('parseIpvsStats: the hexadecimal totals of the third line', () => {
  assert.deepEqual(parseIpvsStats(fixture('proc/net/ip_vs_stats')), {
    connections: 0x16aa370, incomingPackets: 0xe33656e5, outgoingPackets: 0, incomingBytes: 0x51d8c8883ab3, outgoingBytes: 0,
  });
  assert.throws(() => parseIpvsStats('a\nb\n 1 2 3\n', 'ip_vs_stats'), /ip_vs_stats line 3: expected 5 hexadecimal totals, got " 1 2 3"/);
});

test('parseIpvsBackends: services and real servers; addresses printed as Go prints them', () => {
  const backends = parseIpvsBackends(fixture('proc/net/ip_vs'));
  assert.equal(backends.length, 10);
  assert.deepEqual(backends[0], {
    proto: 'TCP', localAddress: '192.168.0.22', localPort: 3306, localMark: '',
    remoteAddress: '192.168.82.22', remotePort: 3306, weight: 100, activeConnections: 248, inactiveConnections: 2,
  });
  assert.deepEqual(backends.at(-1), {
    proto: 'FWM', localAddress: '', localPort: 0, localMark: '10001000',
    remoteAddress: '192.168.50.59', remotePort: 3306, weight: 0, activeConnections: 0, inactiveConnections: 2,
  });
  assert.equal(backends[7]?.remoteAddress, '2001:db8:0:1::3');
  const remote = (address: string): string | undefined =>
    parseIpvsBackends(`FWM 1 wlc\n  -> [${address}]:0050 Route 1 0 0\n`)[0]?.remoteAddress;
  assert.equal(remote('0000:0000:0000:0000:0000:ffff:c0a8:0001'), '192.168.0.1');
  assert.equal(remote('0001:0002:0003:0004:0005:0006:0007:0008'), '1:2:3:4:5:6:7:8');
  assert.equal(remote('0001:0000:0002:0000:0003:0000:0004:0000'), '1:0:2:0:3:0:4:0');
  assert.equal(remote('0001:0000:0000:0002:0000:0000:0003:0004'), '1::2:0:0:3:4');
  assert.equal(remote('0000:0000:0000:0000:0000:0000:0000:0000'), '::');
  assert.throws(() => parseIpvsBackends('  -> C0A8323A:0CEA Route 0 0 1\n', 'ip_vs'), /ip_vs line 1: a real server before any virtual service/);
  assert.throws(() => parseIpvsBackends('TCP 10.0.0.1:80 wlc\n', 'ip_vs'), /ip_vs line 1: expected a hexadecimal address:port, got "10.0.0.1:80"/);
  assert.throws(() => parseIpvsBackends('FWM 1 wlc\n  -> C0A8323A:0CEA Route x 0 1\n', 'ip_vs'), /ip_vs line 2, weight: expected a number, got "x"/);
});
