/** /proc/net/arp: a header line, then `IP HWtype Flags HWaddress Mask Device` per IPv4 neighbour. */
import { fieldsOf, hexadecimal, numberedLines } from './fields.js';

export interface ArpEntry {
  ip: string;
  hwAddress: string;
  /** ATF_* bits; 0x2 (ATF_COM) marks a complete entry. */
  flags: number;
  device: string;
}

export function parseArp(text: string, source = '/proc/net/arp'): ArpEntry[] {
  const entries: ArpEntry[] = [];
  for (const line of numberedLines(text)) {
    if (line.text.startsWith('IP address')) continue;
    const fields = fieldsOf(line.text);
    const where = `${source} line ${line.number}`;
    if (fields.length !== 6) throw new Error(`${where}: expected 6 columns, got ${fields.length}`);
    const [ip, , flags, hwAddress, , device] = fields as [string, string, string, string, string, string];
    entries.push({ ip, hwAddress, flags: hexadecimal(flags, `${where}, flags`), device });
  }
  return entries;
}
