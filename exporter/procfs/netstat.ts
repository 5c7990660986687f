/**
 * /proc/net/netstat and /proc/net/snmp (pairs of `Proto: names…` / `Proto: values…` lines) and
 * /proc/net/snmp6 (`Ip6InReceives value` lines), as protocol → field → value.
 */
import { decimal, fieldsOf, numberedLines } from './fields.js';

export type ProtocolCounters = Map<string, Map<string, number>>;

export function parseNetstat(text: string, source = '/proc/net/netstat'): ProtocolCounters {
  const protocols: ProtocolCounters = new Map();
  const lines = numberedLines(text);
  for (let i = 0; i < lines.length; i += 2) {
    const header = lines[i] as { number: number; text: string };
    const valuesLine = lines[i + 1];
    const [label, ...names] = fieldsOf(header.text);
    if (valuesLine === undefined) throw new Error(`${source} line ${header.number}: header without a values line`);
    const [valueLabel, ...values] = fieldsOf(valuesLine.text);
    const where = `${source} line ${valuesLine.number}`;
    if (label === undefined || !label.endsWith(':') || valueLabel !== label) {
      throw new Error(`${where}: expected "${label ?? ''}" values after line ${header.number}, got ${JSON.stringify(valueLabel ?? '')}`);
    }
    if (names.length !== values.length) throw new Error(`${where}: ${values.length} values for ${names.length} names`);
    const counters = new Map<string, number>();
    names.forEach((name, j) => counters.set(name, decimal(values[j], where, name)));
    protocols.set(label.slice(0, -1), counters);
  }
  return protocols;
}

/** The protocol is the name up to its first "6" (`Ip6`, `Icmp6`, `Udp6`, `UdpLite6`); lines without one are skipped. */
export function parseSnmp6(text: string, source = '/proc/net/snmp6'): ProtocolCounters {
  const protocols: ProtocolCounters = new Map();
  for (const line of numberedLines(text)) {
    const [key, value] = fieldsOf(line.text);
    const six = key?.indexOf('6') ?? -1;
    if (key === undefined || six < 0 || value === undefined) continue;
    const protocol = key.slice(0, six + 1);
    let counters = protocols.get(protocol);
    if (counters === undefined) {
      counters = new Map();
      protocols.set(protocol, counters);
    }
    counters.set(key.slice(six + 1), decimal(value, `${source} line ${line.number}`, key));
  }
  return protocols;
}
