/**
 * `node_network_{receive,transmit}_{bytes,errs,drop}_total{device}` from systeminformation
 * `networkStats('*')`: its `rx_bytes`, `tx_bytes`, errors and drops are the interface counters since
 * boot (its `_sec` rates are deltas against the previous caller and are not used).
 */
import { describeMetric } from '../../common/metrics.js';
import { DEFAULT_NETDEV_DEVICE_EXCLUDE } from '../collectors/netdev.js';
import { DeviceFilter, deviceFilterFlags } from '../filters.js';
import { defineCollector, NoDataError } from '../types.js';
import type { FallbackSources } from './sources.js';

const counter = (field: string) => describeMetric(`node_network_${field}_total`, `Network device statistic ${field}.`, 'counter', ['device']);
const receiveBytes = counter('receive_bytes');
const receiveErrs = counter('receive_errs');
const receiveDrop = counter('receive_drop');
const transmitBytes = counter('transmit_bytes');
const transmitErrs = counter('transmit_errs');
const transmitDrop = counter('transmit_drop');

export function fallbackNetdevCollector({ si }: FallbackSources) {
  return defineCollector({
    name: 'netdev',
    defaultEnabled: true,
    description: 'Per-interface network counters (systeminformation networkStats()).',
    flags: deviceFilterFlags('netdev', 'net devices', DEFAULT_NETDEV_DEVICE_EXCLUDE),
    create: ({ options }) => {
      si.networks.refresh();
      const filter = new DeviceFilter('netdev', options.deviceInclude, options.deviceExclude, DEFAULT_NETDEV_DEVICE_EXCLUDE);
      return {
        async update(sink, signal) {
          const stats = (await si.networks.get(signal)).filter((s) => s.iface !== '' && !filter.ignored(s.iface));
          if (stats.length === 0) throw new NoDataError('systeminformation reported no network interfaces');
          for (const s of stats) {
            const labels = [s.iface];
            sink.add(receiveBytes, s.rx_bytes, labels);
            sink.add(receiveErrs, s.rx_errors, labels);
            sink.add(receiveDrop, s.rx_dropped, labels);
            sink.add(transmitBytes, s.tx_bytes, labels);
            sink.add(transmitErrs, s.tx_errors, labels);
            sink.add(transmitDrop, s.tx_dropped, labels);
          }
        },
      };
    },
  });
}
