/** `node_netstat_<Proto>_<Field>` (untyped, as node_exporter) from /proc/net/netstat, snmp and snmp6, for fields matching a regex. */
import { compileRegex } from '../../common/regex.js';
import { regexpFlag } from '../../common/flags.js';
import type { MetricDesc } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { parseNetstat, parseSnmp6, type ProtocolCounters } from '../procfs/netstat.js';
import { readOptionalProcFile, readProcFile } from '../procfs/read.js';
import { collectorFlag, defineCollector } from '../types.js';
import { DescriptorCache } from './described.js';

export const DEFAULT_NETSTAT_FIELDS = compileRegex(
  '^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$',
);

const descriptors = new DescriptorCache('untyped', (key) => {
  const [protocol, field] = key.split(' ') as [string, string];
  return { name: `node_netstat_${protocol}_${field}`, help: `Statistic ${protocol}${field}.` };
});

export const netstatCollector = defineCollector({
  name: 'netstat',
  defaultEnabled: true,
  description: 'IP, TCP, UDP and ICMP protocol counters, from /proc/net/netstat, snmp and snmp6.',
  flags: {
    // Matched against `<Proto>_<Field>`, e.g. `Tcp_CurrEstab`.
    fields: collectorFlag('collector.netstat.fields', regexpFlag('Regexp of fields to return for netstat collector.', DEFAULT_NETSTAT_FIELDS)),
  },
  create: ({ paths, options }) => {
    const netstatPath = procFilePath(paths, 'net/netstat');
    const snmpPath = procFilePath(paths, 'net/snmp');
    const snmp6Path = procFilePath(paths, 'net/snmp6');
    const { fields } = options;
    // Protocol → field → its family, or null when the field is not chosen: each decided once.
    const chosenByProtocol = new Map<string, Map<string, MetricDesc | null>>();
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
          let chosen = chosenByProtocol.get(protocol);
          if (chosen === undefined) chosenByProtocol.set(protocol, (chosen = new Map()));
          for (const [field, value] of counters) {
            let desc = chosen.get(field);
            if (desc === undefined) {
              desc = fields.test(`${protocol}_${field}`) ? descriptors.get(`${protocol} ${field}`) : null;
              chosen.set(field, desc);
            }
            if (desc !== null) sink.add(desc, value);
          }
        }
      },
    };
  },
});
