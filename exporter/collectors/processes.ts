/** `node_processes_*`: processes and threads by state, PIDs in use, and the kernel's PID and thread limits. */
import { describeMetric, type MetricDesc, type MetricSink } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { singleNumber } from '../procfs/fields.js';
import { countProcesses } from '../procfs/processes.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';

const threads = describeMetric('node_processes_threads', 'Allocated threads in system', 'gauge');
const maxThreads = describeMetric('node_processes_max_threads', 'Limit of threads in the system', 'gauge');
const threadsState = describeMetric('node_processes_threads_state', 'Number of threads in each state.', 'gauge', ['thread_state']);
const processState = describeMetric('node_processes_state', 'Number of processes in each state.', 'gauge', ['state']);
const pids = describeMetric('node_processes_pids', 'Number of PIDs', 'gauge');
const maxProcesses = describeMetric('node_processes_max_processes', 'Number of max PIDs limit', 'gauge');

function addByState(sink: MetricSink, desc: MetricDesc, counts: Map<string, number>): void {
  for (const state of [...counts.keys()].sort()) sink.add(desc, counts.get(state) ?? 0, [state]);
}

export const processesCollector = defineCollector({
  name: 'processes',
  defaultEnabled: false,
  description: 'Processes and threads by state, from /proc/[pid]/stat and /proc/[pid]/task/*/stat, with the PID and thread limits.',
  create: ({ paths }) => {
    const threadsMaxPath = procFilePath(paths, 'sys/kernel/threads-max');
    const pidMaxPath = procFilePath(paths, 'sys/kernel/pid_max');
    return {
      async update(sink) {
        const counts = countProcesses(paths.procfs);
        sink.add(threads, counts.threads);
        sink.add(maxThreads, singleNumber(readProcFile(threadsMaxPath), threadsMaxPath));
        addByState(sink, processState, counts.processStates);
        addByState(sink, threadsState, counts.threadStates);
        sink.add(pids, counts.pids);
        sink.add(maxProcesses, singleNumber(readProcFile(pidMaxPath), pidMaxPath));
      },
    };
  },
});
