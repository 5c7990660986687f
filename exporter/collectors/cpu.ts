/**
 * `node_cpu_seconds_total{cpu,mode}` and `node_cpu_guest_seconds_total` from /proc/stat, plus isolated CPUs and
 * thermal throttle counts and online states from sysfs where the kernel has them (node_exporter cpu_linux.go).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../common/logging.js';
import { booleanFlag, regexpFlag } from '../../common/flags.js';
import { describeMetric } from '../../common/metrics.js';
import { procFilePath, sysFilePath } from '../paths.js';
import { parseCpuList } from '../procfs/cpulist.js';
import { readOptionalProcFile, readProcFile } from '../procfs/read.js';
import { parseStat, type CpuStat, type CpuTimes } from '../procfs/stat.js';
import { collectorFlag, defineCollector, type Collector, type CollectorContext, type CollectorFlagValues, type MetricSink } from '../types.js';
import { addCpuInfo, cpuInfoWanted, type CpuInfoOptions } from './cpu-info.js';

const secondsDesc = describeMetric('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 'counter', ['cpu', 'mode']);
const guestDesc = describeMetric(
  'node_cpu_guest_seconds_total',
  'Seconds the CPUs spent in guests (VMs) for each mode.',
  'counter',
  ['cpu', 'mode'],
);
const isolatedDesc = describeMetric(
  'node_cpu_isolated',
  'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.',
  'gauge',
  ['cpu'],
);
const onlineDesc = describeMetric('node_cpu_online', 'CPUs that are online and being scheduled.', 'gauge', ['cpu']);
const coreThrottlesDesc = describeMetric('node_cpu_core_throttles_total', 'Number of times this CPU core has been throttled.', 'counter', [
  'core',
  'package',
]);
const packageThrottlesDesc = describeMetric(
  'node_cpu_package_throttles_total',
  'Number of times this CPU package has been throttled.',
  'counter',
  ['package'],
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
class MonotonicCpuTimes {
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

/**
 * Throttle counts exist on bare metal only (Intel's thermal_throttle); one value per core and per
 * package. Whether a CPU has them never changes, so `hasThrottle` remembers it between scrapes.
 */
function addThrottles(sink: MetricSink, cpuRoot: string, cpus: Iterable<string>, hasThrottle: Map<string, boolean>): void {
  const cores = new Set<string>();
  const packages = new Set<string>();
  for (const cpu of cpus) {
    const dir = join(cpuRoot, `cpu${cpu}`);
    let present = hasThrottle.get(cpu);
    if (present === undefined) {
      present = existsSync(join(dir, 'thermal_throttle'));
      hasThrottle.set(cpu, present);
    }
    if (!present) continue;
    const pkg = readProcFile(join(dir, 'topology', 'physical_package_id')).trim();
    const core = readProcFile(join(dir, 'topology', 'core_id')).trim();
    if (!cores.has(`${pkg}:${core}`)) {
      cores.add(`${pkg}:${core}`);
      const count = readOptionalProcFile(join(dir, 'thermal_throttle', 'core_throttle_count'));
      if (count !== undefined) sink.add(coreThrottlesDesc, Number(count.trim()), [core, pkg]);
    }
    if (!packages.has(pkg)) {
      packages.add(pkg);
      const count = readOptionalProcFile(join(dir, 'thermal_throttle', 'package_throttle_count'));
      if (count !== undefined) sink.add(packageThrottlesDesc, Number(count.trim()), [pkg]);
    }
  }
}

/**
 * `cpuN/online` of every CPU sysfs lists, offline ones included. The first CPU (cpu0) has no such file
 * where it cannot be unplugged (x86): then, as node_exporter, nothing is reported.
 */
function addOnline(sink: MetricSink, cpuRoot: string): void {
  let names: string[];
  try {
    names = readdirSync(cpuRoot).filter((name) => /^cpu\d+$/.test(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const cpus = names.map((name) => name.slice(3)).sort((a, b) => Number(a) - Number(b));
  const states = cpus.map((cpu) => readOptionalProcFile(join(cpuRoot, `cpu${cpu}`, 'online'))?.trim());
  if (states[0] === undefined) return;
  for (let i = 0; i < cpus.length; i++) sink.add(onlineDesc, states[i] === '1' ? 1 : 0, [cpus[i] as string]);
}

const cpuFlags = {
  guest: collectorFlag('collector.cpu.guest', booleanFlag('Enables metric node_cpu_guest_seconds_total', true)),
  info: collectorFlag('collector.cpu.info', booleanFlag('Enables metric cpu_info')),
  // Either pattern turns info on, as in node_exporter.
  infoFlagsInclude: collectorFlag(
    'collector.cpu.info.flags-include',
    regexpFlag('Filter the `flags` field in cpuInfo with a value that must be a regular expression', undefined),
  ),
  infoBugsInclude: collectorFlag(
    'collector.cpu.info.bugs-include',
    regexpFlag('Filter the `bugs` field in cpuInfo with a value that must be a regular expression', undefined),
  ),
};

class CpuCollector implements Collector {
  readonly #statPath: string;
  readonly #cpuRoot: string;
  readonly #cpuinfoPath: string;
  readonly #options: CollectorFlagValues<typeof cpuFlags>;
  readonly #info: CpuInfoOptions;
  readonly #times: MonotonicCpuTimes;
  readonly #labels = new Map<string, CpuLabels>();
  readonly #hasThrottle = new Map<string, boolean>();

  constructor({ paths, logger, options }: CollectorContext<CollectorFlagValues<typeof cpuFlags>>) {
    this.#statPath = procFilePath(paths, 'stat');
    this.#cpuRoot = sysFilePath(paths, 'devices', 'system', 'cpu');
    this.#cpuinfoPath = procFilePath(paths, 'cpuinfo');
    this.#options = options;
    // node_cpu_frequency_hertz from cpuinfo would clash with cpufreq's family of that name: never added here.
    this.#info = { enabled: options.info, flagsInclude: options.infoFlagsInclude, bugsInclude: options.infoBugsInclude, cpufreqEnabled: false };
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
    if (this.#options.guest) {
      for (const [cpu, t] of times) {
        const labels = this.#labelsFor(cpu);
        sink.add(guestDesc, t.guest, labels.guestUser);
        sink.add(guestDesc, t.guestNice, labels.guestNice);
      }
    }
    if (cpuInfoWanted(this.#info)) addCpuInfo(sink, readProcFile(this.#cpuinfoPath), this.#info, this.#cpuinfoPath);
    addThrottles(sink, this.#cpuRoot, times.keys(), this.#hasThrottle);
    const isolatedPath = join(this.#cpuRoot, 'isolated');
    const isolated = readOptionalProcFile(isolatedPath);
    if (isolated !== undefined) for (const cpu of parseCpuList(isolated, isolatedPath)) sink.add(isolatedDesc, 1, [cpu]);
    addOnline(sink, this.#cpuRoot);
  }
}

export const cpuCollector = defineCollector({
  name: 'cpu',
  defaultEnabled: true,
  description: 'Seconds each CPU spent in each mode, from /proc/stat; with --collector.cpu.info, /proc/cpuinfo.',
  flags: cpuFlags,
  create: (context) => new CpuCollector(context),
});
