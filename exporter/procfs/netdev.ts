/** /proc/net/dev: 16 counters per interface, in the order of NETDEV_FIELDS. */

/** Column names as node_exporter names them (`node_network_<field>_total`). */
export const NETDEV_FIELDS = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
] as const;

export interface NetDevice {
  device: string;
  /** One value per NETDEV_FIELDS entry. */
  values: number[];
}

export function parseNetDev(text: string): NetDevice[] {
  const devices: NetDevice[] = [];
  const lines = text.split('\n');
  // The first two lines are the column headers.
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon === -1) throw new Error(`/proc/net/dev line ${i + 1}: no "device:" in ${JSON.stringify(line)}`);
    const values = line.slice(colon + 1).split(' ').filter((field) => field !== '').map(Number);
    if (values.length !== NETDEV_FIELDS.length || values.some(Number.isNaN)) {
      throw new Error(`/proc/net/dev line ${i + 1}: expected ${NETDEV_FIELDS.length} numbers after the device name`);
    }
    devices.push({ device: line.slice(0, colon).trim(), values });
  }
  return devices;
}
