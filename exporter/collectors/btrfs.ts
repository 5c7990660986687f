/**
 * `node_btrfs_*{uuid,…}` from /sys/fs/btrfs, and per-device sizes, unused bytes and error counters from
 * ioctls on each mounted filesystem (node_exporter btrfs_linux.go). Where the ioctls fail (no koffi build,
 * no permission, not mounted), device sizes come from sysfs with the labels node_exporter then uses.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { failOnReadErrors, listDevices, listDirectory, readAttributeSets, type AttributeRequest, type AttributeSet } from '../sysfs/attributes.js';
import { layoutRatio, parseCommitStats, unsignedOrZero } from '../sysfs/btrfs.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { readBtrfsDevices, type BtrfsDevice } from '../syscall/btrfs-ioctl.js';
import type { Logger } from '../../common/logging.js';
import { rootfsFilePath, rootfsStripPrefix, sysFilePath } from '../paths.js';
import { readHostMountinfo, type MountInfo } from '../procfs/mountinfo.js';
import { defineCollector, type CollectorContext, type HostPaths, type MetricSink } from '../types.js';

const FS = ['uuid'];
const GROUP = ['uuid', 'block_group_type'];
const LAYOUT = ['uuid', 'block_group_type', 'mode'];
const infoDesc = describeMetric('node_btrfs_info', 'Filesystem information', 'gauge', ['uuid', 'label']);
const globalReserve = describeMetric('node_btrfs_global_rsv_size_bytes', 'Size of global reserve.', 'gauge', FS);
const commits = describeMetric('node_btrfs_commits_total', 'The total number of commits that have occurred.', 'counter', FS);
const lastCommit = describeMetric('node_btrfs_last_commit_seconds', 'Duration of the most recent commit, in seconds.', 'gauge', FS);
const maxCommit = describeMetric('node_btrfs_max_commit_seconds', 'Duration of the slowest commit, in seconds.', 'gauge', FS);
const commitTime = describeMetric('node_btrfs_commit_seconds_total', 'Sum of the duration of all commits, in seconds.', 'counter', FS);
const reserved = describeMetric('node_btrfs_reserved_bytes', 'Amount of space reserved for a data type', 'gauge', GROUP);
const used = describeMetric('node_btrfs_used_bytes', 'Amount of used space by a layout/data type', 'gauge', LAYOUT);
const size = describeMetric('node_btrfs_size_bytes', 'Amount of space allocated for a layout/data type', 'gauge', LAYOUT);
const ratio = describeMetric('node_btrfs_allocation_ratio', 'Data allocation ratio for a layout/data type', 'gauge', LAYOUT);
const deviceSize = describeMetric('node_btrfs_device_size_bytes', 'Size of a device that is part of the filesystem.', 'gauge', ['uuid', 'device']);
const DEVICE = ['uuid', 'device', 'btrfs_dev_uuid'];
const ioctlDeviceSize = describeMetric(deviceSize.name, deviceSize.help, 'gauge', DEVICE);
const deviceUnused = describeMetric('node_btrfs_device_unused_bytes', 'Unused bytes unused on a device that is part of the filesystem.', 'gauge', DEVICE);
const deviceErrors = describeMetric('node_btrfs_device_errors_total', 'Errors reported for the device', 'counter', ['uuid', 'type', 'device', 'btrfs_dev_uuid']);
const ERROR_TYPES = ['write', 'read', 'flush', 'corruption', 'generation'] as const;

const BLOCK_GROUP_TYPES = ['data', 'metadata', 'system'] as const;
const SECTOR_BYTES = 512;

interface Filesystem {
  name: string;
  dir: string;
  devices: string[];
  /** Layout (profile) directories of each block group type. */
  layouts: string[][];
}

/** procfs fails the scrape when a filesystem lacks one of these directories. */
function existing(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  return path;
}

function listFilesystems(btrfsDir: string): Filesystem[] {
  return listDevices(btrfsDir)
    .filter((name) => name.includes('-'))
    .map((name) => {
      const dir = join(btrfsDir, name);
      const devices = listDirectory(existing(join(dir, 'devices')))
        .map((entry) => entry.name)
        .sort();
      const layouts = BLOCK_GROUP_TYPES.map((type) => listDevices(existing(join(dir, 'allocation', type))));
      return { name, dir, devices, layouts };
    });
}

function requestsFor(fs: Filesystem): AttributeRequest[] {
  return [
    { dir: fs.dir, names: ['label', 'metadata_uuid', 'commit_stats'] },
    { dir: join(fs.dir, 'allocation'), names: ['global_rsv_size'] },
    ...BLOCK_GROUP_TYPES.flatMap((type, i) => [
      { dir: join(fs.dir, 'allocation', type), names: ['bytes_reserved'] },
      ...(fs.layouts[i] as string[]).map((layout) => ({ dir: join(fs.dir, 'allocation', type, layout), names: ['total_bytes', 'used_bytes'] })),
    ]),
    ...fs.devices.map((device) => ({ dir: join(fs.dir, 'devices', device), names: ['size'] })),
  ];
}

