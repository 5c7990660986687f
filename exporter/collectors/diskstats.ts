/** `node_disk_*{device}` from /proc/diskstats, and `node_disk_info` with udev's properties and sysfs' rotational flag (node_exporter diskstats_linux.go). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { stringFlag } from '../../common/flags.js';
import { compileRegex } from '../../common/regex.js';
import { DeviceFilter, deviceFilterFlags } from '../filters.js';
import { procFilePath, sysFilePath } from '../paths.js';
import { parseDiskstats, type DiskStats } from '../procfs/diskstats.js';
import { readOptionalProcFile, readProcFile } from '../procfs/read.js';
import { parseUdevProperties } from '../formats/udev.js';
import { collectorFlag, defineCollector, type HostPaths, type MetricSink } from '../types.js';

export const DEFAULT_DISKSTATS_DEVICE_EXCLUDE = compileRegex('^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$');

const D = ['device'];
const readsCompleted = describeMetric('node_disk_reads_completed_total', 'The total number of reads completed successfully.', 'counter', D);
const readsMerged = describeMetric('node_disk_reads_merged_total', 'The total number of reads merged.', 'counter', D);
const readBytes = describeMetric('node_disk_read_bytes_total', 'The total number of bytes read successfully.', 'counter', D);
const readTime = describeMetric('node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.', 'counter', D);
const writesCompleted = describeMetric('node_disk_writes_completed_total', 'The total number of writes completed successfully.', 'counter', D);
const writesMerged = describeMetric('node_disk_writes_merged_total', 'The number of writes merged.', 'counter', D);
const writtenBytes = describeMetric('node_disk_written_bytes_total', 'The total number of bytes written successfully.', 'counter', D);
const writeTime = describeMetric('node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.', 'counter', D);
const ioNow = describeMetric('node_disk_io_now', 'The number of I/Os currently in progress.', 'gauge', D);
const ioTime = describeMetric('node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', 'counter', D);
const ioTimeWeighted = describeMetric('node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.', 'counter', D);
const discardsCompleted = describeMetric('node_disk_discards_completed_total', 'The total number of discards completed successfully.', 'counter', D);
const discardsMerged = describeMetric('node_disk_discards_merged_total', 'The total number of discards merged.', 'counter', D);
const discardedSectors = describeMetric('node_disk_discarded_sectors_total', 'The total number of sectors discarded successfully.', 'counter', D);
const discardTime = describeMetric('node_disk_discard_time_seconds_total', 'This is the total number of seconds spent by all discards.', 'counter', D);
const flushRequests = describeMetric('node_disk_flush_requests_total', 'The total number of flush requests completed successfully', 'counter', D);
const flushTime = describeMetric('node_disk_flush_requests_time_seconds_total', 'This is the total number of seconds spent by all flush requests.', 'counter', D);
const info = describeMetric('node_disk_info', 'Info of /sys/block/<block_device>.', 'gauge', [
  'device',
  'major',
  'minor',
  'model',
  'path',
  'revision',
  'rotational',
  'serial',
  'wwn',
]);

const ataDescs: readonly [string, ReturnType<typeof describeMetric>][] = [
  ['ID_ATA_WRITE_CACHE', describeMetric('node_disk_ata_write_cache', 'ATA disk has a write cache.', 'gauge', D)],
  ['ID_ATA_WRITE_CACHE_ENABLED', describeMetric('node_disk_ata_write_cache_enabled', 'ATA disk has its write cache enabled.', 'gauge', D)],
  ['ID_ATA_ROTATION_RATE_RPM', describeMetric('node_disk_ata_rotation_rate_rpm', 'ATA disk rotation rate in RPMs (0 for SSDs).', 'gauge', D)],
];
const deviceMapperInfo = describeMetric('node_disk_device_mapper_info', 'Info about disk device mapper.', 'gauge', [
  'device',
  'lv_layer',
  'lv_name',
  'name',
  'uuid',
  'vg_name',
]);
const filesystemInfo = describeMetric('node_disk_filesystem_info', 'Info about disk filesystem.', 'gauge', ['device', 'type', 'usage', 'uuid', 'version']);

/** The serial printed on the disk's label where udev has it, else the short or full ID serial (virtio). */
function serial(udev: Map<string, string>): string {
  for (const property of ['SCSI_IDENT_SERIAL', 'ID_SERIAL_SHORT', 'ID_SERIAL']) {
    const value = udev.get(property);
    if (value !== undefined && value !== '') return value;
  }
  return '';
}

