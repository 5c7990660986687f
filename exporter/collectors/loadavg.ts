/** `node_load1`, `node_load5`, `node_load15` from /proc/loadavg. */
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { parseLoadavg } from '../procfs/loadavg.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';

export const load1Desc = describeMetric('node_load1', '1m load average.', 'gauge');
export const load5Desc = describeMetric('node_load5', '5m load average.', 'gauge');
export const load15Desc = describeMetric('node_load15', '15m load average.', 'gauge');

export const loadavgCollector = defineCollector({
  name: 'loadavg',
  defaultEnabled: true,
  description: 'Load averages over 1, 5 and 15 minutes, from /proc/loadavg.',
  create: ({ paths }) => {
    const loadavgPath = procFilePath(paths, 'loadavg');
    return {
      async update(sink) {
        const load = parseLoadavg(readProcFile(loadavgPath));
        sink.add(load1Desc, load.load1);
        sink.add(load5Desc, load.load5);
        sink.add(load15Desc, load.load15);
      },
    };
  },
});
