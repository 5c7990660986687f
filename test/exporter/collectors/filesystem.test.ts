import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileRegex } from '../../../common/regex.js';
import { filesystemCollector } from '../../../exporter/collectors/filesystem.js';
import type { StatfsFunction } from '../../../exporter/types.js';
import { parseExposition, sampleValue } from '../../helpers/exposition.js';
import { createCollector, expected, fixtureOptions, fixturePaths, scrape } from './fixture.js';

const osErrno = constants.errno;

type StatfsResult = Awaited<ReturnType<StatfsFunction>>;

function withStatfs(statfs: StatfsFunction, timeoutSeconds = 5, workers = 2) {
  const options = fixtureOptions();
  options.filesystem.statfs = statfs;
  options.filesystem.mountTimeoutSeconds = timeoutSeconds;
  options.filesystem.statWorkerCount = workers;
  return options;
}

const ROOT_STATS: StatfsResult = { bsize: 4096, blocks: 1000, bfree: 600, bavail: 500, files: 100, ffree: 40 };
const TMPFS_STATS: StatfsResult = { bsize: 1024, blocks: 1024, bfree: 1023, bavail: 1023, files: 50, ffree: 49 };

test('filesystem: mountinfo filtered by the default excludes, deduplicated, unescaped, statfs under rootfs; statfs errors in device_error', async () => {
  const called: string[] = [];
  const statfsFake: StatfsFunction = async (path) => {
    called.push(path);
    if (path === fixturePaths.rootfs) return ROOT_STATS;
    if (path === join(fixturePaths.rootfs, 'srv', 'game data')) return TMPFS_STATS;
    if (path === join(fixturePaths.rootfs, 'srv', 'backup')) {
      throw Object.assign(new Error(`EIO: i/o error, statfs '${path}'`), { code: 'EIO', errno: -osErrno.EIO });
    }
    throw Object.assign(new Error(`EACCES: permission denied, statfs '${path}'`), { code: 'EACCES', errno: -osErrno.EACCES });
  };
  const text = await scrape(createCollector(filesystemCollector, { options: withStatfs(statfsFake) }));
  assert.equal(text, expected('filesystem.prom'));
  assert.deepEqual(called.sort(), [
    fixturePaths.rootfs, join(fixturePaths.rootfs, 'home'), join(fixturePaths.rootfs, 'srv', 'backup'), join(fixturePaths.rootfs, 'srv', 'game data'),
  ]);
});

test('filesystem: include flags replace the default excludes; include and exclude together are an error', async () => {
  const statfsOk: StatfsFunction = async () => ROOT_STATS;
  const options = withStatfs(statfsOk);
  options.filesystem.mountPointsInclude = compileRegex('^/(run|srv/.*)$');
  options.filesystem.fsTypesInclude = compileRegex('^tmpfs$');
  const text = await scrape(createCollector(filesystemCollector, { options }));
  assert.deepEqual(parseExposition(text).get('node_filesystem_mount_info')?.samples.map((s) => s.labels.mountpoint), ['/srv/game data', '/run']);

  const both = withStatfs(statfsOk);
  both.filesystem.fsTypesInclude = compileRegex('^ext4$');
  both.filesystem.fsTypesExclude = compileRegex('^tmpfs$');
  assert.throws(
    () => createCollector(filesystemCollector, { options: both }),
    /^Error: filesystem: --collector.filesystem.fs-types-include and --collector.filesystem.fs-types-exclude are mutually exclusive/,
  );
  const mountPoints = withStatfs(statfsOk);
  mountPoints.filesystem.mountPointsInclude = compileRegex('^/$');
  mountPoints.filesystem.mountPointsExclude = compileRegex('^/home$');
  assert.throws(() => createCollector(filesystemCollector, { options: mountPoints }), /mount-points-include and --collector.filesystem.mount-points-exclude are mutually/);
});

test('filesystem: a hung statfs times out once, is never re-issued while pending, and is used again once it returns', async () => {
  const calls = new Map<string, number>();
  const homePath = join(fixturePaths.rootfs, 'home');
  const HOME_STATS: StatfsResult = { bsize: 512, blocks: 10, bfree: 5, bavail: 4, files: 3, ffree: 2 };
  let hang = true;
  let releaseHome: ((stats: StatfsResult) => void) | undefined;
  const statfsFake: StatfsFunction = (path) => {
    calls.set(path, (calls.get(path) ?? 0) + 1);
    if (path === homePath) return hang ? new Promise((resolve) => (releaseHome = resolve)) : Promise.resolve(HOME_STATS);
    return Promise.resolve(path === fixturePaths.rootfs ? ROOT_STATS : TMPFS_STATS);
  };
  const collector = createCollector(filesystemCollector, { options: withStatfs(statfsFake, 0.05) });
  const home = { device: '/dev/vdb1', fstype: 'ext4', mountpoint: '/home' };

  const first = await scrape(collector);
  assert.equal(sampleValue(first, 'node_filesystem_device_error', { ...home, device_error: 'mountpoint timeout' }), 1);
  assert.equal(sampleValue(first, 'node_filesystem_size_bytes', home), undefined);
  assert.equal(sampleValue(first, 'node_filesystem_size_bytes', { device: '/dev/vda', fstype: 'ext4', mountpoint: '/' }), 4096000);
  assert.equal(calls.get(homePath), 1);

  const second = await scrape(collector);
  assert.equal(sampleValue(second, 'node_filesystem_device_error', { ...home, device_error: 'mountpoint timeout' }), 1);
  assert.equal(calls.get(homePath), 1, 'statfs must not be called again while the first call is pending');
  assert.equal(calls.get(fixturePaths.rootfs), 2);

  hang = false;
  releaseHome?.(HOME_STATS);
  await new Promise((resolve) => setImmediate(resolve));
  const third = await scrape(collector);
  assert.equal(calls.get(homePath), 2, 'statfs is called again once the hung call returned');
  assert.equal(sampleValue(third, 'node_filesystem_device_error', { ...home, device_error: '' }), 0);
  assert.equal(sampleValue(third, 'node_filesystem_size_bytes', home), 5120);
});

