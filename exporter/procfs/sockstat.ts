/** /proc/net/sockstat and sockstat6: `PROTO: key value key value …` lines. */
import { decimal, fieldsOf, numberedLines } from './fields.js';

export interface SockstatProtocol {
  protocol: string;
  /** Only the keys the kernel printed for this protocol (e.g. `inuse`, `orphan`, `tw`, `alloc`, `mem`, `memory`). */
  values: Map<string, number>;
}

export interface Sockstat {
  /** The `sockets: used N` line, which only the IPv4 file has. */
  used?: number;
  protocols: SockstatProtocol[];
}

export function parseSockstat(text: string, source = '/proc/net/sockstat'): Sockstat {
  const stat: Sockstat = { protocols: [] };
  for (const line of numberedLines(text)) {
    const where = `${source} line ${line.number}`;
    const [label, ...pairs] = fieldsOf(line.text);
    if (label === undefined || !label.endsWith(':') || pairs.length === 0 || pairs.length % 2 !== 0) {
      throw new Error(`${where}: expected "PROTO: key value …", got ${JSON.stringify(line.text)}`);
    }
    const values = new Map<string, number>();
    for (let i = 0; i < pairs.length; i += 2) values.set(pairs[i] as string, decimal(pairs[i + 1], `${where}, ${pairs[i]}`));
    const protocol = label.slice(0, -1);
    if (protocol === 'sockets') stat.used = values.get('used');
    else stat.protocols.push({ protocol, values });
  }
  return stat;
}
