/**
 * node_exporter's `--collector.cpu.info` part of the cpu collector: `node_cpu_info`, and
 * `node_cpu_flag_info` / `node_cpu_bug_info` for the first CPU's flags and bugs that the include
 * patterns match (none without a pattern). With the cpufreq collector on, node_exporter also adds
 * `node_cpu_frequency_hertz{package,core,cpu}` from `cpu MHz`.
 */
import type { GoRegExp } from '../../common/regex.js';
import { describeMetric } from '../../common/metrics.js';
import { parseCpuinfo } from '../procfs/cpuinfo.js';
import type { MetricSink } from '../types.js';

export interface CpuInfoOptions {
  /** `--collector.cpu.info`; node_exporter turns it on when either include pattern is given. */
  enabled: boolean;
  /** `--collector.cpu.info.flags-include` */
  flagsInclude?: GoRegExp;
  /** `--collector.cpu.info.bugs-include` */
  bugsInclude?: GoRegExp;
  /**
   * Whether the cpufreq collector is enabled too. node_exporter then adds node_cpu_frequency_hertz with
   * package and core labels to cpufreq's family of the same name with only `cpu`, which one family
   * cannot hold: off unless asked for.
   */
  cpufreqEnabled: boolean;
}

export const cpuInfoDefaults: Readonly<CpuInfoOptions> = Object.freeze({ enabled: false, cpufreqEnabled: false });

const infoDesc = describeMetric('node_cpu_info', 'CPU information from /proc/cpuinfo.', 'gauge', [
  'package',
  'core',
  'cpu',
  'vendor',
  'family',
  'model',
  'model_name',
  'microcode',
  'stepping',
  'cachesize',
]);
const frequencyDesc = describeMetric('node_cpu_frequency_hertz', 'CPU frequency in hertz from /proc/cpuinfo.', 'gauge', ['package', 'core', 'cpu']);
const flagDesc = describeMetric('node_cpu_flag_info', 'The `flags` field of CPU information from /proc/cpuinfo taken from the first core.', 'gauge', ['flag']);
const bugDesc = describeMetric('node_cpu_bug_info', 'The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.', 'gauge', ['bug']);

/** Whether the cpu collector should read /proc/cpuinfo at all. */
export function cpuInfoWanted(options: CpuInfoOptions): boolean {
  return options.enabled || options.flagsInclude !== undefined || options.bugsInclude !== undefined;
}

/** Adds the info families for the text of /proc/cpuinfo. */
export function addCpuInfo(sink: MetricSink, cpuinfoText: string, options: CpuInfoOptions, source = '/proc/cpuinfo'): void {
  const cpus = parseCpuinfo(cpuinfoText, source);
  for (const cpu of cpus) {
    sink.add(infoDesc, 1, [cpu.physicalId, cpu.coreId, cpu.processor, cpu.vendorId, cpu.cpuFamily, cpu.model, cpu.modelName, cpu.microcode, cpu.stepping, cpu.cacheSize]);
  }
  if (options.cpufreqEnabled) {
    for (const cpu of cpus) sink.add(frequencyDesc, (cpu.mhz ?? 0) * 1e6, [cpu.physicalId, cpu.coreId, cpu.processor]);
  }
  const first = cpus[0];
  if (first === undefined) return;
  const { flagsInclude, bugsInclude } = options;
  if (flagsInclude !== undefined) for (const flag of first.flags.filter((each) => flagsInclude.test(each))) sink.add(flagDesc, 1, [flag]);
  if (bugsInclude !== undefined) for (const bug of first.bugs.filter((each) => bugsInclude.test(each))) sink.add(bugDesc, 1, [bug]);
}
