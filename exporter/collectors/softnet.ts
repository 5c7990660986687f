/** `node_softnet_*{cpu}` from /proc/net/softnet_stat. */
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import { parseSoftnet, type SoftnetStat } from '../procfs/softnet.js';
import { defineCollector } from '../types.js';

const CPU = ['cpu'];
const families: readonly [keyof SoftnetStat, MetricDesc][] = [
  ['processed', describeMetric('node_softnet_processed_total', 'Number of processed packets', 'counter', CPU)],
  ['dropped', describeMetric('node_softnet_dropped_total', 'Number of dropped packets', 'counter', CPU)],
  ['timeSqueezed', describeMetric('node_softnet_times_squeezed_total', 'Number of times processing packets ran out of quota', 'counter', CPU)],
  ['cpuCollision', describeMetric('node_softnet_cpu_collision_total', 'Number of collision occur while obtaining device lock while transmitting', 'counter', CPU)],
  ['receivedRps', describeMetric('node_softnet_received_rps_total', 'Number of times cpu woken up received_rps', 'counter', CPU)],
  ['flowLimitCount', describeMetric('node_softnet_flow_limit_count_total', 'Number of times flow limit has been reached', 'counter', CPU)],
  ['backlogLength', describeMetric('node_softnet_backlog_len', 'Softnet backlog status', 'gauge', CPU)],
];

export const softnetCollector = defineCollector({
  name: 'softnet',
  defaultEnabled: true,
  description: 'Per-CPU packet processing counters, from /proc/net/softnet_stat.',
  create: ({ paths }) => {
    const softnetPath = procFilePath(paths, 'net/softnet_stat');
    return {
      async update(sink) {
        const stats = parseSoftnet(readProcFile(softnetPath), softnetPath);
        for (const [field, desc] of families) {
          for (const stat of stats) {
            // Columns an older kernel does not print are left out rather than reported as 0.
            const value = stat[field];
            if (value !== undefined) sink.add(desc, value, [String(stat.cpu)]);
          }
        }
      },
    };
  },
});
