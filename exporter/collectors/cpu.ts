/** `node_cpu_seconds_total{cpu,mode}` and `node_cpu_guest_seconds_total` from /proc/stat (node_exporter cpu_linux.go). */
import { describeMetric } from '../../common/metrics.js';
import type { Logger } from '../../common/logging.js';
import { procFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import { parseStat, type CpuStat, type CpuTimes } from '../procfs/stat.js';
import type { Collector, CollectorDefinition, MetricSink } from '../types.js';

const secondsDesc = describeMetric('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 'counter', ['cpu', 'mode']);
const guestDesc = describeMetric(
  'node_cpu_guest_seconds_total',
  'Seconds the CPUs spent in guests (VMs) for each mode.',
  'counter',
  ['cpu', 'mode'],
);

/** Modes in label order; guest time is already included in user and nice, so it has its own family. */
const MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'] as const;
const FIELDS = [...MODES, 'guest', 'guestNice'] as const;
/** An idle counter that drops this much means the CPU went offline and came back (hotplug). */
const HOTPLUG_IDLE_DROP_SECONDS = 3;

interface CpuLabels {
  modes: string[][];
  guestUser: string[];
  guestNice: string[];
}

/**
 * Keeps each CPU's counters monotonic: the kernel's per-CPU times can dip slightly (iowait is
 * known to), so a lower value keeps the previous one; a big idle drop resets that CPU instead.
 */
export class MonotonicCpuTimes {
  readonly #last = new Map<string, CpuTimes>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  update(cpus: readonly CpuStat[]): Map<string, CpuTimes> {
    const seen = new Set<string>();
    for (const current of cpus) {
      seen.add(current.cpu);
      let last = this.#last.get(current.cpu);
      if (last !== undefined && last.idle - current.idle >= HOTPLUG_IDLE_DROP_SECONDS) {
        this.#logger.debug({ cpu: current.cpu, oldIdle: last.idle, newIdle: current.idle }, 'CPU idle jumped backwards, assuming a hotplug event and resetting its counters');
        last = undefined;
      }
      if (last === undefined) {
        const { cpu: _cpu, ...times } = current;
        this.#last.set(current.cpu, times);
        continue;
      }
      for (const field of FIELDS) {
        if (current[field] >= last[field]) last[field] = current[field];
        else this.#logger.debug({ cpu: current.cpu, field, old: last[field], new: current[field] }, 'CPU counter went backwards, keeping the old value');
      }
    }
    for (const cpu of this.#last.keys()) if (!seen.has(cpu)) this.#last.delete(cpu);
    return this.#last;
  }
}

class CpuCollector implements Collector {
  readonly #statPath: string;
  readonly #times: MonotonicCpuTimes;
  readonly #labels = new Map<string, CpuLabels>();

  constructor(statPath: string, logger: Logger) {
    this.#statPath = statPath;
    this.#times = new MonotonicCpuTimes(logger);
  }

  #labelsFor(cpu: string): CpuLabels {
    let labels = this.#labels.get(cpu);
    if (labels === undefined) {
      labels = { modes: MODES.map((mode) => [cpu, mode]), guestUser: [cpu, 'user'], guestNice: [cpu, 'nice'] };
      this.#labels.set(cpu, labels);
    }
    return labels;
  }

  async update(sink: MetricSink): Promise<void> {
    const stat = parseStat(readProcFile(this.#statPath));
    const times = this.#times.update(stat.cpus);
    for (const [cpu, t] of times) {
      const labels = this.#labelsFor(cpu);
      for (let m = 0; m < MODES.length; m++) sink.add(secondsDesc, t[MODES[m] as (typeof MODES)[number]], labels.modes[m]);
    }
    for (const [cpu, t] of times) {
      const labels = this.#labelsFor(cpu);
      sink.add(guestDesc, t.guest, labels.guestUser);
      sink.add(guestDesc, t.guestNice, labels.guestNice);
    }
  }
}

export const cpuCollector: CollectorDefinition = {
  name: 'cpu',
  defaultEnabled: true,
  description: 'Seconds each CPU spent in each mode, from /proc/stat.',
  create: ({ paths, logger }) => new CpuCollector(procFilePath(paths, 'stat'), logger),
};
