import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { diskstatsCollector } from '../../../exporter/collectors/diskstats.js';
import { netdevCollector } from '../../../exporter/collectors/netdev.js';
import { pressureCollector } from '../../../exporter/collectors/pressure.js';
import { NoDataError } from '../../../exporter/types.js';
import { parseExposition } from '../../helpers/exposition.js';
import { FIXTURES, createCollector, expected, fixtureOptions, fixturePaths, scrape } from './fixture.js';
import { compileRegex } from '../../../common/regex.js';

function devices(text: string, family: string): string[] {
  return (parseExposition(text).get(family)?.samples ?? []).map((s) => s.labels.device ?? '');
}

const NET_HEADER =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

test('netdev: an interface that disappears between scrapes disappears from the output', async (t) => {
  const procfs = await mkdtemp(join(tmpdir(), 'platypus-netdev-'));
  t.after(() => rm(procfs, { recursive: true, force: true }));
  await mkdir(join(procfs, 'net'));
  const collector = createCollector(netdevCollector, { paths: { ...fixturePaths, procfs } });
  const line = (name: string, rx: number): string => `${name}: ${rx} 1 0 0 0 0 0 0 ${rx * 2} 2 0 0 0 0 0 0\n`;

  await writeFile(join(procfs, 'net', 'dev'), NET_HEADER + line('eth0', 100) + line('wg0', 7));
  const first = await scrape(collector);
  assert.deepEqual(devices(first, 'node_network_receive_bytes_total'), ['eth0', 'wg0']);
  assert.deepEqual(devices(first, 'node_network_transmit_bytes_total'), ['eth0', 'wg0']);

  await writeFile(join(procfs, 'net', 'dev'), NET_HEADER + line('eth0', 150));
  const second = await scrape(collector);
  assert.deepEqual(devices(second, 'node_network_receive_bytes_total'), ['eth0']);
  assert.doesNotMatch(second, /wg0/);
});

test('netdev: include and exclude filters, and both at once is an error naming the collector', async () => {
  const include = fixtureOptions();
  include.netdev = { ...include.netdev, deviceInclude: compileRegex('^ifb') };
  assert.deepEqual(devices(await scrape(createCollector(netdevCollector, { options: include })), 'node_network_receive_bytes_total'), ['ifb0', 'ifb1']);

  const none = fixtureOptions();
  none.netdev = { ...none.netdev, deviceExclude: undefined };
  const all = await scrape(createCollector(netdevCollector, { options: none }));
  assert.deepEqual(devices(all, 'node_network_receive_bytes_total'), ['lo', 'ifb0', 'ifb1', 'eth0']);
  // lo's rx_nohandler comes from sysfs; ifb1 has no such file, so no sample rather than a false 0.
  assert.deepEqual(devices(all, 'node_network_receive_nohandler_total'), ['lo', 'ifb0', 'eth0']);

  const both = fixtureOptions();
  both.netdev = { ...both.netdev, deviceInclude: compileRegex('^eth'), deviceExclude: compileRegex('^lo$') };
  assert.throws(() => createCollector(netdevCollector, { options: both }), /netdev: device include and device exclude are mutually exclusive/);
});