/** `1` for a spinning disk, `0` for any other or when the kernel has no queue attributes for the device. */
function rotational(paths: HostPaths, device: string): string {
  return readOptionalProcFile(sysFilePath(paths, 'block', device, 'queue', 'rotational'))?.trim() === '1' ? '1' : '0';
}

function addDisk(sink: MetricSink, disk: DiskStats, udev: Map<string, string>, isRotational: string): void {
  const labels = [disk.device];
  sink.add(info, 1, [
    disk.device,
    disk.major,
    disk.minor,
    udev.get('ID_MODEL') ?? '',
    udev.get('ID_PATH') ?? '',
    udev.get('ID_REVISION') ?? '',
    isRotational,
    serial(udev),
    udev.get('ID_WWN') ?? '',
  ]);
  if (udev.get('ID_ATA') === '1') {
    for (const [property, desc] of ataDescs) {
      const value = Number(udev.get(property) ?? NaN);
      if (!Number.isNaN(value)) sink.add(desc, value, labels);
    }
  }
  const fsType = udev.get('ID_FS_TYPE');
  if (fsType !== undefined && fsType !== '') {
    sink.add(filesystemInfo, 1, [disk.device, fsType, udev.get('ID_FS_USAGE') ?? '', udev.get('ID_FS_UUID') ?? '', udev.get('ID_FS_VERSION') ?? '']);
  }
  const dmName = udev.get('DM_NAME');
  if (dmName !== undefined) {
    const dm = (key: string): string => udev.get(key) ?? '';
    sink.add(deviceMapperInfo, 1, [disk.device, dm('DM_LV_LAYER'), dm('DM_LV_NAME'), dmName, dm('DM_UUID'), dm('DM_VG_NAME')]);
  }
  sink.add(readsCompleted, disk.readsCompleted, labels);
  sink.add(readsMerged, disk.readsMerged, labels);
  sink.add(readBytes, disk.readBytes, labels);
  sink.add(readTime, disk.readTimeSeconds, labels);
  sink.add(writesCompleted, disk.writesCompleted, labels);
  sink.add(writesMerged, disk.writesMerged, labels);
  sink.add(writtenBytes, disk.writtenBytes, labels);
  sink.add(writeTime, disk.writeTimeSeconds, labels);
  sink.add(ioNow, disk.ioNow, labels);
  sink.add(ioTime, disk.ioTimeSeconds, labels);
  sink.add(ioTimeWeighted, disk.ioTimeWeightedSeconds, labels);
  if (disk.discard !== undefined) {
    sink.add(discardsCompleted, disk.discard.completed, labels);
    sink.add(discardsMerged, disk.discard.merged, labels);
    sink.add(discardedSectors, disk.discard.sectors, labels);
    sink.add(discardTime, disk.discard.timeSeconds, labels);
  }
  if (disk.flush !== undefined) {
    sink.add(flushRequests, disk.flush.requests, labels);
    sink.add(flushTime, disk.flush.timeSeconds, labels);
  }
}

const NO_PROPERTIES: Map<string, string> = new Map();

export const diskstatsCollector = defineCollector({
  name: 'diskstats',
  defaultEnabled: true,
  description: 'Per-device I/O counters from /proc/diskstats, with udev device info.',
  flags: {
    ...deviceFilterFlags('diskstats', 'diskstats devices', DEFAULT_DISKSTATS_DEVICE_EXCLUDE),
    // node_exporter names this one as a path, though only diskstats reads it.
    udevDataPath: collectorFlag('path.udev.data', stringFlag('udev data path.', '/run/udev/data', '<path>')),
  },
  create: ({ paths, options, logger }) => {
    const diskstatsPath = procFilePath(paths, 'diskstats');
    const { udevDataPath, deviceInclude, deviceExclude } = options;
    const filter = new DeviceFilter('diskstats', deviceInclude, deviceExclude, DEFAULT_DISKSTATS_DEVICE_EXCLUDE);
    // As node_exporter: no udev database (containers, minimal hosts) means empty info labels, checked once.
    const udevAvailable = existsSync(udevDataPath);
    if (!udevAvailable) logger.warn({ path: udevDataPath }, 'udev database not found, disk info labels will be empty');
    return {
      async update(sink) {
        const disks = parseDiskstats(readProcFile(diskstatsPath)).filter((disk) => !filter.ignored(disk.device));
        // udev keeps its database on tmpfs (/run), so it is read like /proc.
        for (const disk of disks) {
          const text = udevAvailable ? readOptionalProcFile(join(udevDataPath, `b${disk.major}:${disk.minor}`)) : undefined;
          addDisk(sink, disk, text === undefined ? NO_PROPERTIES : parseUdevProperties(text), rotational(paths, disk.device));
        }
      },
    };
  },
});
