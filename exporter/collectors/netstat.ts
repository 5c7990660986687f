/** `node_netstat_<Proto>_<Field>` (untyped, as node_exporter) from /proc/net/netstat, snmp and snmp6, for fields matching a regex. */
import { procFilePath } from '../paths.js';
import { parseNetstat, parseSnmp6, type ProtocolCounters } from '../procfs/netstat.js';
import { readOptionalProcFile, readProcFile } from '../procfs/read.js';
import type { CollectorDefinition } from '../types.js';
import { DescriptorCache } from './described.js';

export interface NetstatOptions {
  /** Matched against `<Proto>_<Field>`, e.g. `Tcp_CurrEstab`. */
  fields: RegExp;
}

export const netstatDefaults: NetstatOptions = {
  fields:
    /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/,
};

export const netstatFlags = {
  fields: { flag: 'collector.netstat.fields', kind: 'regexp', help: 'Regexp of fields to return for netstat collector.' },
} as const;

const descriptors = new DescriptorCache('untyped', (key) => {
  const [protocol, field] = key.split(' ') as [string, string];
  return { name: `node_netstat_${protocol}_${field}`, help: `Statistic ${protocol}${field}.` };
});

export function defineNetstatCollector(options: NetstatOptions = netstatDefaults): CollectorDefinition {
  return {
    name: 'netstat',
    defaultEnabled: true,
    description: 'IP, TCP, UDP and ICMP protocol counters, from /proc/net/netstat, snmp and snmp6.',
    create: ({ paths }) => {
      const netstatPath = procFilePath(paths, 'net/netstat');
      const snmpPath = procFilePath(paths, 'net/snmp');
      const snmp6Path = procFilePath(paths, 'net/snmp6');
      return {
        async update(sink) {
          // A later file's protocol replaces an earlier one of the same name, as node_exporter merges them.
          const protocols: ProtocolCounters = new Map([
            ...parseNetstat(readProcFile(netstatPath), netstatPath),
            ...parseNetstat(readProcFile(snmpPath), snmpPath),
          ]);
          // IPv6 disabled: no snmp6.
          const snmp6 = readOptionalProcFile(snmp6Path);
          if (snmp6 !== undefined) for (const entry of parseSnmp6(snmp6, snmp6Path)) protocols.set(...entry);
          for (const [protocol, counters] of protocols) {
            for (const [field, value] of counters) {
              if (options.fields.test(`${protocol}_${field}`)) sink.add(descriptors.get(`${protocol} ${field}`), value);
            }
          }
        },
      };
    },
  };
}

export const netstatCollector = defineNetstatCollector();
