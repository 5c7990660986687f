/** /sys/class/net/<iface>: the attributes node_exporter's netclass collector reports. */
import { parseInteger } from './values.js';

/** Numeric attributes, in the order they are reported. */
export const NETCLASS_NUMBERS = [
  'addr_assign_type',
  'carrier',
  'carrier_changes',
  'carrier_up_count',
  'carrier_down_count',
  'dev_id',
  'dormant',
  'flags',
  'ifindex',
  'iflink',
  'link_mode',
  'mtu',
  'name_assign_type',
  'netdev_group',
  'speed',
  'tx_queue_len',
  'type',
] as const;
export type NetClassNumber = (typeof NETCLASS_NUMBERS)[number];

export const NETCLASS_TEXTS = ['address', 'broadcast', 'duplex', 'ifalias', 'operstate'] as const;
export type NetClassText = (typeof NETCLASS_TEXTS)[number];

export const NETCLASS_ATTRIBUTES: readonly string[] = [...NETCLASS_NUMBERS, ...NETCLASS_TEXTS];

export interface NetClassInterface {
  name: string;
  /** Absent when unreadable (a link that is down answers EINVAL for speed) or not an integer. */
  numbers: Partial<Record<NetClassNumber, number>>;
  /** Empty when unreadable. */
  texts: Record<NetClassText, string>;
}

/** `attributes` maps attribute names to their trimmed text. */
export function parseNetClassInterface(name: string, attributes: ReadonlyMap<string, string>): NetClassInterface {
  const numbers: NetClassInterface['numbers'] = {};
  for (const key of NETCLASS_NUMBERS) {
    const text = attributes.get(key);
    const value = text === undefined ? undefined : parseInteger(text);
    if (value !== undefined) numbers[key] = value;
  }
  const texts = Object.fromEntries(NETCLASS_TEXTS.map((key) => [key, attributes.get(key) ?? ''])) as Record<NetClassText, string>;
  return { name, numbers, texts };
}

/** IFF_UP in the interface flags. */
export function adminState(flags: number | undefined): 'up' | 'down' | 'unknown' {
  if (flags === undefined) return 'unknown';
  return (flags & 1) === 1 ? 'up' : 'down';
}
