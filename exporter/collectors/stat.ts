/** Kernel activity counters from /proc/stat: boot time, context switches, forks, interrupts, runnable/blocked processes. */
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import { parseStat } from '../procfs/stat.js';
import { defineCollector, type MetricSink } from '../types.js';

const intrDesc = describeMetric('node_intr_total', 'Total number of interrupts serviced.', 'counter');
const contextSwitchesDesc = describeMetric('node_context_switches_total', 'Total number of context switches.', 'counter');
const forksDesc = describeMetric('node_forks_total', 'Total number of forks.', 'counter');
const bootTimeDesc = describeMetric('node_boot_time_seconds', 'Node boot time, in unixtime.', 'gauge');
const procsRunningDesc = describeMetric('node_procs_running', 'Number of processes in runnable state.', 'gauge');
const procsBlockedDesc = describeMetric('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', 'gauge');

function addIfPresent(sink: MetricSink, desc: MetricDesc, value: number | undefined): void {
  if (value !== undefined) sink.add(desc, value);
}

export const statCollector = defineCollector({
  name: 'stat',
  defaultEnabled: true,
  description: 'Boot time, context switches, forks, interrupts and process states, from /proc/stat.',
  create: ({ paths }) => {
    const statPath = procFilePath(paths, 'stat');
    return {
      async update(sink) {
        const stat = parseStat(readProcFile(statPath));
        addIfPresent(sink, intrDesc, stat.interrupts);
        addIfPresent(sink, contextSwitchesDesc, stat.contextSwitches);
        addIfPresent(sink, forksDesc, stat.forks);
        addIfPresent(sink, bootTimeDesc, stat.bootTimeSeconds);
        addIfPresent(sink, procsRunningDesc, stat.procsRunning);
        addIfPresent(sink, procsBlockedDesc, stat.procsBlocked);
      },
    };
  },
});