export type ReadBtrfsDevices = (mountPoint: string) => Promise<{ info: { fsid: string }; devices: BtrfsDevice[] }>;

/**
 * Devices of each mounted btrfs filesystem by fsid, from the first of its mount points that answers; a mount
 * point that fails is logged at debug level and skipped, as node_exporter does.
 */
async function ioctlDevices(paths: HostPaths, read: ReadBtrfsDevices, logger: Logger): Promise<Map<string, BtrfsDevice[]>> {
  const byFsid = new Map<string, BtrfsDevice[]>();
  const sourcesDone = new Set<string>();
  let mounts: MountInfo[] = [];
  try {
    mounts = readHostMountinfo(paths);
  } catch (error) {
    logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'Error listing btrfs mount points');
  }
  for (const mount of mounts) {
    if (mount.fsType !== 'btrfs' || sourcesDone.has(mount.source)) continue;
    const mountPoint = rootfsFilePath(paths, rootfsStripPrefix(paths, mount.mountPoint));
    try {
      const { info, devices } = await read(mountPoint);
      sourcesDone.add(mount.source);
      if (!byFsid.has(info.fsid)) byFsid.set(info.fsid, devices);
    } catch (error) {
      logger.debug({ mountPoint, err: error instanceof Error ? error.message : String(error) }, 'Error querying btrfs device stats with ioctl');
    }
  }
  return byFsid;
}

function addIoctlDevices(sink: MetricSink, uuid: string, devices: readonly BtrfsDevice[]): void {
  for (const device of devices) {
    const labels = [uuid, device.device, device.uuid];
    sink.add(ioctlDeviceSize, device.totalBytes, labels);
    sink.add(deviceUnused, device.totalBytes - device.bytesUsed, labels);
    ERROR_TYPES.forEach((type, i) => sink.add(deviceErrors, device.errors[i] ?? 0, [uuid, type, device.device, device.uuid]));
  }
}

/** Adds one filesystem's samples; `attributes` are its requests' answers, in order; `devices` what its ioctls said. */
function addFilesystem(sink: MetricSink, fs: Filesystem, attributes: AttributeSet[], devices: Map<string, BtrfsDevice[]>): void {
  const next = (): AttributeSet => attributes.shift() as AttributeSet;
  const [root, allocation] = [next(), next()];
  const uuid = root.get('metadata_uuid') || fs.name;
  sink.add(infoDesc, 1, [uuid, root.get('label') ?? '']);
  sink.add(globalReserve, unsignedOrZero(allocation.get('global_rsv_size')), [uuid]);
  // Kernels before 6.0 have no commit_stats: zeros, as in node_exporter.
  const stats = parseCommitStats(root.get('commit_stats') ?? '', join(fs.dir, 'commit_stats'));
  sink.add(commits, stats.commits, [uuid]);
  sink.add(lastCommit, stats.lastCommitMs / 1000, [uuid]);
  sink.add(maxCommit, stats.maxCommitMs / 1000, [uuid]);
  sink.add(commitTime, stats.totalCommitMs / 1000, [uuid]);
  BLOCK_GROUP_TYPES.forEach((type, i) => {
    sink.add(reserved, unsignedOrZero(next().get('bytes_reserved')), [uuid, type]);
    for (const layout of fs.layouts[i] as string[]) {
      const usage = next();
      const labels = [uuid, type, layout];
      sink.add(used, unsignedOrZero(usage.get('used_bytes')), labels);
      sink.add(size, unsignedOrZero(usage.get('total_bytes')), labels);
      sink.add(ratio, layoutRatio(layout, fs.devices.length), labels);
    }
  });
  const sizes = fs.devices.map(() => unsignedOrZero(next().get('size')));
  // Matched on the labelled uuid (metadata_uuid when set), as node_exporter matches them.
  const queried = devices.get(uuid);
  if (queried !== undefined) addIoctlDevices(sink, uuid, queried);
  else fs.devices.forEach((device, i) => sink.add(deviceSize, SECTOR_BYTES * (sizes[i] as number), [uuid, device]));
}

export const btrfsCollector = defineCollector({
  name: 'btrfs',
  defaultEnabled: true,
  description: 'Btrfs filesystems: allocation per block group type and layout, commits, device sizes, from /sys/fs/btrfs.',
  create: ({ paths, options, logger }: CollectorContext<SysfsReaderOption & { readBtrfsDevices?: ReadBtrfsDevices }>) => {
    const btrfsDir = sysFilePath(paths, 'fs', 'btrfs');
    const reader = options.reader ?? sharedSysfsReader();
    const readDevices = options.readBtrfsDevices ?? readBtrfsDevices;
    return {
      // No btrfs module (no directory) is a success with no samples, as in node_exporter.
      async update(sink, signal) {
        const filesystems = listFilesystems(btrfsDir);
        const attributes = await readAttributeSets(reader, filesystems.flatMap(requestsFor), signal);
        failOnReadErrors(attributes);
        const devices = filesystems.length === 0 ? new Map<string, BtrfsDevice[]>() : await ioctlDevices(paths, readDevices, logger);
        for (const fs of filesystems) addFilesystem(sink, fs, attributes, devices);
      },
    };
  },
});
