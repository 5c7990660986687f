/** `node_schedstat_{running,waiting}_seconds_total{cpu}` and `node_schedstat_timeslices_total{cpu}` from /proc/schedstat. */
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { readOptionalProcFile } from '../procfs/read.js';
import { parseSchedstat } from '../procfs/schedstat.js';
import { defineCollector, NoDataError } from '../types.js';

const CPU = ['cpu'];
const running = describeMetric('node_schedstat_running_seconds_total', 'Number of seconds CPU spent running a process.', 'counter', CPU);
const waiting = describeMetric('node_schedstat_waiting_seconds_total', 'Number of seconds spent by processing waiting for this CPU.', 'counter', CPU);
const timeslices = describeMetric('node_schedstat_timeslices_total', 'Number of timeslices executed by CPU.', 'counter', CPU);

export const schedstatCollector = defineCollector({
  name: 'schedstat',
  defaultEnabled: true,
  description: 'Per-CPU scheduler running and waiting time, from /proc/schedstat.',
  create: ({ paths }) => {
    const schedstatPath = procFilePath(paths, 'schedstat');
    return {
      async update(sink) {
        // Kernels built without CONFIG_SCHEDSTATS have no such file.
        const text = readOptionalProcFile(schedstatPath);
        if (text === undefined) throw new NoDataError(`${schedstatPath} not found`);
        for (const cpu of parseSchedstat(text, schedstatPath)) {
          const labels = [cpu.cpu];
          sink.add(running, cpu.runningSeconds, labels);
          sink.add(waiting, cpu.waitingSeconds, labels);
          sink.add(timeslices, cpu.timeslices, labels);
        }
      },
    };
  },
});
