import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { btrfsCollector, type ReadBtrfsDevices } from '../../../exporter/collectors/btrfs.js';
import {
  BTRFS_IOC_DEV_INFO,
  BTRFS_IOC_FS_INFO,
  BTRFS_IOC_GET_DEV_STATS,
  decodeDevInfo,
  decodeDevStats,
  decodeFsInfo,
  devInfoRequest,
  devStatsRequest,
} from '../../../exporter/syscall/btrfs-ioctl.js';
import { createCollector, expected, FIXTURES, fixtureOptions, fixturePaths, scrape } from './fixture.js';
import { procTree, sysTree } from './proc-tree.js';

/** What the kernel answered on a 300 MiB btrfs on /dev/loop0, captured on x86_64 (little-endian). */
const captured = (name: string) => readFileSync(join(FIXTURES, 'btrfs-ioctl', `${name}.bin`));

test('btrfs ioctl numbers are _IOR/_IOWR(0x94, nr, sizeof struct) of linux/btrfs.h', () => {
  assert.deepEqual([BTRFS_IOC_FS_INFO, BTRFS_IOC_DEV_INFO, BTRFS_IOC_GET_DEV_STATS], [0x8400941f, 0xd000941e, 0xc4089434]);
});

test('btrfs ioctl structs decode as the kernel filled them (captured FS_INFO, DEV_INFO, GET_DEV_STATS)', () => {
  assert.deepEqual(decodeFsInfo(captured('fs_info')), { maxId: 1, numDevices: 1, fsid: '615d2934-1ffd-487c-a1eb-2e6478d522fb' });
  assert.deepEqual(decodeDevInfo(captured('dev_info')), {
    devid: 1,
    uuid: '4de88726-761c-4996-9c71-60ab2e5e1cd6',
    bytesUsed: 92274688,
    totalBytes: 314572800,
    device: 'loop0',
  });
  assert.deepEqual(decodeDevStats(captured('dev_stats')), [0, 0, 0, 0, 0]);
});

test('btrfs ioctl requests: the device id first, GET_DEV_STATS asks for 5 counters without resetting them', () => {
  const info = devInfoRequest(0x0102030405);
  assert.equal(info.length, 4096);
  assert.equal(info.readBigUInt64LE(0), 0x0102030405n);
  assert.ok(info.subarray(8).every((byte) => byte === 0));
  const stats = devStatsRequest(3);
  assert.equal(stats.length, 1032);
  assert.deepEqual([stats.readBigUInt64LE(0), stats.readBigUInt64LE(8), stats.readBigUInt64LE(16)], [3n, 5n, 0n]);
  assert.ok(stats.subarray(24).every((byte) => byte === 0));
  assert.equal(devInfoRequest(1, false).readBigUInt64BE(0), 1n);
});

test('GET_DEV_STATS: counters past the nr_items the kernel returned are 0; values past 32 bits survive', () => {
  const stats = Buffer.alloc(1032);
  stats.writeBigUInt64LE(3n, 8);
  [7n, 2n ** 40n, 3n, 9n, 9n].forEach((value, i) => stats.writeBigUInt64LE(value, 24 + 8 * i));
  assert.deepEqual(decodeDevStats(stats, true), [7, 2 ** 40, 3, 0, 0]);
  assert.throws(() => decodeDevStats(Buffer.alloc(1024)), { message: 'btrfs ioctl struct needs 1032 bytes, got 1024' });
});

const UUID = '0a1b2c3d-0000-4000-8000-00000000feed';
const FS = `fs/btrfs/${UUID}`;

/** One btrfs filesystem (devices vdb and vdc) in sysfs, mounted twice (same source) and once more under another name. */
function hostWithBtrfs(t: TestContext) {
  const sys = Object.fromEntries(['data', 'metadata', 'system'].map((type) => [`${FS}/allocation/${type}/single/total_bytes`, '4096\n']));
  const paths = sysTree(t, { ...sys, [`${FS}/label`]: 'pool\n', [`${FS}/devices/vdb/size`]: '8\n', [`${FS}/devices/vdc/size`]: '16\n' });
  const mountinfo = [
    '22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw',
    '40 22 0:45 / /srv/pool rw,relatime - btrfs /dev/vdb rw,space_cache=v2',
    '41 22 0:45 /home /home rw,relatime - btrfs /dev/vdb rw,space_cache=v2',
    '42 22 0:45 / /mnt/broken rw,relatime - btrfs /dev/vdc rw,space_cache=v2',
  ].join('\n');
  return { ...paths, procfs: procTree(t, { '1/mountinfo': `${mountinfo}\n` }).procfs };
}

const devices = [
  { devid: 1, uuid: '11111111-2222-4333-8444-555555555555', bytesUsed: 1000, totalBytes: 8192, device: 'vdb', errors: [1, 2, 3, 4, 5] },
  { devid: 3, uuid: '66666666-7777-4888-9999-000000000000', bytesUsed: 0, totalBytes: 16384, device: 'vdc', errors: [0, 0, 0, 0, 2 ** 40] },
];

test('btrfs: devices from the ioctls of the first mount point that answers, once per source, matched by uuid', async (t) => {
  const asked: string[] = [];
  const read: ReadBtrfsDevices = async (mountPoint) => {
    asked.push(mountPoint);
    if (mountPoint.endsWith('/mnt/broken')) throw new Error('EACCES');
    return { info: { fsid: UUID }, devices };
  };
  const options = fixtureOptions();
  options.btrfs.readBtrfsDevices = read;
  const text = await scrape(createCollector(btrfsCollector, { paths: hostWithBtrfs(t), options }));
  // Under --path.rootfs, as node_exporter opens them; /home is the same source as /srv/pool.
  assert.deepEqual(asked, [join(fixturePaths.rootfs, 'srv/pool'), join(fixturePaths.rootfs, 'mnt/broken')]);
  assert.equal(text.split('\n').filter((line) => line.includes('_device_')).join('\n') + '\n', expected('btrfs-ioctl.prom'));
});

test('btrfs: without ioctl answers (no koffi, no permission) device sizes come from sysfs, as node_exporter falls back', async (t) => {
  const options = fixtureOptions();
  options.btrfs.readBtrfsDevices = () => Promise.reject(new Error('cannot load the koffi FFI'));
  const text = await scrape(createCollector(btrfsCollector, { paths: hostWithBtrfs(t), options }));
  const lines = text.split('\n').filter((line) => line.startsWith('node_btrfs_device'));
  assert.deepEqual(lines, [`node_btrfs_device_size_bytes{uuid="${UUID}",device="vdb"} 4096`, `node_btrfs_device_size_bytes{uuid="${UUID}",device="vdc"} 8192`]);
});
