/** The pure parsers of /proc and friends, for library users and tests (`procfs` in the public API). */
export { parseStat, USER_HZ, type CpuStat, type CpuTimes, type Stat } from './stat.js';
export { parseMeminfo, type MeminfoField } from './meminfo.js';
export { parseLoadavg, type LoadAverage } from './loadavg.js';
export { parseDiskstats, type DiskStats } from './diskstats.js';
export { parseNetDev, NETDEV_FIELDS, type NetDevice } from './netdev.js';
export { parseMountinfo, type MountInfo } from './mountinfo.js';
export { parseVmstat, type VmstatField } from './vmstat.js';
export { parsePressure, type Pressure, type PressureLine } from './pressure.js';
export { parseOsRelease } from './osrelease.js';
export { parseTextFormat, type TextFamily, type TextFamilyType, type TextSample } from './textformat.js';
export { parsePosixTz, parseTzifFooter, zoneAbbreviation, type ZoneRule } from './tzfile.js';
export { parseCpuList } from './cpulist.js';
export { parseUdevProperties } from './udev.js';
