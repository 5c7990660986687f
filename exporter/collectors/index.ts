/** THE table of built-in collectors (node_exporter's registerCollector calls) and their option defaults. */
import {
  DEFAULT_DISKSTATS_DEVICE_EXCLUDE,
  DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE,
  DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE,
  DEFAULT_NETDEV_DEVICE_EXCLUDE,
  DEFAULT_VMSTAT_FIELDS,
} from '../filters.js';
import type { CollectorDefinition, CollectorOptions } from '../types.js';
import { cpuCollector } from './cpu.js';
import { diskstatsCollector } from './diskstats.js';
import { filesystemCollector } from './filesystem.js';
import { loadavgCollector } from './loadavg.js';
import { meminfoCollector } from './meminfo.js';
import { netdevCollector } from './netdev.js';
import { osCollector } from './os.js';
import { pressureCollector } from './pressure.js';
import { statCollector } from './stat.js';
import { sysinfoCollectors } from './sysinfo.js';
import { textfileCollector } from './textfile.js';
import { timeCollector } from './time.js';
import { unameCollector } from './uname.js';
import { vmstatCollector } from './vmstat.js';

/** Collectors reading /proc, /sys and statfs directly, in name order. */
export const linuxCollectors: readonly CollectorDefinition[] = Object.freeze([
  cpuCollector,
  diskstatsCollector,
  filesystemCollector,
  loadavgCollector,
  meminfoCollector,
  netdevCollector,
  osCollector,
  pressureCollector,
  statCollector,
  textfileCollector,
  timeCollector,
  unameCollector,
  vmstatCollector,
]);

/** Where there is no /proc: the systeminformation fallbacks, plus the portable textfile and time collectors. */
export const fallbackCollectors: readonly CollectorDefinition[] = Object.freeze(
  [...sysinfoCollectors, textfileCollector, timeCollector].sort((a, b) => (a.name < b.name ? -1 : 1)),
);

export const hostCollectors: readonly CollectorDefinition[] = process.platform === 'linux' ? linuxCollectors : fallbackCollectors;

/** node_exporter 1.5.0's defaults (Debian's build for the netdev exclude). */
export function defaultCollectorOptions(): CollectorOptions {
  return {
    filesystem: {
      mountPointsExclude: DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE,
      fsTypesExclude: DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE,
      mountTimeoutSeconds: 5,
      // Two of libuv's four threads at most, so a stuck mount cannot starve /proc reads and DNS lookups.
      statWorkerCount: 2,
    },
    netdev: { deviceExclude: DEFAULT_NETDEV_DEVICE_EXCLUDE },
    diskstats: { deviceExclude: DEFAULT_DISKSTATS_DEVICE_EXCLUDE, udevDataPath: '/run/udev/data' },
    vmstat: { fields: DEFAULT_VMSTAT_FIELDS },
    textfile: {},
  };
}
