/** /sys/class/fc_host/<host>: port attributes (info labels) and statistics counters. */
import { parseInteger } from './values.js';

/** Info label → attribute file, in the label order of node_fibrechannel_info (after fc_host). */
export const FC_INFO_ATTRIBUTES = [
  'speed',
  'port_state',
  'port_type',
  'port_id',
  'port_name',
  'fabric_name',
  'symbolic_name',
  'supported_classes',
  'supported_speeds',
  'dev_loss_tmo',
] as const;

/** These are printed as 0x-prefixed hex; the label carries the digits only. */
const HEX_ATTRIBUTES: ReadonlySet<string> = new Set(['port_id', 'port_name', 'fabric_name']);

/** statistics file → family suffix, in report order. */
export const FC_COUNTERS: readonly [string, string][] = [
  ['dumped_frames', 'dumped_frames_total'],
  ['error_frames', 'error_frames_total'],
  ['invalid_crc_count', 'invalid_crc_total'],
  ['rx_frames', 'rx_frames_total'],
  ['rx_words', 'rx_words_total'],
  ['tx_frames', 'tx_frames_total'],
  ['tx_words', 'tx_words_total'],
  ['seconds_since_last_reset', 'seconds_since_last_reset_total'],
  ['invalid_tx_word_count', 'invalid_tx_words_total'],
  ['link_failure_count', 'link_failure_total'],
  ['loss_of_sync_count', 'loss_of_sync_total'],
  ['loss_of_signal_count', 'loss_of_signal_total'],
  ['nos_count', 'nos_total'],
  ['fcp_packet_aborts', 'fcp_packet_aborts_total'],
];

/** Info label values in FC_INFO_ATTRIBUTES order; missing attributes are empty. */
export function fcInfoLabels(attributes: ReadonlyMap<string, string>): string[] {
  return FC_INFO_ATTRIBUTES.map((name) => {
    const value = attributes.get(name) ?? '';
    return HEX_ATTRIBUTES.has(name) && value.length > 2 ? value.slice(2) : value;
  });
}

/** Counter family suffix → value; drivers print all ones (0xffffffffffffffff) for counters they do not keep. */
export function fcCounters(statistics: ReadonlyMap<string, string>): [string, number][] {
  return FC_COUNTERS.flatMap(([file, metric]): [string, number][] => {
    const value = parseInteger(statistics.get(file) ?? '');
    return value === undefined || value < 0 || value >= 2 ** 64 ? [] : [[metric, value]];
  });
}
