import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRegex, type GoRegExp } from '../../../common/regex.js';
import { conntrackCollector } from '../../../exporter/collectors/conntrack.js';
import { softnetCollector } from '../../../exporter/collectors/softnet.js';
import { udpQueuesCollector } from '../../../exporter/collectors/udp_queues.js';
import { arpCollector } from '../../../exporter/collectors/arp.js';
import { ipvsCollector } from '../../../exporter/collectors/ipvs.js';
import { netstatCollector } from '../../../exporter/collectors/netstat.js';
import { sockstatCollector } from '../../../exporter/collectors/sockstat.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, fixtureOptions, scrape } from './fixture.js';
import { testRendersFixture } from './renders.js';
import { procTree } from './proc-tree.js';

testRendersFixture([
  [sockstatCollector, 'sockstat.prom'],
  [netstatCollector, 'netstat.prom'],
  [conntrackCollector, 'conntrack.prom'],
  [softnetCollector, 'softnet.prom'],
  [udpQueuesCollector, 'udp_queues.prom'],
  [arpCollector, 'arp.prom'],
  [ipvsCollector, 'ipvs.prom'],
]);

test('sockstat: a kernel without IPv6 has no sockstat6, and IPv4 alone is reported', async (t) => {
  const paths = procTree(t, { 'net/sockstat': 'sockets: used 3\nTCP: inuse 1 mem 2\n' });
  const options = fixtureOptions();
  options.sockstat.pageSize = 16384;
  const text = await scrape(createCollector(sockstatCollector, { paths, options }));
  assert.match(text, /^node_sockstat_sockets_used 3$/m);
  assert.match(text, /^node_sockstat_TCP_mem_bytes 32768$/m);
  assert.doesNotMatch(text, /TCP6/);
});

test('netstat: snmp6 is optional (IPv6 disabled); netstat and snmp are not', async (t) => {
  const paths = procTree(t, {
    'net/netstat': 'TcpExt: ListenDrops\nTcpExt: 4\n',
    'net/snmp': 'Tcp: CurrEstab\nTcp: 2\n',
  });
  const text = await scrape(createCollector(netstatCollector, { paths }));
  assert.match(text, /^node_netstat_TcpExt_ListenDrops 4$/m);
  assert.match(text, /^node_netstat_Tcp_CurrEstab 2$/m);
  const noSnmp = procTree(t, { 'net/netstat': '' });
  await assert.rejects(scrape(createCollector(netstatCollector, { paths: noSnmp })), /ENOENT.*net\/snmp/);
});

test('conntrack: no nf_conntrack module means no data (success 0), not an error', async (t) => {
  const paths = procTree(t, { 'net/sockstat': '' });
  await assert.rejects(scrape(createCollector(conntrackCollector, { paths })), (error) => error instanceof NoDataError && /nf_conntrack_count not found/.test(error.message));
});

const UDP_HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n';
const udpSocket = (sl: number, tx: string, rx: string): string =>
  `${String(sl).padStart(5)}: 00000000:0035 00000000:0000 07 ${tx}:${rx} 00 00000000 00000000     0        0 ${10000 + sl} 2 0000000000000000 0\n`;

test('udp_queues: a file far larger than one read is summed in pieces; a bad line is named by its number', async (t) => {
  const sockets = 6000;
  const many = UDP_HEADER + Array.from({ length: sockets }, (_, i) => udpSocket(i, '00000001', '00000010')).join('');
  assert.ok(many.length > 4 * 64 * 1024);
  const text = await scrape(createCollector(udpQueuesCollector, { paths: procTree(t, { 'net/udp': many }) }));
  assert.equal(text.split('\n').filter((line) => line.startsWith('node_')).join('\n'), `node_udp_queues{queue="tx",ip="v4"} ${sockets}\nnode_udp_queues{queue="rx",ip="v4"} ${sockets * 16}`);
  const broken = UDP_HEADER + Array.from({ length: 4000 }, (_, i) => (i === 3500 ? udpSocket(i, 'zz', '0') : udpSocket(i, '1', '1'))).join('');
  await assert.rejects(scrape(createCollector(udpQueuesCollector, { paths: procTree(t, { 'net/udp': broken }) })), /net\/udp line 3502, tx_queue: expected a hexadecimal number, got "zz"/);
  await assert.rejects(scrape(createCollector(udpQueuesCollector, { paths: procTree(t, { stat: '' }) })), NoDataError);
});

test('arp: --collector.arp.device-include and device-exclude, never both', async () => {
  const withArp = (filter: { deviceInclude?: GoRegExp; deviceExclude?: GoRegExp }) => {
    const options = fixtureOptions();
    options.arp = { ...options.arp, ...filter };
    return options;
  };
  const devices = async (filter: { deviceInclude?: GoRegExp; deviceExclude?: GoRegExp }): Promise<string[]> =>
    [...(await scrape(createCollector(arpCollector, { options: withArp(filter) }))).matchAll(/device="([^"]+)"/g)].map((match) => match[1] as string);
  assert.deepEqual(await devices({ deviceInclude: compileRegex('^eth') }), ['eth0', 'eth1']);
  assert.deepEqual(await devices({ deviceExclude: compileRegex('^eth') }), ['br-lan']);
  assert.throws(
    () => createCollector(arpCollector, { options: withArp({ deviceInclude: compileRegex('a'), deviceExclude: compileRegex('b') }) }),
    /arp: device include and device exclude are mutually exclusive/,
  );
});

test('ipvs: --collector.ipvs.backend-labels sums the backends that share the chosen labels', async (t) => {
  const withLabels = (backendLabels: string) => {
    const options = fixtureOptions();
    options.ipvs.backendLabels = backendLabels;
    return options;
  };
  const text = await scrape(createCollector(ipvsCollector, { options: withLabels('proto,local_port') }));
  const active = text.split('\n').filter((line) => line.startsWith('node_ipvs_backend_connections_active'));
  assert.deepEqual(active, [
    'node_ipvs_backend_connections_active{local_port="3306",proto="TCP"} 2243',
    'node_ipvs_backend_connections_active{local_port="53",proto="UDP"} 0',
    'node_ipvs_backend_connections_active{local_port="80",proto="TCP"} 3',
    'node_ipvs_backend_connections_active{local_port="0",proto="FWM"} 0',
  ]);
  assert.throws(() => createCollector(ipvsCollector, { options: withLabels('proto,vip,colour') }), /ipvs: unknown backend labels: colour, vip/);
  await assert.rejects(scrape(createCollector(ipvsCollector, { paths: procTree(t, { stat: '' }) })), NoDataError);
});
