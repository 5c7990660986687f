/** The sysfs collectors and the expected output of each on the fixture tree. */
import { bcacheCollector } from '../../../exporter/collectors/bcache.js';
import { bondingCollector } from '../../../exporter/collectors/bonding.js';
import { btrfsCollector } from '../../../exporter/collectors/btrfs.js';
import { cpufreqCollector } from '../../../exporter/collectors/cpufreq.js';
import { dmiCollector } from '../../../exporter/collectors/dmi.js';
import { edacCollector } from '../../../exporter/collectors/edac.js';
import { fibrechannelCollector } from '../../../exporter/collectors/fibrechannel.js';
import { hwmonCollector } from '../../../exporter/collectors/hwmon.js';
import { infinibandCollector } from '../../../exporter/collectors/infiniband.js';
import { meminfoNumaCollector } from '../../../exporter/collectors/meminfo_numa.js';
import { netclassCollector } from '../../../exporter/collectors/netclass.js';
import { nvmeCollector } from '../../../exporter/collectors/nvme.js';
import { powerSupplyClassCollector } from '../../../exporter/collectors/powersupplyclass.js';
import { raplCollector } from '../../../exporter/collectors/rapl.js';
import { tapestatsCollector } from '../../../exporter/collectors/tapestats.js';
import { thermalZoneCollector } from '../../../exporter/collectors/thermal_zone.js';
import { watchdogCollector } from '../../../exporter/collectors/watchdog.js';
import type { CollectorDefinition } from '../../../exporter/types.js';

export const SYSFS_CASES: readonly (readonly [CollectorDefinition, string])[] = [
  [netclassCollector, 'netclass.prom'],
  [hwmonCollector, 'hwmon.prom'],
  [thermalZoneCollector, 'thermal_zone.prom'],
  // cpu2 is listed in devices/system/cpu/offline: left out, as node_exporter 1.10 does.
  [cpufreqCollector, 'cpufreq.prom'],
  [watchdogCollector, 'watchdog.prom'],
  // Zone paths are shown as under /sys, wherever the fixture tree is.
  [raplCollector, 'rapl.prom'],
  [dmiCollector, 'dmi.prom'],
  [edacCollector, 'edac.prom'],
  // bond0 has one slave linked as lower_eth1 (up) and one as slave_eth2 (down).
  [bondingCollector, 'bonding.prom'],
  [powerSupplyClassCollector, 'powersupplyclass.prom'],
  [nvmeCollector, 'nvme.prom'],
  // nst0 (the no-rewind node of the same drive) is not a tape of its own.
  [tapestatsCollector, 'tapestats.prom'],
  // Counters the driver does not keep (all ones) are left out.
  [fibrechannelCollector, 'fibrechannel.prom'],
  // node0 is this machine's, node1 made from it.
  [meminfoNumaCollector, 'meminfo_numa.prom'],
  // One cache set: bdev0 dirty with humanized and negative values, bdev1 clean and lacking cache_bypass_hits (read as 0).
  [bcacheCollector, 'bcache.prom'],
  // mlx4_0 port 2 lacks port_xmit_wait and has VL15_dropped "N/A (no PMA)": both left out; hfi1_0 has no hca_type and no counters_ext.
  [infinibandCollector, 'infiniband.prom'],
  // Two filesystems: three disks with data part-way from raid1 to raid5 (ratio 3/2); a root filesystem of an older
  // kernel without label, metadata_uuid or commit_stats (uuid from the directory name, commit families 0).
  [btrfsCollector, 'btrfs.prom'],
];
