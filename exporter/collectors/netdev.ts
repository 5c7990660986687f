/**
 * `node_network_{receive,transmit}_*_total{device}` from /proc/net/dev, plus rx_nohandler from sysfs, as node_exporter
 * 1.10 reports them by default over netlink: the kernel prints /proc/net/dev's merged columns from the same counters.
 * With --no-collector.netdev.netlink, what node_exporter reads from /proc/net/dev: no rx_nohandler, and procfs names
 * for detailed metrics.
 */
import { networkInterfaces } from 'node:os';
import { booleanFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { compileRegex } from '../../common/regex.js';
import { DeviceFilter, deviceFilterFlags } from '../filters.js';
import { procFilePath, sysFilePath } from '../paths.js';
import { NETDEV_FIELDS, parseNetDev } from '../procfs/netdev.js';
import { readOptionalProcFile, readProcFile } from '../procfs/read.js';
import { collectorFlag, defineCollector, type HostPaths, type MetricSink } from '../types.js';

/** Debian's node_exporter 1.5.0 default; upstream leaves it empty. */
export const DEFAULT_NETDEV_DEVICE_EXCLUDE = compileRegex('^lo$');

/**
 * With --collector.netdev.enable-detailed-metrics, netlink's rtnl_link_stats64 counters unmerged, under node_exporter's
 * names; sysfs keeps each in `statistics/<file>`.
 */
const DETAILED_FILES = [
  'rx_packets', 'tx_packets', 'rx_bytes', 'tx_bytes', 'rx_errors', 'tx_errors', 'rx_dropped', 'tx_dropped', 'multicast', 'collisions',
  'rx_length_errors', 'rx_over_errors', 'rx_crc_errors', 'rx_frame_errors', 'rx_fifo_errors', 'rx_missed_errors',
  'tx_aborted_errors', 'tx_carrier_errors', 'tx_fifo_errors', 'tx_heartbeat_errors', 'tx_window_errors',
  'rx_compressed', 'tx_compressed', 'rx_nohandler',
] as const;
const detailedName = (file: string): string => file.replace(/^rx_/, 'receive_').replace(/^tx_/, 'transmit_');

/** One family per statistic, with or without the ifalias label. */
function statisticDescs(names: readonly string[], labels: readonly string[]): MetricDesc[] {
  return names.map((name) => describeMetric(`node_network_${name}_total`, `Network device statistic ${name}.`, 'counter', labels));
}

/** node_exporter's names for /proc/net/dev's columns with detailed metrics and netlink off (errs → errors, drop → dropped). */
const PROCFS_DETAILED_NAMES = NETDEV_FIELDS.map((field) => field.replace(/_errs$/, '_errors').replace(/_drop$/, '_dropped'));

/** The statistic names of each way of reading, and the descriptors with and without the ifalias label. */
function descSet(names: readonly string[]) {
  return { plain: statisticDescs(names, ['device']), ifalias: statisticDescs(names, ['device', 'ifalias']) };
}
const DESCS = {
  /** The default: /proc/net/dev's merged columns, which netlink's legacy names equal, plus rx_nohandler. */
  legacy: descSet([...NETDEV_FIELDS, 'receive_nohandler']),
  procfsDetailed: descSet(PROCFS_DETAILED_NAMES),
  netlinkDetailed: descSet(DETAILED_FILES.map(detailedName)),
};
const addressInfoDesc = describeMetric('node_network_address_info', 'node network address by device', 'gauge', ['device', 'address', 'netmask', 'scope']);

function readStatistic(paths: HostPaths, device: string, file: string): number | undefined {
  const text = readOptionalProcFile(sysFilePath(paths, 'class', 'net', device, 'statistics', file));
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return Number.isNaN(value) ? undefined : value;
}

/** Go's net.IP scope classes as node_exporter names them: loopback counts as link-local. */
function addressScope(address: string, family: string, internal: boolean): string {
  if (internal) return 'link-local';
  if (family === 'IPv4') {
    if (address.startsWith('169.254.')) return 'link-local';
    return address === '0.0.0.0' || address === '255.255.255.255' || /^(22[4-9]|23\d)\./.test(address) ? '' : 'global';
  }
  const lower = address.toLowerCase();
  if (/^fe[89ab]/.test(lower) || lower.startsWith('ff02:')) return 'link-local';
  if (lower.startsWith('ff01:')) return 'interface-local';
  return lower === '::' || lower.startsWith('ff') ? '' : 'global';
}

/** Every address of every interface, unfiltered, as node_exporter's address-info reads them (getifaddrs). */
function addAddressInfo(sink: MetricSink): void {
  for (const [device, addresses] of Object.entries(networkInterfaces())) {
    for (const { address, family, internal, cidr } of addresses ?? []) {
      const prefix = cidr?.split('/')[1] ?? '';
      sink.add(addressInfoDesc, 1, [device, address, prefix, addressScope(address, family, internal)]);
    }
  }
}

const netdevFlags = {
  ...deviceFilterFlags('netdev', 'net devices', DEFAULT_NETDEV_DEVICE_EXCLUDE),
  addressInfo: collectorFlag('collector.netdev.address-info', booleanFlag('Collect address-info for every device')),
  detailedMetrics: collectorFlag(
    'collector.netdev.enable-detailed-metrics',
    booleanFlag('Use (incompatible) metric names that provide more detailed stats on Linux'),
  ),
  labelIfAlias: collectorFlag('collector.netdev.label-ifalias', booleanFlag('Add ifAlias label')),
  netlink: collectorFlag('collector.netdev.netlink', booleanFlag('Use netlink to gather stats instead of /proc/net/dev.', true)),
};

export const netdevCollector = defineCollector({
  name: 'netdev',
  defaultEnabled: true,
  description: 'Per-interface network counters from /proc/net/dev.',
  flags: netdevFlags,
  create: ({ paths, options }) => {
    const netDevPath = procFilePath(paths, 'net', 'dev');
    const filter = new DeviceFilter('netdev', options.deviceInclude, options.deviceExclude, DEFAULT_NETDEV_DEVICE_EXCLUDE);
    // netlink's counters are read from sysfs, which holds the same ones: only the names differ.
    const fromSysfs = options.detailedMetrics && options.netlink;
    const set = options.detailedMetrics ? (options.netlink ? DESCS.netlinkDetailed : DESCS.procfsDetailed) : DESCS.legacy;
    const descs = set[options.labelIfAlias ? 'ifalias' : 'plain'];
    return {
      async update(sink) {
        const devices = parseNetDev(readProcFile(netDevPath)).filter((d) => !filter.ignored(d.device));
        for (const { device, values } of devices) {
          const labels = [device];
          if (options.labelIfAlias) labels.push(readOptionalProcFile(sysFilePath(paths, 'class', 'net', device, 'ifalias'))?.trim() ?? '');
          if (fromSysfs) {
            for (let f = 0; f < DETAILED_FILES.length; f++) {
              const value = readStatistic(paths, device, DETAILED_FILES[f] as string);
              if (value !== undefined) sink.add(descs[f] as MetricDesc, value, labels);
            }
            continue;
          }
          for (let f = 0; f < NETDEV_FIELDS.length; f++) sink.add(descs[f] as MetricDesc, values[f] as number, labels);
          // node_exporter reads rx_nohandler over netlink only (here netlink means the legacy names).
          const dropped = options.netlink ? readStatistic(paths, device, 'rx_nohandler') : undefined;
          if (dropped !== undefined) sink.add(descs[NETDEV_FIELDS.length] as MetricDesc, dropped, labels);
        }
        if (options.addressInfo) addAddressInfo(sink);
      },
    };
  },
});
