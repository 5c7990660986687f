/** `node_arp_entries{device}`: IPv4 neighbours per interface, from /proc/net/arp. */
import { describeMetric } from '../../common/metrics.js';
import { booleanFlag } from '../../common/flags.js';
import { DeviceFilter, deviceFilterFlags } from '../filters.js';
import { procFilePath } from '../paths.js';
import { parseArp } from '../procfs/arp.js';
import { readProcFile } from '../procfs/read.js';
import { collectorFlag, defineCollector } from '../types.js';

const entries = describeMetric('node_arp_entries', 'ARP entries by device', 'gauge', ['device']);

/**
 * node_exporter's `--collector.arp.netlink` (default true) picks netlink over /proc/net/arp; both
 * list the same IPv4 neighbours (the kernel leaves NOARP entries out of either), so this collector
 * always reads the file and the flag changes nothing.
 */
export const arpCollector = defineCollector({
  name: 'arp',
  defaultEnabled: true,
  description: 'ARP (IPv4 neighbour) entries per interface, from /proc/net/arp.',
  flags: {
    ...deviceFilterFlags('arp', 'arp devices', undefined),
    netlink: collectorFlag('collector.arp.netlink', booleanFlag('Use netlink to gather stats instead of /proc/net/arp.', true)),
  },
  create: ({ paths, options }) => {
    const arpPath = procFilePath(paths, 'net/arp');
    const filter = new DeviceFilter('arp', options.deviceInclude, options.deviceExclude);
    return {
      async update(sink) {
        const counts = new Map<string, number>();
        for (const entry of parseArp(readProcFile(arpPath), arpPath)) counts.set(entry.device, (counts.get(entry.device) ?? 0) + 1);
        for (const [device, count] of counts) if (!filter.ignored(device)) sink.add(entries, count, [device]);
      },
    };
  },
});
