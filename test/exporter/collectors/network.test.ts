import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conntrackCollector } from '../../../exporter/collectors/conntrack.js';
import { softnetCollector } from '../../../exporter/collectors/softnet.js';
import { netstatCollector } from '../../../exporter/collectors/netstat.js';
import { defineSockstatCollector } from '../../../exporter/collectors/sockstat.js';
import { NoDataError } from '../../../exporter/types.js';
import { createCollector, expected, scrape } from './fixture.js';
import { procTree } from './proc-tree.js';

const cases = [
  [defineSockstatCollector({ pageSize: 4096 }), 'sockstat.prom'],
  [netstatCollector, 'netstat.prom'],
  [conntrackCollector, 'conntrack.prom'],
  [softnetCollector, 'softnet.prom'],
] as const;

for (const [definition, file] of cases) {
  test(`${definition.name} renders the fixture as expected/${file}`, async () => {
    assert.equal(await scrape(createCollector(definition)), expected(file));
  });
}

test('sockstat: a kernel without IPv6 has no sockstat6, and IPv4 alone is reported', async (t) => {
  const paths = procTree(t, { 'net/sockstat': 'sockets: used 3\nTCP: inuse 1 mem 2\n' });
  const text = await scrape(createCollector(defineSockstatCollector({ pageSize: 16384 }), { paths }));
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
