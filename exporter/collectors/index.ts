/**
 * THE table of built-in collectors (node_exporter's registerCollector calls). Nothing else lists
 * collectors: the CLI flags, `--help`, `CollectorOptions` and docs/collectors.md come from here.
 */
import { fallbackCollectorsFor } from '../fallback/index.js';
import { flagDefaults, type CollectorDefinition, type CollectorFlags, type CollectorFlagValues, type OptionsOf } from '../types.js';
import { arpCollector } from './arp.js';
import { bcacheCollector } from './bcache.js';
import { bondingCollector } from './bonding.js';
import { btrfsCollector } from './btrfs.js';
import { conntrackCollector } from './conntrack.js';
import { cpuCollector } from './cpu.js';
import { cpufreqCollector } from './cpufreq.js';
import { diskstatsCollector } from './diskstats.js';
import { dmiCollector } from './dmi.js';
import { edacCollector } from './edac.js';
import { entropyCollector } from './entropy.js';
import { fibrechannelCollector } from './fibrechannel.js';
import { filefdCollector } from './filefd.js';
import { filesystemCollector } from './filesystem.js';
import { hwmonCollector } from './hwmon.js';
import { infinibandCollector } from './infiniband.js';
import { interruptsCollector } from './interrupts.js';
import { ipvsCollector } from './ipvs.js';
import { loadavgCollector } from './loadavg.js';
import { mdadmCollector } from './mdadm.js';
import { meminfoCollector } from './meminfo.js';
import { meminfoNumaCollector } from './meminfo_numa.js';
import { mountstatsCollector } from './mountstats.js';
import { netclassCollector } from './netclass.js';
import { netdevCollector } from './netdev.js';
import { netstatCollector } from './netstat.js';
import { nfsCollector } from './nfs.js';
import { nfsdCollector } from './nfsd.js';
import { nvmeCollector } from './nvme.js';
import { osCollector } from './os.js';
import { powerSupplyClassCollector } from './powersupplyclass.js';
import { pressureCollector } from './pressure.js';
import { processesCollector } from './processes.js';
import { raplCollector } from './rapl.js';
import { schedstatCollector } from './schedstat.js';
import { selinuxCollector } from './selinux.js';
import { sockstatCollector } from './sockstat.js';
import { softnetCollector } from './softnet.js';
import { statCollector } from './stat.js';
import { systemdCollector } from './systemd.js';
import { tapestatsCollector } from './tapestats.js';
import { textfileCollector } from './textfile.js';
import { thermalZoneCollector } from './thermal_zone.js';
import { timeCollector } from './time.js';
import { timexCollector } from './timex.js';
import { udpQueuesCollector } from './udp_queues.js';
import { unameCollector } from './uname.js';
import { vmstatCollector } from './vmstat.js';
import { watchdogCollector } from './watchdog.js';
import { xfsCollector } from './xfs.js';
import { zfsCollector } from './zfs.js';

/** Collectors reading /proc, /sys and statfs directly, in name order. */
export const linuxCollectors = Object.freeze([
  arpCollector,
  bcacheCollector,
  bondingCollector,
  btrfsCollector,
  conntrackCollector,
  cpuCollector,
  cpufreqCollector,
  diskstatsCollector,
  dmiCollector,
  edacCollector,
  entropyCollector,
  fibrechannelCollector,
  filefdCollector,
  filesystemCollector,
  hwmonCollector,
  infinibandCollector,
  interruptsCollector,
  ipvsCollector,
  loadavgCollector,
  mdadmCollector,
  meminfoCollector,
  meminfoNumaCollector,
  mountstatsCollector,
  netclassCollector,
  netdevCollector,
  netstatCollector,
  nfsCollector,
  nfsdCollector,
  nvmeCollector,
  osCollector,
  powerSupplyClassCollector,
  pressureCollector,
  processesCollector,
  raplCollector,
  schedstatCollector,
  selinuxCollector,
  sockstatCollector,
  softnetCollector,
  statCollector,
  systemdCollector,
  tapestatsCollector,
  textfileCollector,
  thermalZoneCollector,
  timeCollector,
  timexCollector,
  udpQueuesCollector,
  unameCollector,
  vmstatCollector,
  watchdogCollector,
  xfsCollector,
  zfsCollector,
] as const);

/** Where there is no /proc: the systeminformation fallbacks, plus the portable textfile and time collectors. */
export const fallbackCollectors: readonly CollectorDefinition[] = Object.freeze(
  [...fallbackCollectorsFor(), textfileCollector, timeCollector].sort((a, b) => (a.name < b.name ? -1 : 1)),
);

export const hostCollectors: readonly CollectorDefinition[] = process.platform === 'linux' ? linuxCollectors : fallbackCollectors;

/** The table to serve: the fallbacks when `fallback` forces them (to run them on Linux too), else this platform's. */
export function collectorTable({ fallback = false }: { fallback?: boolean } = {}): readonly CollectorDefinition[] {
  return fallback ? fallbackCollectors : hostCollectors;
}

type LinuxCollector = (typeof linuxCollectors)[number];

/** Every collector's options, keyed by collector name; each one's type comes from its own flags. */
export type CollectorOptions = { [D in LinuxCollector as D['name']]: OptionsOf<D> };

/** Options for some collectors: the others run with their flags' defaults. */
export type PartialCollectorOptions = { [Name in keyof CollectorOptions]?: CollectorOptions[Name] };

/** The options one collector runs with: what `given` holds for it, else its flags' defaults. */
export function optionsFor(definition: CollectorDefinition, given: PartialCollectorOptions = {}): CollectorFlagValues<CollectorFlags> {
  return (given as Record<string, CollectorFlagValues<CollectorFlags> | undefined>)[definition.name] ?? flagDefaults(definition.flags);
}

/** Every collector's flag defaults (node_exporter's; Debian's build for the netdev exclude), as fresh objects. */
export function defaultCollectorOptions(): CollectorOptions {
  return Object.fromEntries(linuxCollectors.map((definition) => [definition.name, flagDefaults(definition.flags)])) as CollectorOptions;
}
