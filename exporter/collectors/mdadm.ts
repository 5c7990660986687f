/** `node_md_*{device}`: Linux software RAID arrays, from /proc/mdstat and /sys/block/md*\/md. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { procFilePath, sysFilePath } from '../paths.js';
import { singleNumber } from '../procfs/fields.js';
import { parseMdstat, type MdArray } from '../procfs/mdstat.js';
import { readOptionalProcFile, readProcFile } from '../procfs/read.js';
import { defineCollector, NoDataError, type MetricSink } from '../types.js';

const DEVICE = ['device'];
const state = describeMetric('node_md_state', 'Indicates the state of md-device.', 'gauge', ['device', 'state']);
const disks = describeMetric('node_md_disks', 'Number of active/failed/spare disks of device.', 'gauge', ['device', 'state']);
const disksRequired = describeMetric('node_md_disks_required', 'Total number of disks of device.', 'gauge', DEVICE);
const blocks = describeMetric('node_md_blocks', 'Total number of blocks on device.', 'gauge', DEVICE);
const blocksSynced = describeMetric('node_md_blocks_synced', 'Number of blocks synced on device.', 'gauge', DEVICE);
const raidDisks = describeMetric('node_md_raid_disks', 'Number of raid disks on device.', 'gauge', DEVICE);
const degraded = describeMetric('node_md_degraded', 'Number of degraded disks on device.', 'gauge', DEVICE);

/** node_exporter's `state` label value for each state the parser reports. */
const STATE_LABELS: readonly [string, string][] = [
  ['active', 'active'],
  ['inactive', 'inactive'],
  ['recovering', 'recovering'],
  ['resyncing', 'resync'],
  ['checking', 'check'],
];
/** Levels whose sysfs directory has a `degraded` attribute. */
const REDUNDANT_LEVELS = new Set(['raid1', 'raid4', 'raid5', 'raid6', 'raid10']);

function addArray(sink: MetricSink, array: MdArray): void {
  const device = [array.name];
  sink.add(disksRequired, array.disksTotal, device);
  sink.add(disks, array.disksActive, [array.name, 'active']);
  sink.add(disks, array.disksFailed, [array.name, 'failed']);
  sink.add(disks, array.disksSpare, [array.name, 'spare']);
  for (const [parsed, label] of STATE_LABELS) sink.add(state, array.state === parsed ? 1 : 0, [array.name, label]);
  sink.add(blocks, array.blocks, device);
  sink.add(blocksSynced, array.blocksSynced, device);
}

function addSysfsArrays(sink: MetricSink, blockRoot: string): void {
  let names: string[];
  try {
    names = readdirSync(blockRoot).filter((name) => name.startsWith('md')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    const mdDir = join(blockRoot, name, 'md');
    if (!existsSync(mdDir)) continue;
    const attribute = (file: string): string => readProcFile(join(mdDir, file));
    sink.add(raidDisks, singleNumber(attribute('raid_disks'), join(mdDir, 'raid_disks')), [name]);
    const level = attribute('level').trim();
    const degradedDisks = REDUNDANT_LEVELS.has(level) ? singleNumber(attribute('degraded'), join(mdDir, 'degraded')) : 0;
    sink.add(degraded, degradedDisks, [name]);
  }
}

export const mdadmCollector = defineCollector({
  name: 'mdadm',
  defaultEnabled: true,
  description: 'Software RAID (md) array state, disks and sync progress, from /proc/mdstat and /sys/block/md*/md.',
  create: ({ paths }) => {
    const mdstatPath = procFilePath(paths, 'mdstat');
    const blockRoot = sysFilePath(paths, 'block');
    return {
      async update(sink) {
        // No md driver loaded.
        const text = readOptionalProcFile(mdstatPath);
        if (text === undefined) throw new NoDataError(`${mdstatPath} not found`);
        for (const array of parseMdstat(text, mdstatPath)) addArray(sink, array);
        addSysfsArrays(sink, blockRoot);
      },
    };
  },
});
