/**
 * The btrfs collector on a real btrfs (a loop device, made and mounted here) against Debian's node_exporter 1.5:
 * the ioctl families (device sizes with btrfs_dev_uuid, unused bytes, error counters) have the same names,
 * types, labels and values. Needs root (mount) and btrfs-progs (mkfs.btrfs).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { labelNames, parseExposition, type Family } from '../helpers/exposition.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, startProcess, waitForHttp } from '../helpers/process.js';
import { startExporter } from './exporter-process.js';

const LABEL = 'platypus-compat';
const SIZE = 256 * 2 ** 20;

/**
 * A fresh btrfs on a loop device, unmounted (which frees the loop device) and deleted after the test: call it
 * after starting the exporters, so that this cleanup runs after theirs (t.after hooks run in order).
 */
function mountBtrfs(t: TestContext): string {
  const mkfs = requireBinary('mkfs.btrfs', 'btrfs-progs');
  const dir = mkdtempSync(join(tmpdir(), 'platypus-btrfs-'));
  const image = join(dir, 'btrfs.img');
  const mountPoint = join(dir, 'mnt');
  const fd = openSync(image, 'w');
  ftruncateSync(fd, SIZE);
  closeSync(fd);
  mkdirSync(mountPoint);
  execFileSync(mkfs, ['-q', '-L', LABEL, image]);
  execFileSync('mount', ['-o', 'loop', image, mountPoint]);
  t.after(() => {
    execFileSync('umount', [mountPoint]);
    rmSync(dir, { recursive: true, force: true });
  });
  return mountPoint;
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

async function scrape(url: string): Promise<Map<string, Family>> {
  return parseExposition(await (await fetch(url)).text());
}

/** The samples of one filesystem, as comparable strings. */
function samplesOf(family: Family | undefined, uuid: string): string[] {
  return (family?.samples ?? []).filter((sample) => sample.labels.uuid === uuid).map((sample) => `${JSON.stringify(Object.entries(sample.labels).sort())} ${sample.value}`).sort();
}

test('btrfs ioctl families on a loop-mounted btrfs equal node_exporter 1.5', { skip: process.getuid?.() !== 0 && 'not root: cannot mount a loop device' }, async (t) => {
  const binary = requireBinary('prometheus-node-exporter', 'prometheus-node-exporter');
  const flags = ['--collector.disable-defaults', '--collector.btrfs'];
  const port = await freePort();
  const theirs = startProcess(t, binary, [`--web.listen-address=127.0.0.1:${port}`, ...flags]);
  const ours = await startExporter(t, flags);
  await waitForHttp(theirs, `http://127.0.0.1:${port}/metrics`);
  // Both read the mount table on each scrape.
  const mountPoint = mountBtrfs(t);
  const [them, us] = await Promise.all([scrape(`http://127.0.0.1:${port}/metrics`), scrape(`${ours.base}/metrics`)]);

  const uuid = them.get('node_btrfs_info')?.samples.find((sample) => sample.labels.label === LABEL)?.labels.uuid;
  assert.ok(uuid !== undefined, 'node_exporter sees the new filesystem');
  for (const name of ['node_btrfs_device_size_bytes', 'node_btrfs_device_unused_bytes', 'node_btrfs_device_errors_total']) {
    const [mine, theirFamily] = [us.get(name), them.get(name)];
    assert.ok(mine !== undefined && theirFamily !== undefined, `${name} on both sides`);
    assert.equal(mine.type, theirFamily.type, name);
    assert.equal(mine.help, theirFamily.help, name);
    assert.deepEqual(labelNames(mine).sort(), labelNames(theirFamily).sort(), name);
    assert.deepEqual(samplesOf(mine, uuid), samplesOf(theirFamily, uuid), name);
  }
  const size = us.get('node_btrfs_device_size_bytes')?.samples.find((sample) => sample.labels.uuid === uuid);
  assert.equal(size?.value, SIZE);
  assert.match(size?.labels.btrfs_dev_uuid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(us.get('node_btrfs_device_errors_total')?.samples.filter((sample) => sample.labels.uuid === uuid).length, 5);
  // Our exporter closed the mount point it opened for the ioctls.
  const fdDir = `/proc/${ours.running.child.pid}/fd`;
  assert.deepEqual(readdirSync(fdDir).filter((fd) => readlinkSafe(join(fdDir, fd)).startsWith(mountPoint)), []);
});