test('netdev: detailed metrics (netlink names, from sysfs statistics), the ifalias label, and address info from this host', async (t) => {
  const options = fixtureOptions();
  options.netdev = { ...options.netdev, deviceInclude: compileRegex('^eth0$'), detailedMetrics: true, labelIfAlias: true };
  assert.equal(await scrape(createCollector(netdevCollector, { options })), expected('netdev-detailed.prom'));

  // Without netlink, node_exporter's /proc/net/dev names: errs and drop spelled out, and no rx_nohandler.
  const procfs = fixtureOptions();
  procfs.netdev = { ...procfs.netdev, deviceInclude: compileRegex('^eth0$'), detailedMetrics: true, netlink: false };
  const procfsText = await scrape(createCollector(netdevCollector, { options: procfs }));
  assert.deepEqual([...parseExposition(procfsText).keys()].filter((name) => /errors|dropped|nohandler|colls/.test(name)), [
    'node_network_receive_errors_total', 'node_network_receive_dropped_total', 'node_network_transmit_errors_total',
    'node_network_transmit_dropped_total', 'node_network_transmit_colls_total',
  ]);
  procfs.netdev.detailedMetrics = false;
  assert.doesNotMatch(await scrape(createCollector(netdevCollector, { options: procfs })), /nohandler/);

  const sysfs = await mkdtemp(join(tmpdir(), 'platypus-netdev-alias-'));
  t.after(() => rm(sysfs, { recursive: true, force: true }));
  await mkdir(join(sysfs, 'class', 'net', 'eth0'), { recursive: true });
  await writeFile(join(sysfs, 'class', 'net', 'eth0', 'ifalias'), 'uplink "A" to core\n');
  const legacy = fixtureOptions();
  legacy.netdev = { ...legacy.netdev, deviceInclude: compileRegex('^eth0$'), labelIfAlias: true, addressInfo: true };
  const text = await scrape(createCollector(netdevCollector, { paths: { ...fixturePaths, sysfs }, options: legacy }));
  assert.match(text, /^node_network_receive_bytes_total\{device="eth0",ifalias="uplink \\"A\\" to core"\} 275035441$/m);
  const addresses = parseExposition(text).get('node_network_address_info')?.samples.map((s) => s.labels) ?? [];
  // Every interface of this host, whatever the device filter: loopback is link-local, as Go's net.IP classes it.
  assert.ok(addresses.some((a) => a.device === 'lo' && a.address === '127.0.0.1' && a.netmask === '8' && a.scope === 'link-local'), JSON.stringify(addresses));
  for (const [device, list] of Object.entries(networkInterfaces())) assert.equal(addresses.filter((a) => a.device === device).length, list?.length ?? 0, device);
});

test('diskstats: partitions, loop, zram and nvme partition devices are excluded by default; include selects', async () => {
  const defaults = await scrape(createCollector(diskstatsCollector));
  assert.deepEqual(devices(defaults, 'node_disk_reads_completed_total'), ['vda', 'sda', 'sdb', 'nvme0n1', 'dm-0']);
  // sdb's line has only the 11 pre-4.18 fields: no discard or flush samples for it.
  assert.deepEqual(devices(defaults, 'node_disk_discards_completed_total'), ['vda', 'sda', 'nvme0n1', 'dm-0']);

  const include = fixtureOptions();
  include.diskstats = { ...include.diskstats, deviceExclude: undefined, deviceInclude: compileRegex('^(sda1|nvme0n1p1)$') };
  assert.deepEqual(devices(await scrape(createCollector(diskstatsCollector, { options: include })), 'node_disk_reads_completed_total'), [
    'sda1',
    'nvme0n1p1',
  ]);
});

test('pressure: NoDataError when the kernel has no /proc/pressure', async () => {
  const collector = createCollector(pressureCollector, { paths: { ...fixturePaths, procfs: join(FIXTURES, 'textfile') } });
  await assert.rejects(scrape(collector), (error: unknown) => error instanceof NoDataError && /kernel >= 4\.20/.test(error.message));
});

test('diskstats: without a udev database the udev info labels are empty (rotational is from sysfs) and the udev-only families absent', async () => {
  const options = fixtureOptions();
  options.diskstats.udevDataPath = join(FIXTURES, 'nonexistent-udev');
  const text = await scrape(createCollector(diskstatsCollector, { options }));
  const info = parseExposition(text).get('node_disk_info')?.samples.find((s) => s.labels.device === 'sda');
  assert.deepEqual(info?.labels, { device: 'sda', major: '8', minor: '0', model: '', path: '', revision: '', rotational: '1', serial: '', wwn: '' });
  assert.doesNotMatch(text, /node_disk_ata_|node_disk_device_mapper_info/);
});
