import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DISKSTATS_DEVICE_EXCLUDE } from '../../exporter/collectors/diskstats.js';
import { DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE, DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE } from '../../exporter/collectors/filesystem.js';
import { DEFAULT_VMSTAT_FIELDS } from '../../exporter/collectors/vmstat.js';
import { DeviceFilter } from '../../exporter/filters.js';
import { resolve } from 'node:path';
import { resolveHostPaths, rootfsFilePath, rootfsStripPrefix } from '../../exporter/paths.js';
import { compileRegex } from '../../common/regex.js';

test('default excludes match node_exporter 1.10 (Debian 1.5\'s mount points)', () => {
  const disk = (d: string): boolean => DEFAULT_DISKSTATS_DEVICE_EXCLUDE.test(d);
  assert.deepEqual(['ram0', 'zram0', 'loop7', 'fd0', 'sda1', 'vda2', 'xvda1', 'hdb3', 'nvme0n1p1'].filter(disk).length, 9);
  assert.deepEqual(['sda', 'vda', 'nvme0n1', 'dm-0', 'md0', 'mmcblk0'].filter(disk), []);
  const mount = (m: string): boolean => DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE.test(m);
  assert.deepEqual(['/dev', '/proc/sys', '/run/user/0', '/sys', '/mnt/usb', '/media/cd', '/var/lib/docker/overlay2/x'].filter(mount).length, 7);
  assert.deepEqual(['/', '/home', '/devices', '/var/lib/docker', '/srv/run'].filter(mount), []);
  assert.ok(['cgroup2', 'overlay', 'erofs'].every((type) => DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE.test(type)));
  assert.ok(!DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE.test('ext4') && !DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE.test('tmpfs'));
  assert.deepEqual(['oom_kill', 'pgpgin', 'pswpout', 'pgfault', 'pgmajfault', 'nr_free_pages', 'pgsteal_kswapd'].filter((f) => DEFAULT_VMSTAT_FIELDS.test(f)), [
    'oom_kill', 'pgpgin', 'pswpout', 'pgfault', 'pgmajfault',
  ]);
});

test('DeviceFilter: include, exclude, neither; never both', () => {
  assert.equal(new DeviceFilter('x', compileRegex('^eth'), undefined).ignored('wlan0'), true);
  assert.equal(new DeviceFilter('x', compileRegex('^eth'), undefined).ignored('eth0'), false);
  assert.equal(new DeviceFilter('x', undefined, compileRegex('^lo$')).ignored('lo'), true);
  assert.equal(new DeviceFilter('x', undefined, undefined).ignored('lo'), false);
  assert.throws(() => new DeviceFilter('diskstats', compileRegex('a'), compileRegex('b')), /^Error: diskstats: device include and device exclude are mutually exclusive/);
});

test('rootfs paths: stripping the prefix from mount points and joining without a trailing slash', () => {
  const host = { procfs: '/proc', sysfs: '/sys', rootfs: '/host' };
  assert.equal(rootfsStripPrefix(host, '/host'), '/');
  assert.equal(rootfsStripPrefix(host, '/host/home'), '/home');
  assert.equal(rootfsStripPrefix(host, '/hostile'), '/hostile');
  assert.equal(rootfsStripPrefix({ ...host, rootfs: '/host/' }, '/host/home'), '/home');
  assert.equal(rootfsStripPrefix({ ...host, rootfs: '/' }, '/home'), '/home');
  assert.equal(rootfsFilePath(host, '/'), '/host');
  assert.equal(rootfsFilePath(host, '/home'), '/host/home');
  assert.equal(rootfsFilePath({ ...host, rootfs: '/' }, '/'), '/');
});

test('resolveHostPaths: defaults, and relative roots made absolute', () => {
  assert.deepEqual(resolveHostPaths(), { procfs: '/proc', sysfs: '/sys', rootfs: '/' });
  assert.deepEqual(resolveHostPaths({ procfs: 'fixtures/proc', rootfs: '/host/' }), {
    procfs: resolve('fixtures/proc'),
    sysfs: '/sys',
    rootfs: '/host',
  });
});
