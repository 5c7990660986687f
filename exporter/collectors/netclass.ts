/** `node_network_{up,info,mtu_bytes,speed_bytes,carrier,…}{device}` from /sys/class/net (node_exporter netclass_linux.go). */
import { compileRegex } from '../../common/regex.js';
import { booleanFlag, regexpFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc, type MetricType } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { readClassDevices } from '../sysfs/attributes.js';
import { adminState, NETCLASS_ATTRIBUTES, parseNetClassInterface, type NetClassNumber } from '../sysfs/netclass.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { collectorFlag, defineCollector, type CollectorContext, type CollectorFlagValues } from '../types.js';

const netclassFlags = {
  ignoredDevices: collectorFlag(
    'collector.netclass.ignored-devices',
    regexpFlag('Regexp of net devices to ignore for netclass collector.', compileRegex('^$')),
  ),
  // Drops speed_bytes when the driver reports -1 (unknown).
  ignoreInvalidSpeed: collectorFlag(
    'collector.netclass.ignore-invalid-speed',
    booleanFlag('Ignore devices where the speed is invalid. This will be the default behavior in 2.x.'),
  ),
  // Accepted; this collector always reads sysfs, which netlink's answer matches.
  netlink: collectorFlag('collector.netclass.netlink', booleanFlag('Use netlink to gather stats instead of /proc/net/dev.', false)),
};

type NetclassOptions = CollectorFlagValues<typeof netclassFlags> & SysfsReaderOption;

const D = ['device'];
const upDesc = describeMetric('node_network_up', "Value is 1 if operstate is 'up', 0 otherwise.", 'gauge', D);
const infoDesc = describeMetric('node_network_info', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', 'gauge', [
  'device',
  'address',
  'broadcast',
  'duplex',
  'operstate',
  'adminstate',
  'ifalias',
]);

function property(name: string, type: MetricType = 'gauge'): MetricDesc {
  return describeMetric(`node_network_${name}`, `Network device property: ${name}`, type, D);
}

/** Each numeric attribute's family, in node_exporter's order; speed is converted separately. */
const numberDescs: readonly [NetClassNumber, MetricDesc][] = [
  ['addr_assign_type', property('address_assign_type')],
  ['carrier', property('carrier')],
  ['carrier_changes', property('carrier_changes_total', 'counter')],
  ['carrier_up_count', property('carrier_up_changes_total', 'counter')],
  ['carrier_down_count', property('carrier_down_changes_total', 'counter')],
  ['dev_id', property('device_id')],
  ['dormant', property('dormant')],
  ['flags', property('flags')],
  ['ifindex', property('iface_id')],
  ['iflink', property('iface_link')],
  ['link_mode', property('iface_link_mode')],
  ['mtu', property('mtu_bytes')],
  ['name_assign_type', property('name_assign_type')],
  ['netdev_group', property('net_dev_group')],
];
const speedDesc = property('speed_bytes');
const txQueueDesc = property('transmit_queue_length');
const protocolDesc = property('protocol_type');

export const netclassCollector = defineCollector({
  name: 'netclass',
  defaultEnabled: true,
  description: 'Network interface state, speed, MTU and carrier from /sys/class/net.',
  flags: netclassFlags,
  create: ({ paths, logger, options }: CollectorContext<NetclassOptions>) => {
    const netDir = sysFilePath(paths, 'class', 'net');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        const devices = await readClassDevices(reader, netDir, NETCLASS_ATTRIBUTES, {
          signal,
          logger,
          keep: (device) => !options.ignoredDevices.test(device),
        });
        for (const { device, attributes } of devices) {
          const { numbers, texts } = parseNetClassInterface(device, attributes.values);
          const labels = [device];
          sink.add(upDesc, texts.operstate === 'up' ? 1 : 0, labels);
          sink.add(infoDesc, 1, [device, texts.address, texts.broadcast, texts.duplex, texts.operstate, adminState(numbers.flags), texts.ifalias]);
          for (const [key, desc] of numberDescs) {
            const value = numbers[key];
            if (value !== undefined) sink.add(desc, value, labels);
          }
          const speed = numbers.speed;
          if (speed !== undefined && (speed >= 0 || !options.ignoreInvalidSpeed)) sink.add(speedDesc, Math.trunc((speed * 1000 * 1000) / 8), labels);
          if (numbers.tx_queue_len !== undefined) sink.add(txQueueDesc, numbers.tx_queue_len, labels);
          if (numbers.type !== undefined) sink.add(protocolDesc, numbers.type, labels);
        }
      },
    };
  },
});
