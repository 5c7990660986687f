/**
 * `node_btrfs_*{uuid,…}` from /sys/fs/btrfs (node_exporter btrfs_linux.go). node_exporter also asks each
 * mounted filesystem for per-device usage and error counters by ioctl; Node has no ioctl without a
 * native addon, so device sizes come from sysfs with the labels node_exporter uses when its ioctls fail.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { failOnReadErrors, listDevices, listDirectory, readAttributeSets, type AttributeRequest, type AttributeSet } from '../sysfs/attributes.js';
import { layoutRatio, parseCommitStats, unsignedOrZero } from '../sysfs/btrfs.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { defineCollector, type CollectorContext, type MetricSink } from '../types.js';

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

/** Adds one filesystem's samples; `attributes` are its requests' answers, in order. */
function addFilesystem(sink: MetricSink, fs: Filesystem, attributes: AttributeSet[]): void {
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
  for (const device of fs.devices) sink.add(deviceSize, SECTOR_BYTES * unsignedOrZero(next().get('size')), [uuid, device]);
}

export const btrfsCollector = defineCollector({
  name: 'btrfs',
  defaultEnabled: true,
  description: 'Btrfs filesystems: allocation per block group type and layout, commits, device sizes, from /sys/fs/btrfs.',
  create: ({ paths, options }: CollectorContext<SysfsReaderOption>) => {
    const btrfsDir = sysFilePath(paths, 'fs', 'btrfs');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      // No btrfs module (no directory) is a success with no samples, as in node_exporter.
      async update(sink, signal) {
        const filesystems = listFilesystems(btrfsDir);
        const attributes = await readAttributeSets(reader, filesystems.flatMap(requestsFor), signal);
        failOnReadErrors(attributes);
        for (const fs of filesystems) addFilesystem(sink, fs, attributes);
      },
    };
  },
});
