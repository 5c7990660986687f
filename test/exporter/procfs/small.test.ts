import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDiskstats } from '../../../exporter/procfs/diskstats.js';
import { parseLoadavg } from '../../../exporter/procfs/loadavg.js';
import { parseMountinfo } from '../../../exporter/procfs/mountinfo.js';
import { NETDEV_FIELDS, parseNetDev } from '../../../exporter/procfs/netdev.js';
import { parseOsRelease } from '../../../exporter/formats/os-release.js';
import { parsePressure } from '../../../exporter/procfs/pressure.js';
import { parseUdevProperties } from '../../../exporter/formats/udev.js';
import { parseVmstat } from '../../../exporter/procfs/vmstat.js';
import { fixture } from './fixture.js';

test('parseLoadavg', () => {
  assert.deepEqual(parseLoadavg(fixture('proc/loadavg')), { load1: 0, load5: 0.28, load15: 0.27 });
  assert.throws(() => parseLoadavg('0.1 x\n'), /\/proc\/loadavg: expected three load averages, got "0.1 x"/);
});

test('parseDiskstats: bytes and seconds; discard and flush only when the kernel prints them', () => {
  const disks = parseDiskstats(fixture('proc/diskstats'));
  assert.deepEqual(
    disks.map((d) => d.device),
    ['loop0', 'loop1', 'loop2', 'loop3', 'loop4', 'loop5', 'loop6', 'loop7', 'vda', 'zram0', 'sda', 'sda1', 'sdb', 'nvme0n1', 'nvme0n1p1', 'dm-0'],
  );
  assert.deepEqual(disks.find((d) => d.device === 'sda'), {
    major: '8', minor: '0', device: 'sda',
    readsCompleted: 1200, readsMerged: 30, readBytes: 96000 * 512, readTimeSeconds: 0.45,
    writesCompleted: 800, writesMerged: 120, writtenBytes: 64000 * 512, writeTimeSeconds: 0.9,
    ioNow: 2, ioTimeSeconds: 1.1, ioTimeWeightedSeconds: 1.35,
    discard: { completed: 10, merged: 0, sectors: 2048, timeSeconds: 0.005 },
    flush: { requests: 40, timeSeconds: 0.007 },
  });
  const sdb = disks.find((d) => d.device === 'sdb');
  assert.equal(sdb?.discard, undefined);
  assert.equal(sdb?.flush, undefined);
  assert.throws(() => parseDiskstats('8 0 sda 1 2 3\n'), /\/proc\/diskstats line 1: expected at least 14 fields, got 6/);
  assert.throws(() => parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 10 x\n'), /line 1: field 14 is not a number: "x"/);
});

test('parseNetDev: 16 counters per interface in NETDEV_FIELDS order', () => {
  const devices = parseNetDev(fixture('proc/net/dev'));
  assert.deepEqual(devices.map((d) => d.device), ['lo', 'ifb0', 'ifb1', 'eth0']);
  const eth0 = devices[3];
  assert.equal(eth0?.values.length, NETDEV_FIELDS.length);
  assert.equal(eth0?.values[NETDEV_FIELDS.indexOf('receive_bytes')], 275035441);
  assert.equal(eth0?.values[NETDEV_FIELDS.indexOf('receive_packets')], 9493);
  assert.equal(eth0?.values[NETDEV_FIELDS.indexOf('transmit_bytes')], 673279);
  assert.equal(eth0?.values[NETDEV_FIELDS.indexOf('transmit_packets')], 5824);
  assert.throws(() => parseNetDev('h1\nh2\n  eth0: 1 2 3\n'), /\/proc\/net\/dev line 3: expected 16 numbers/);
});

test('parseMountinfo: source, mount point (octal escapes decoded), type, device number, per-mount and superblock options', () => {
  const mounts = parseMountinfo(fixture('proc/1/mountinfo'), 'proc/1/mountinfo');
  assert.deepEqual(mounts.find((m) => m.mountPoint === '/'), {
    source: '/dev/vda', mountPoint: '/', fsType: 'ext4', majorMinor: '254:0', options: ['rw', 'relatime'],
    superOptions: ['rw', 'discard', 'resv_strict', 'resuid=65534', 'resgid=65534'],
  });
  assert.deepEqual(mounts.find((m) => m.fsType === 'tmpfs' && m.mountPoint.startsWith('/srv')), {
    source: 'tmpfs', mountPoint: '/srv/game data', fsType: 'tmpfs', majorMinor: '0:38', options: ['rw', 'nosuid'], superOptions: ['rw', 'size=1024k'],
  });
  assert.equal(mounts.length, 25);
  // Optional fields (shared:N) sit before the "-" separator.
  assert.deepEqual(parseMountinfo('36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n'), [
    { source: '/dev/root', mountPoint: '/mnt2', fsType: 'ext3', majorMinor: '98:0', options: ['rw', 'noatime'], superOptions: ['rw', 'errors=continue'] },
  ]);
  assert.throws(() => parseMountinfo('1 2 3\n', 'proc/self/mountinfo'), /proc\/self\/mountinfo line 1: expected/);
});

test('parsePressure: some and full lines, total in seconds', () => {
  assert.deepEqual(parsePressure(fixture('proc/pressure/io')), {
    some: { avg10: 0, avg60: 0, avg300: 0.05, totalSeconds: 4.33996 },
    full: { avg10: 0, avg60: 0, avg300: 0.03, totalSeconds: 3.492547 },
  });
  assert.throws(() => parsePressure('half avg10=1\n', 'pressure/cpu'), /pressure\/cpu line 1: expected "some" or "full"/);
  assert.throws(() => parsePressure('some avg10=1 total=3\n', 'pressure/cpu'), /line 1: expected avg10, avg60, avg300 and total/);
});

test('parseVmstat', () => {
  const fields = parseVmstat(fixture('proc/vmstat'));
  assert.deepEqual(fields.find((f) => f.name === 'pgmajfault'), { name: 'pgmajfault', value: 940 });
  assert.equal(fields[0]?.name, 'nr_free_pages');
  assert.throws(() => parseVmstat('pgfault\n'), /\/proc\/vmstat line 1: expected "name value"/);
});

test('parseOsRelease: quoting and escapes as os-release(5) describes', () => {
  const fields = parseOsRelease(fixture('rootfs/etc/os-release'));
  assert.equal(fields.get('PRETTY_NAME'), 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(fields.get('VERSION_CODENAME'), 'bookworm');
  assert.deepEqual(
    [...parseOsRelease('# comment\nA="say \\"hi\\" \\$HOME"\nB=\'single $x\'\nC=plain\\ word\n')],
    [['A', 'say "hi" $HOME'], ['B', 'single $x'], ['C', 'plain word']],
  );
  assert.throws(() => parseOsRelease('A="open\n', '/etc/os-release'), /\/etc\/os-release line 1: unterminated " quote/);
  assert.throws(() => parseOsRelease('JUST TEXT\n', '/etc/os-release'), /\/etc\/os-release line 1: expected KEY=value/);
});

test('parseUdevProperties: the E: lines of a udev database entry', () => {
  const properties = parseUdevProperties(fixture('udev/b8:0'));
  assert.equal(properties.get('ID_MODEL'), 'QEMU_HARDDISK');
  assert.equal(properties.get('ID_PATH'), 'pci-0000:00:01.1-ata-1');
  assert.equal(properties.get('ID_REVISION'), '2.5+');
  assert.equal(properties.get('ID_ATA_ROTATION_RATE_RPM'), '7200');
  assert.equal(properties.has('systemd'), false, 'G: (tag) lines are not properties');
  assert.deepEqual([...parseUdevProperties('S:disk/x\nE:A=1=2\nE:B=\n')], [['A', '1=2'], ['B', '']]);
});
