/** Kernel activity counters from /proc/stat: boot time, context switches, forks, interrupts, runnable/blocked processes, softirqs. */
import { booleanFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import { parseStat, SOFTIRQ_VECTORS } from '../procfs/stat.js';
import { collectorFlag, defineCollector, type MetricSink } from '../types.js';

const intrDesc = describeMetric('node_intr_total', 'Total number of interrupts serviced.', 'counter');
const contextSwitchesDesc = describeMetric('node_context_switches_total', 'Total number of context switches.', 'counter');
const forksDesc = describeMetric('node_forks_total', 'Total number of forks.', 'counter');
const bootTimeDesc = describeMetric('node_boot_time_seconds', 'Node boot time, in unixtime.', 'gauge');
const procsRunningDesc = describeMetric('node_procs_running', 'Number of processes in runnable state.', 'gauge');
const procsBlockedDesc = describeMetric('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', 'gauge');
const softirqsDesc = describeMetric('node_softirqs_total', 'Number of softirq calls.', 'counter', ['vector']);
const vectorLabels = SOFTIRQ_VECTORS.map((vector) => [vector]);

function addIfPresent(sink: MetricSink, desc: MetricDesc, value: number | undefined): void {
  if (value !== undefined) sink.add(desc, value);
}

export const statCollector = defineCollector({
  name: 'stat',
  defaultEnabled: true,
  description: 'Boot time, context switches, forks, interrupts, process states and softirqs, from /proc/stat.',
  flags: {
    softirq: collectorFlag('collector.stat.softirq', booleanFlag('Export softirq calls per vector', false)),
  },
  create: ({ paths, options }) => {
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
        if (options.softirq && stat.softirqs !== undefined) {
          for (let v = 0; v < vectorLabels.length; v++) sink.add(softirqsDesc, stat.softirqs[v] as number, vectorLabels[v]);
        }
      },
    };
  },
});
