/**
 * `process_*` metrics about this process, the ones client_golang adds to node_exporter and
 * blackbox_exporter, read cheaply so that they cost little per scrape.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describeMetric, type MetricSink } from './metrics.js';

const cpuDesc = describeMetric('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter');
const residentDesc = describeMetric('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge');
const startDesc = describeMetric('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge');
const openFdsDesc = describeMetric('process_open_fds', 'Number of open file descriptors.', 'gauge');
const maxFdsDesc = describeMetric('process_max_fds', 'Maximum number of open file descriptors.', 'gauge');
const heapDesc = describeMetric('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge');

const startTime = Math.round(Date.now() - performance.now()) / 1000;

/** The soft limit from /proc/self/limits, read once (it does not change under a running process). */
function readMaxFds(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line === null || line[1] === 'unlimited' ? undefined : Number(line[1]);
  } catch {
    return undefined;
  }
}

const maxFds = readMaxFds();

/** Adds this process's CPU time, memory, start time and file descriptors to `sink`. */
export function collectProcessMetrics(sink: MetricSink): void {
  const cpu = process.cpuUsage();
  sink.add(cpuDesc, (cpu.user + cpu.system) / 1e6);
  if (maxFds !== undefined) sink.add(maxFdsDesc, maxFds);
  if (process.platform === 'linux') sink.add(openFdsDesc, readdirSync('/proc/self/fd').length);
  const memory = process.memoryUsage();
  sink.add(residentDesc, memory.rss);
  sink.add(startDesc, startTime);
  sink.add(heapDesc, memory.heapUsed);
}
