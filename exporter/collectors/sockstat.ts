/** `node_sockstat_<PROTO>_<state>` and `node_sockstat_sockets_used` from /proc/net/sockstat and sockstat6. */
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { systemPageSize } from '../procfs/auxv.js';
import { readOptionalProcFile } from '../procfs/read.js';
import { parseSockstat, type SockstatProtocol } from '../procfs/sockstat.js';
import { defineCollector, type CollectorContext, type MetricSink } from '../types.js';
import { DescriptorCache } from './described.js';

/** The keys node_exporter exports, in its order; `mem` is in pages and also exported as `mem_bytes`. */
const KEYS = ['inuse', 'orphan', 'tw', 'alloc', 'mem', 'memory'] as const;

const socketsUsed = describeMetric('node_sockstat_sockets_used', 'Number of IPv4 sockets in use.', 'gauge');
const descriptors = new DescriptorCache('gauge', (key) => {
  const [protocol, state] = key.split(' ') as [string, string];
  return { name: `node_sockstat_${protocol}_${state}`, help: `Number of ${protocol} sockets in state ${state}.` };
});

function addProtocol(sink: MetricSink, { protocol, values }: SockstatProtocol, pageSize: number): void {
  for (const key of KEYS) {
    const value = values.get(key);
    if (value !== undefined) sink.add(descriptors.get(`${protocol} ${key}`), value);
  }
  const pages = values.get('mem');
  if (pages !== undefined) sink.add(descriptors.get(`${protocol} mem_bytes`), pages * pageSize);
}

/** Not a flag: tests set the bytes per page for `*_mem_bytes`; the running kernel's by default. */
type SockstatOptions = { pageSize?: number };

export const sockstatCollector = defineCollector({
  name: 'sockstat',
  defaultEnabled: true,
  description: 'Socket counts and memory per protocol, from /proc/net/sockstat and sockstat6.',
  create: ({ paths, options }: CollectorContext<SockstatOptions>) => {
    const pageSize = options.pageSize ?? systemPageSize();
    const files = ['net/sockstat', 'net/sockstat6'].map((file) => procFilePath(paths, file));
    return {
      async update(sink) {
        // A kernel without IPv4 or IPv6 has no file for it.
        for (const path of files) {
          const text = readOptionalProcFile(path);
          if (text === undefined) continue;
          const stat = parseSockstat(text, path);
          if (stat.used !== undefined) sink.add(socketsUsed, stat.used);
          for (const protocol of stat.protocols) addProtocol(sink, protocol, pageSize);
        }
      },
    };
  },
});
