/** `node_udp_queues{queue,ip}`: bytes queued in all UDP sockets, from /proc/net/udp and udp6. */
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { readProcFileByLines } from '../procfs/read-lines.js';
import { parseUdpQueues, type UdpQueues } from '../procfs/udp.js';
import { defineCollector, NoDataError } from '../types.js';

const queues = describeMetric('node_udp_queues', 'Number of allocated memory in the kernel for UDP datagrams in bytes.', 'gauge', ['queue', 'ip']);

/** `undefined` when the file does not exist (that IP version is disabled). */
function sumQueues(path: string): UdpQueues | undefined {
  const total: UdpQueues = { txQueueBytes: 0, rxQueueBytes: 0 };
  try {
    readProcFileByLines(path, (text, firstLine) => {
      const part = parseUdpQueues(text, path, firstLine);
      total.txQueueBytes += part.txQueueBytes;
      total.rxQueueBytes += part.rxQueueBytes;
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return total;
}

export const udpQueuesCollector = defineCollector({
  name: 'udp_queues',
  defaultEnabled: true,
  description: 'Bytes queued in UDP sockets (IPv4 and IPv6), from /proc/net/udp and udp6.',
  create: ({ paths }) => {
    const files = [
      ['v4', procFilePath(paths, 'net/udp')],
      ['v6', procFilePath(paths, 'net/udp6')],
    ] as const;
    return {
      async update(sink) {
        let found = false;
        for (const [ip, path] of files) {
          const total = sumQueues(path);
          if (total === undefined) continue;
          found = true;
          sink.add(queues, total.txQueueBytes, ['tx', ip]);
          sink.add(queues, total.rxQueueBytes, ['rx', ip]);
        }
        if (!found) throw new NoDataError('neither /proc/net/udp nor /proc/net/udp6 exists');
      },
    };
  },
});
