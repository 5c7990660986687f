import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountstatsCollector } from '../../../exporter/collectors/mountstats.js';
import { parseMountstats } from '../../../exporter/procfs/mountstats.js';
import { createCollector, scrape } from './fixture.js';
import { procTree } from './proc-tree.js';
import { testRendersFixture } from './renders.js';

testRendersFixture([[mountstatsCollector, 'mountstats.prom']]);

const EVENTS = Array.from({ length: 27 }, (_, i) => i + 1).join(' ');

function nfsBlock(device: string, mountPoint: string, xprts: string[], statvers = '1.1'): string {
  return [
    `device ${device} mounted on ${mountPoint} with fstype nfs statvers=${statvers}`,
    '\tage:\t60',
    `\tevents:\t${EVENTS}`,
    '\tbytes:\t1 2 3 4 5 6 7 8',
    ...xprts.map((xprt) => `\txprt:\t${xprt}`),
    '\tper-op statistics',
    '\t        READ: 10 11 0 1200 40960 5 2500 2600',
    '',
  ].join('\n');
}

function mountinfoLine(id: number, mountPoint: string, fsType: string, source: string, superOptions: string): string {
  return `${id} 1 0:${id} / ${mountPoint} rw - ${fsType} ${source} ${superOptions}\n`;
}

const series = (text: string, family: string): string[] => text.split('\n').filter((line) => line.startsWith(`node_mountstats_nfs_${family}{`));

test('mountstats: mountaddr comes from the mountinfo entry at the same index; the same export mounted twice is reported once', async (t) => {
  const paths = procTree(t, {
    'self/mountstats': [
      'device /dev/vda mounted on / with fstype ext4\n',
      nfsBlock('nas:/home', '/home', ['udp 0 1 30 29 0 40 0 4 2 1']),
      nfsBlock('nas:/home', '/mnt/home-again', ['udp 0 1 30 29 0 40 0 4 2 1']),
    ].join(''),
    'self/mountinfo':
      mountinfoLine(20, '/', 'ext4', '/dev/vda', 'rw') +
      mountinfoLine(21, '/home', 'nfs', 'nas:/home', 'rw,vers=3,proto=udp,addr=10.0.0.9') +
      mountinfoLine(22, '/mnt/home-again', 'nfs', 'nas:/home', 'rw,vers=3,proto=udp,addr=10.0.0.9'),
  });
  const text = await scrape(createCollector(mountstatsCollector, { paths }));
  assert.deepEqual(series(text, 'age_seconds_total'), ['node_mountstats_nfs_age_seconds_total{export="nas:/home",protocol="udp",mountaddr="10.0.0.9"} 60']);
  // UDP 1.1 has no connect count, idle time or connect time: they read 0.
  assert.deepEqual(series(text, 'transport_sends_total'), ['node_mountstats_nfs_transport_sends_total{export="nas:/home",protocol="udp",mountaddr="10.0.0.9"} 30']);
  assert.deepEqual(series(text, 'transport_connect_total'), ['node_mountstats_nfs_transport_connect_total{export="nas:/home",protocol="udp",mountaddr="10.0.0.9"} 0']);
  assert.deepEqual(series(text, 'transport_maximum_rpc_slots'), ['node_mountstats_nfs_transport_maximum_rpc_slots{export="nas:/home",protocol="udp",mountaddr="10.0.0.9"} 4']);
  assert.deepEqual(series(text, 'operations_request_time_seconds_total'), [
    'node_mountstats_nfs_operations_request_time_seconds_total{export="nas:/home",protocol="udp",mountaddr="10.0.0.9",operation="READ"} 2.6',
  ]);
  assert.deepEqual(series(text, 'event_pnfs_write_total'), ['node_mountstats_nfs_event_pnfs_write_total{export="nas:/home",protocol="udp",mountaddr="10.0.0.9"} 27']);
});

test('mountstats: several xprt lines (nconnect) report the first, as node_exporter 1.10 serves', async (t) => {
  const paths = procTree(t, {
    'self/mountstats': nfsBlock('nas:/data', '/data', ['tcp 700 1 1 0 5 100 99 0 300 0 8 90 10', 'tcp 701 1 1 0 7 200 198 0 500 0 9 80 20']),
    'self/mountinfo': mountinfoLine(30, '/data', 'nfs4', 'nas:/data', 'rw,addr=10.0.0.8'),
  });
  const text = await scrape(createCollector(mountstatsCollector, { paths }));
  assert.deepEqual(series(text, 'transport_sends_total'), ['node_mountstats_nfs_transport_sends_total{export="nas:/data",protocol="tcp",mountaddr="10.0.0.8"} 100']);
});

test('parseMountstats: strict field counts, named in the error', () => {
  const shortEvents = nfsBlock('nas:/x', '/x', ['tcp 700 1 1 0 5 100 99 0 300 0 8 90 10']).replace(EVENTS, '1 2 3');
  assert.throws(() => parseMountstats(shortEvents, '/proc/self/mountstats'), /\/proc\/self\/mountstats line 3: expected 27 values, got 3/);
  assert.throws(() => parseMountstats(nfsBlock('nas:/x', '/x', ['tcp 700 1 1 0 5 100 99 0 300 0']), 'ms'), /ms line 5: expected 13 values for tcp, got 10/);
  assert.throws(() => parseMountstats(nfsBlock('nas:/x', '/x', ['tcp 700 1 1 0 5 100 99 0 300 0'], '2.0'), 'ms'), /no transport layout for protocol "tcp" in statvers 2.0/);
  assert.throws(() => parseMountstats('device sysfs mounted at /sys with fstype sysfs\n', 'ms'), /ms line 1: expected "device SOURCE mounted on MOUNTPOINT/);
  assert.throws(() => parseMountstats('device x mounted on /x with fstype ext4 statvers=1.1\n', 'ms'), /statistics for fstype ext4/);
  // Statistics version 1.0 (older kernels) has the shorter TCP layout.
  const [mount] = parseMountstats(nfsBlock('nas:/x', '/x', ['tcp 700 1 2 0 5 100 99 0 300 4'], '1.0'));
  assert.equal(mount?.nfs?.transports[0]?.cumulativeBacklog, 4);
  assert.equal(mount?.nfs?.transports[0]?.maximumRpcSlotsUsed, 0);
  assert.deepEqual(mount?.nfs?.operations.map((op) => [op.operation, op.requests]), [['READ', 10]]);
});
