/**
 * The exporter's metrics about itself (`process_*`, `promhttp_metric_handler_*`), the ones
 * node_exporter's client_golang adds, read cheaply so they cost little per scrape.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describeMetric, MetricFamilies } from '../common/metrics.js';

const cpuDesc = describeMetric('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter');
const residentDesc = describeMetric('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge');
const startDesc = describeMetric('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge');
const openFdsDesc = describeMetric('process_open_fds', 'Number of open file descriptors.', 'gauge');
const maxFdsDesc = describeMetric('process_max_fds', 'Maximum number of open file descriptors.', 'gauge');
const heapDesc = describeMetric('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge');
const requestsDesc = describeMetric('promhttp_metric_handler_requests_total', 'Total number of scrapes by HTTP status code.', 'counter', ['code']);
const inFlightDesc = describeMetric('promhttp_metric_handler_requests_in_flight', 'Current number of scrapes being served.', 'gauge');

/** The soft limit from /proc/self/limits, read once (it does not change under a running exporter). */
function readMaxFds(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line === null || line[1] === 'unlimited' ? undefined : Number(line[1]);
  } catch {
    return undefined;
  }
}

export class SelfMetrics {
  readonly #startTime = Math.round(Date.now() - performance.now()) / 1000;
  readonly #maxFds = process.platform === 'linux' ? readMaxFds() : undefined;
  readonly #requestsByCode = new Map<number, number>([
    [200, 0],
    [500, 0],
    [503, 0],
  ]);
  inFlight = 0;

  countResponse(statusCode: number): void {
    this.#requestsByCode.set(statusCode, (this.#requestsByCode.get(statusCode) ?? 0) + 1);
  }

  collect(): MetricFamilies {
    const families = new MetricFamilies();
    const cpu = process.cpuUsage();
    families.add(cpuDesc, (cpu.user + cpu.system) / 1e6);
    if (this.#maxFds !== undefined) families.add(maxFdsDesc, this.#maxFds);
    if (process.platform === 'linux') families.add(openFdsDesc, readdirSync('/proc/self/fd').length);
    const memory = process.memoryUsage();
    families.add(residentDesc, memory.rss);
    families.add(startDesc, this.#startTime);
    families.add(heapDesc, memory.heapUsed);
    families.add(inFlightDesc, this.inFlight);
    for (const [code, count] of this.#requestsByCode) families.add(requestsDesc, count, [String(code)]);
    return families;
  }
}
