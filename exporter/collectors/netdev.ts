/** `node_network_{receive,transmit}_*_total{device}` from /proc/net/dev, plus rx_nohandler from sysfs (node_exporter 1.5 reads it over netlink). */
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { compileRegex } from '../../common/regex.js';
import { DeviceFilter, deviceFilterFlags } from '../filters.js';
import { procFilePath, sysFilePath } from '../paths.js';
import { NETDEV_FIELDS, parseNetDev } from '../procfs/netdev.js';
import { readOptionalProcFile, readProcFile } from '../procfs/read.js';
import { defineCollector, type HostPaths } from '../types.js';

/** Debian's node_exporter 1.5.0 default; upstream leaves it empty. */
export const DEFAULT_NETDEV_DEVICE_EXCLUDE = compileRegex('^lo$');

const fieldDescs: readonly MetricDesc[] = NETDEV_FIELDS.map((field) =>
  describeMetric(`node_network_${field}_total`, `Network device statistic ${field}.`, 'counter', ['device']),
);
const nohandlerDesc = describeMetric(
  'node_network_receive_nohandler_total',
  'Network device statistic receive_nohandler.',
  'counter',
  ['device'],
);

function readNohandler(paths: HostPaths, device: string): number | undefined {
  const text = readOptionalProcFile(sysFilePath(paths, 'class', 'net', device, 'statistics', 'rx_nohandler'));
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return Number.isNaN(value) ? undefined : value;
}

export const netdevCollector = defineCollector({
  name: 'netdev',
  defaultEnabled: true,
  description: 'Per-interface network counters from /proc/net/dev.',
  flags: deviceFilterFlags('netdev', 'net devices', DEFAULT_NETDEV_DEVICE_EXCLUDE),
  create: ({ paths, options }) => {
    const netDevPath = procFilePath(paths, 'net', 'dev');
    const filter = new DeviceFilter('netdev', options.deviceInclude, options.deviceExclude, DEFAULT_NETDEV_DEVICE_EXCLUDE);
    return {
      async update(sink) {
        const devices = parseNetDev(readProcFile(netDevPath)).filter((d) => !filter.ignored(d.device));
        for (const { device, values } of devices) {
          const labels = [device];
          for (let f = 0; f < fieldDescs.length; f++) sink.add(fieldDescs[f] as MetricDesc, values[f] as number, labels);
          const dropped = readNohandler(paths, device);
          if (dropped !== undefined) sink.add(nohandlerDesc, dropped, labels);
        }
      },
    };
  },
});