test('filesystem: at most statWorkerCount statfs calls run at once', async () => {
  let running = 0;
  let most = 0;
  const slow: StatfsFunction = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    return ROOT_STATS;
  };
  const procfs = await mkdtemp(join(tmpdir(), 'platypus-fs-workers-'));
  try {
    await mkdir(join(procfs, '1'));
    const lines = Array.from({ length: 8 }, (_, i) => `${50 + i} 1 0:${60 + i} / /data${i} rw - ext4 /dev/sd${'abcdefgh'[i]} rw`);
    await writeFile(join(procfs, '1', 'mountinfo'), lines.join('\n') + '\n');
    const text = await scrape(createCollector(filesystemCollector, { paths: { ...fixturePaths, procfs }, options: withStatfs(slow, 5, 2) }));
    assert.equal(parseExposition(text).get('node_filesystem_size_bytes')?.samples.length, 8);
    assert.equal(most, 2);
  } finally {
    await rm(procfs, { recursive: true, force: true });
  }
});

test('filesystem: real statfs, rootfs prefix stripped, /proc/self fallback, a vanished mount vanishes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platypus-fs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const rootfs = join(dir, 'host');
  const procfs = join(dir, 'proc');
  await mkdir(join(rootfs, 'data'), { recursive: true });
  await mkdir(join(procfs, 'self'), { recursive: true });
  // No proc/1/mountinfo here: the collector must fall back to proc/self/mountinfo, as seen from a container.
  const both = `30 1 254:0 / ${rootfs} rw - ext4 /dev/vda rw\n31 30 0:40 / ${rootfs}/data ro,nosuid - tmpfs tmpfs rw\n`;
  await writeFile(join(procfs, 'self', 'mountinfo'), both);
  const collector = createCollector(filesystemCollector, { paths: { ...fixturePaths, procfs, rootfs } });

  const first = await scrape(collector);
  const real = await statfs(join(rootfs, 'data'));
  const data = { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/data' };
  assert.equal(sampleValue(first, 'node_filesystem_size_bytes', data), real.blocks * real.bsize);
  assert.equal(sampleValue(first, 'node_filesystem_files', data), real.files);
  assert.equal(sampleValue(first, 'node_filesystem_readonly', data), 1);
  assert.equal(sampleValue(first, 'node_filesystem_device_error', { device: '/dev/vda', fstype: 'ext4', mountpoint: '/' }), 0);

  await writeFile(join(procfs, 'self', 'mountinfo'), both.split('\n')[0] + '\n');
  const second = await scrape(collector);
  assert.doesNotMatch(second, /mountpoint="\/data"/);
  assert.match(second, /mountpoint="\/"/);
});

test('filesystem: two mounts on one path (an over-mount) share one statfs call and both report', async (t) => {
  const procfs = await mkdtemp(join(tmpdir(), 'platypus-fs-overmount-'));
  t.after(() => rm(procfs, { recursive: true, force: true }));
  await mkdir(join(procfs, '1'));
  await writeFile(join(procfs, '1', 'mountinfo'), '50 1 0:60 / /data rw - tmpfs tmpfs rw\n51 50 8:1 / /data rw - ext4 /dev/sda1 rw\n');
  let calls = 0;
  const slow: StatfsFunction = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return ROOT_STATS;
  };
  const text = await scrape(createCollector(filesystemCollector, { paths: { ...fixturePaths, procfs }, options: withStatfs(slow, 5, 2) }));
  assert.equal(calls, 1);
  assert.equal(sampleValue(text, 'node_filesystem_device_error', { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/data' }), 0);
  assert.equal(sampleValue(text, 'node_filesystem_device_error', { device: '/dev/sda1', fstype: 'ext4', mountpoint: '/data' }), 0);
  assert.equal(sampleValue(text, 'node_filesystem_size_bytes', { device: '/dev/sda1', fstype: 'ext4', mountpoint: '/data' }), 4096000);
});

test('filesystem: an aborted scrape rejects at once, and the hung call still counts as pending afterwards', async () => {
  const calls: string[] = [];
  const rootHangs: StatfsFunction = (path) => {
    calls.push(path);
    return path === fixturePaths.rootfs ? new Promise(() => {}) : Promise.resolve(TMPFS_STATS);
  };
  const collector = createCollector(filesystemCollector, { options: withStatfs(rootHangs, 60, 1) });
  const controller = new AbortController();
  const scraping = scrape(collector, controller.signal);
  setTimeout(() => controller.abort(new Error('collector deadline')), 20);
  const started = Date.now();
  await assert.rejects(scraping, /collector deadline/);
  assert.ok(Date.now() - started < 5000, 'the 60 s mount timeout must not hold an aborted scrape');
  assert.deepEqual(calls, [fixturePaths.rootfs], 'one worker, aborted while its first call hung: no further calls');

  const next = await scrape(collector);
  assert.deepEqual(calls.slice(1).sort(), [join(fixturePaths.rootfs, 'home'), join(fixturePaths.rootfs, 'srv', 'backup'), join(fixturePaths.rootfs, 'srv', 'game data')]);
  assert.equal(sampleValue(next, 'node_filesystem_device_error', { device: '/dev/vda', fstype: 'ext4', mountpoint: '/' }), 1);
  assert.equal(sampleValue(next, 'node_filesystem_device_error', { device: '/dev/vdb1', fstype: 'ext4', mountpoint: '/home' }), 0);
});
