/** /proc/net/ip_vs_stats (hexadecimal totals) and /proc/net/ip_vs (virtual services and their real servers). */
import { decimal, fieldsOf, hexadecimal, numberedLines } from './fields.js';

export interface IpvsStats {
  connections: number;
  incomingPackets: number;
  outgoingPackets: number;
  incomingBytes: number;
  outgoingBytes: number;
}

/** The totals are the third line: connections, packets in, packets out, bytes in, bytes out. */
export function parseIpvsStats(text: string, source = '/proc/net/ip_vs_stats'): IpvsStats {
  const line = text.split('\n')[2];
  const where = `${source} line 3`;
  const fields = fieldsOf(line ?? '');
  if (fields.length !== 5) throw new Error(`${where}: expected 5 hexadecimal totals, got ${JSON.stringify(line ?? '')}`);
  const [connections, incomingPackets, outgoingPackets, incomingBytes, outgoingBytes] = fields.map((field) => hexadecimal(field, where)) as [number, number, number, number, number];
  return { connections, incomingPackets, outgoingPackets, incomingBytes, outgoingBytes };
}

export interface IpvsBackend {
  /** `TCP`, `UDP`, `SCTP` or `FWM`. */
  proto: string;
  /** Empty for firewall-mark services. */
  localAddress: string;
  localPort: number;
  /** The firewall mark of an `FWM` service, else empty. */
  localMark: string;
  remoteAddress: string;
  remotePort: number;
  weight: number;
  activeConnections: number;
  inactiveConnections: number;
}

/** An IPv6 address in the shortest form (RFC 5952), an IPv4-mapped one as dotted IPv4, as Go prints them. */
function formatIpv6(groups: number[]): string {
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] as number >> 8, (groups[6] as number) & 0xff, groups[7] as number >> 8, (groups[7] as number) & 0xff].join('.');
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** `C0A80016:0CEA` (IPv4) or `[2001:0db8:…:0001]:0050` (IPv6), both hexadecimal. */
function parseAddressPort(token: string, where: string): { address: string; port: number } {
  const ipv4 = /^([0-9A-Fa-f]{8}):([0-9A-Fa-f]{4})$/.exec(token);
  if (ipv4 !== null) {
    const value = Number.parseInt(ipv4[1] as string, 16);
    return { address: [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.'), port: Number.parseInt(ipv4[2] as string, 16) };
  }
  const ipv6 = /^\[((?:[0-9A-Fa-f]{4}:){7}[0-9A-Fa-f]{4})\]:([0-9A-Fa-f]{4})$/.exec(token);
  if (ipv6 !== null) {
    const groups = (ipv6[1] as string).split(':').map((group) => Number.parseInt(group, 16));
    return { address: formatIpv6(groups), port: Number.parseInt(ipv6[2] as string, 16) };
  }
  throw new Error(`${where}: expected a hexadecimal address:port, got ${JSON.stringify(token)}`);
}

export function parseIpvsBackends(text: string, source = '/proc/net/ip_vs'): IpvsBackend[] {
  const backends: IpvsBackend[] = [];
  let service: Pick<IpvsBackend, 'proto' | 'localAddress' | 'localPort' | 'localMark'> | undefined;
  for (const line of numberedLines(text)) {
    const fields = fieldsOf(line.text);
    const where = `${source} line ${line.number}`;
    const [first, second] = fields;
    if (first === 'IP' || first === 'Prot' || second === 'RemoteAddress:Port') continue;
    if (first === 'FWM') {
      if (second === undefined) throw new Error(`${where}: FWM without a mark`);
      service = { proto: first, localAddress: '', localPort: 0, localMark: second };
    } else if (first === '->') {
      if (service === undefined) throw new Error(`${where}: a real server before any virtual service`);
      if (fields.length < 6) throw new Error(`${where}: expected "-> address:port forward weight active inactive", got ${JSON.stringify(line.text.trim())}`);
      const remote = parseAddressPort(second as string, where);
      backends.push({
        ...service,
        remoteAddress: remote.address,
        remotePort: remote.port,
        weight: decimal(fields[3], `${where}, weight`),
        activeConnections: decimal(fields[4], `${where}, active connections`),
        inactiveConnections: decimal(fields[5], `${where}, inactive connections`),
      });
    } else if (first !== undefined && second !== undefined) {
      const local = parseAddressPort(second, where);
      service = { proto: first, localAddress: local.address, localPort: local.port, localMark: '' };
    } else {
      throw new Error(`${where}: unexpected line ${JSON.stringify(line.text.trim())}`);
    }
  }
  return backends;
}
