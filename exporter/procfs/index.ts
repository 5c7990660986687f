/** The pure parsers of /proc and /sys files, for library users and tests (`procfs` in the public API). */
export { parseStat, USER_HZ, type CpuStat, type CpuTimes, type Stat } from './stat.js';
export { parseMeminfo, type MeminfoField } from './meminfo.js';
export { parseLoadavg, type LoadAverage } from './loadavg.js';
export { parseDiskstats, type DiskStats } from './diskstats.js';
export { parseNetDev, NETDEV_FIELDS, type NetDevice } from './netdev.js';
export { parseMountinfo, type MountInfo } from './mountinfo.js';
export { parseVmstat, type VmstatField } from './vmstat.js';
export { parsePressure, type Pressure, type PressureLine } from './pressure.js';
export { parseCpuList } from './cpulist.js';
