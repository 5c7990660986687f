/** `node_cpu_{,scaling_}frequency{,_min,_max}_hertz{cpu}` and `node_cpu_scaling_governor{cpu,governor}` from cpufreq (node_exporter cpufreq_linux.go). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { parseCpuList } from '../procfs/cpulist.js';
import { readOptionalProcFile } from '../procfs/read.js';
import { listDevices, logReadErrors, readAttributeSets } from '../sysfs/attributes.js';
import { CPUFREQ_ATTRIBUTES, parseCpufreq, type CpuFrequencies } from '../sysfs/cpufreq.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { defineCollector, NoDataError, type CollectorContext } from '../types.js';

const C = ['cpu'];
const frequencyDescs: readonly [keyof CpuFrequencies, MetricDesc][] = [
  ['cpuinfoCurrent', describeMetric('node_cpu_frequency_hertz', 'Current CPU thread frequency in hertz.', 'gauge', C)],
  ['cpuinfoMin', describeMetric('node_cpu_frequency_min_hertz', 'Minimum CPU thread frequency in hertz.', 'gauge', C)],
  ['cpuinfoMax', describeMetric('node_cpu_frequency_max_hertz', 'Maximum CPU thread frequency in hertz.', 'gauge', C)],
  ['scalingCurrent', describeMetric('node_cpu_scaling_frequency_hertz', 'Current scaled CPU thread frequency in hertz.', 'gauge', C)],
  ['scalingMin', describeMetric('node_cpu_scaling_frequency_min_hertz', 'Minimum scaled CPU thread frequency in hertz.', 'gauge', C)],
  ['scalingMax', describeMetric('node_cpu_scaling_frequency_max_hertz', 'Maximum scaled CPU thread frequency in hertz.', 'gauge', C)],
];
const governorDesc = describeMetric('node_cpu_scaling_governor', 'Current enabled CPU frequency governor.', 'gauge', ['cpu', 'governor']);

export const cpufreqCollector = defineCollector({
  name: 'cpufreq',
  defaultEnabled: true,
  description: 'CPU frequencies and scaling governors from /sys/devices/system/cpu/cpu*/cpufreq.',
  create: ({ paths, logger, options }: CollectorContext<SysfsReaderOption>) => {
    const cpuDir = sysFilePath(paths, 'devices', 'system', 'cpu');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        const offlineText = readOptionalProcFile(join(cpuDir, 'offline'));
        const offline = new Set(offlineText === undefined ? [] : parseCpuList(offlineText, join(cpuDir, 'offline')));
        const cpus = listDevices(cpuDir)
          .filter((entry) => /^cpu\d/.test(entry))
          .map((entry) => entry.slice(3))
          .filter((cpu) => !offline.has(cpu) && existsSync(join(cpuDir, `cpu${cpu}`, 'cpufreq')));
        if (cpus.length === 0) throw new NoDataError(`no cpufreq directories under ${cpuDir}`);
        const sets = await readAttributeSets(
          reader,
          cpus.map((cpu) => ({ dir: join(cpuDir, `cpu${cpu}`, 'cpufreq'), names: CPUFREQ_ATTRIBUTES })),
          signal,
        );
        logReadErrors(logger, sets.flatMap((set) => set.errors));
        const all = cpus.map((cpu, i) => [cpu, parseCpufreq((sets[i] as (typeof sets)[number]).values)] as const);
        for (const [key, desc] of frequencyDescs) {
          for (const [cpu, frequencies] of all) {
            const value = frequencies[key];
            if (typeof value === 'number') sink.add(desc, value, [cpu]);
          }
        }
        for (const [cpu, { governor, availableGovernors }] of all) {
          if (governor === '') continue;
          for (const each of availableGovernors) sink.add(governorDesc, each === governor ? 1 : 0, [cpu, each]);
        }
      },
    };
  },
});
