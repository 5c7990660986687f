/** /sys/class/infiniband/<device>/ports/<port>: state, rate and the port counters (procfs class_infiniband.go). */
import { parseInteger } from './values.js';

/** `<id>: <NAME>` (state, phys_state); undefined when the text is not that. */
export function parseState(text: string): number | undefined {
  const parts = text.split(':');
  if (parts.length !== 2) return undefined;
  const id = (parts[0] as string).trim();
  return /^\d+$/.test(id) ? Number(id) : undefined;
}

/** `40 Gb/sec (4X QDR)` → bytes per second; the figure is read as a float32, as procfs does, and truncated. */
export function parseRate(text: string): number | undefined {
  const space = text.indexOf(' ');
  if (space === -1) return undefined;
  const figure = text.slice(0, space);
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(figure)) return undefined;
  return Math.trunc(Math.fround(Number(figure)) * 125_000_000);
}

export interface PortCounter {
  /** `counters`, or `counters_ext` (64-bit counters of kernels before 4.5). */
  dir: 'counters' | 'counters_ext';
  file: string;
  /** Family suffix after node_infiniband_. */
  metric: string;
  help: string;
}

/**
 * In node_exporter's report order. The data counters count 32-bit words per lane, so they are
 * multiplied by 4 to give bytes (as procfs does, for every driver).
 */
export const PORT_COUNTERS: readonly PortCounter[] = [
  ['counters_ext', 'port_multicast_rcv_packets', 'legacy_multicast_packets_received_total', 'Number of multicast packets received'],
  ['counters_ext', 'port_multicast_xmit_packets', 'legacy_multicast_packets_transmitted_total', 'Number of multicast packets transmitted'],
  ['counters_ext', 'port_rcv_data_64', 'legacy_data_received_bytes_total', 'Number of data octets received on all links'],
  ['counters_ext', 'port_rcv_packets_64', 'legacy_packets_received_total', 'Number of data packets received on all links'],
  ['counters_ext', 'port_unicast_rcv_packets', 'legacy_unicast_packets_received_total', 'Number of unicast packets received'],
  ['counters_ext', 'port_unicast_xmit_packets', 'legacy_unicast_packets_transmitted_total', 'Number of unicast packets transmitted'],
  ['counters_ext', 'port_xmit_data_64', 'legacy_data_transmitted_bytes_total', 'Number of data octets transmitted on all links'],
  ['counters_ext', 'port_xmit_packets_64', 'legacy_packets_transmitted_total', 'Number of data packets received on all links'],
  [
    'counters',
    'excessive_buffer_overrun_errors',
    'excessive_buffer_overrun_errors_total',
    'Number of times that OverrunErrors consecutive flow control update periods occurred, each having at least one overrun error.',
  ],
  ['counters', 'link_downed', 'link_downed_total', 'Number of times the link failed to recover from an error state and went down'],
  ['counters', 'link_error_recovery', 'link_error_recovery_total', 'Number of times the link successfully recovered from an error state'],
  [
    'counters',
    'local_link_integrity_errors',
    'local_link_integrity_errors_total',
    'Number of times that the count of local physical errors exceeded the threshold specified by LocalPhyErrors.',
  ],
  ['counters', 'multicast_rcv_packets', 'multicast_packets_received_total', 'Number of multicast packets received (including errors)'],
  ['counters', 'multicast_xmit_packets', 'multicast_packets_transmitted_total', 'Number of multicast packets transmitted (including errors)'],
  [
    'counters',
    'port_rcv_constraint_errors',
    'port_constraint_errors_received_total',
    'Number of packets received on the switch physical port that are discarded',
  ],
  ['counters', 'port_xmit_constraint_errors', 'port_constraint_errors_transmitted_total', 'Number of packets not transmitted from the switch physical port'],
  ['counters', 'port_rcv_data', 'port_data_received_bytes_total', 'Number of data octets received on all links'],
  ['counters', 'port_xmit_data', 'port_data_transmitted_bytes_total', 'Number of data octets transmitted on all links'],
  [
    'counters',
    'port_rcv_discards',
    'port_discards_received_total',
    'Number of inbound packets discarded by the port because the port is down or congested',
  ],
  [
    'counters',
    'port_xmit_discards',
    'port_discards_transmitted_total',
    'Number of outbound packets discarded by the port because the port is down or congested',
  ],
  ['counters', 'port_rcv_errors', 'port_errors_received_total', 'Number of packets containing an error that were received on this port'],
  ['counters', 'port_rcv_packets', 'port_packets_received_total', 'Number of packets received on all VLs by this port (including errors)'],
  ['counters', 'port_xmit_packets', 'port_packets_transmitted_total', 'Number of packets transmitted on all VLs from this port (including errors)'],
  [
    'counters',
    'port_xmit_wait',
    'port_transmit_wait_total',
    'Number of ticks during which the port had data to transmit but no data was sent during the entire tick',
  ],
  ['counters', 'unicast_rcv_packets', 'unicast_packets_received_total', 'Number of unicast packets received (including errors)'],
  ['counters', 'unicast_xmit_packets', 'unicast_packets_transmitted_total', 'Number of unicast packets transmitted (including errors)'],
  [
    'counters',
    'port_rcv_remote_physical_errors',
    'port_receive_remote_physical_errors_total',
    'Number of packets marked with the EBP (End of Bad Packet) delimiter received on the port.',
  ],
  ['counters', 'port_rcv_switch_relay_errors', 'port_receive_switch_relay_errors_total', 'Number of packets that could not be forwarded by the switch.'],
  ['counters', 'symbol_error', 'symbol_error_total', 'Number of minor link errors detected on one or more physical lanes.'],
  ['counters', 'VL15_dropped', 'vl15_dropped_total', 'Number of incoming VL15 packets dropped due to resource limitations.'],
].map(([dir, file, metric, help]) => ({ dir, file, metric, help }) as PortCounter);

const DATA_COUNTERS: ReadonlySet<string> = new Set(['port_rcv_data', 'port_xmit_data', 'port_rcv_data_64', 'port_xmit_data_64']);

/**
 * One counter file's value: undefined for `N/A (no PMA)` (drivers without a performance management
 * agent); throws for anything else that is not an unsigned integer.
 */
export function parseCounter(file: string, text: string, source: string): number | undefined {
  const value = /^\s*[+-]/.test(text) ? undefined : parseInteger(text);
  if (value === undefined) {
    if (text.includes('N/A (no PMA)')) return undefined;
    throw new Error(`${source}: not a counter: ${JSON.stringify(text)}`);
  }
  return DATA_COUNTERS.has(file) ? value * 4 : value;
}
