/** `node_interrupts_total{cpu,type,info,devices}`: interrupt counts per CPU, from /proc/interrupts. */
import { booleanFlag, regexpFlag } from '../../common/flags.js';
import { describeMetric } from '../../common/metrics.js';
import { DeviceFilter } from '../filters.js';
import { procFilePath } from '../paths.js';
import { parseInterrupts } from '../procfs/interrupts.js';
import { readProcFile } from '../procfs/read.js';
import { collectorFlag, defineCollector } from '../types.js';

const interrupts = describeMetric('node_interrupts_total', 'Interrupt details.', 'counter', ['cpu', 'type', 'info', 'devices']);

export const interruptsCollector = defineCollector({
  name: 'interrupts',
  defaultEnabled: false,
  description: 'Interrupt counts per CPU and interrupt, from /proc/interrupts.',
  // The filters match `<name>;<info>;<devices>`; include and exclude are mutually exclusive.
  flags: {
    nameInclude: collectorFlag(
      'collector.interrupts.name-include',
      regexpFlag('Regexp of interrupts name to include (mutually exclusive to --collector.interrupts.name-exclude).', undefined),
    ),
    nameExclude: collectorFlag(
      'collector.interrupts.name-exclude',
      regexpFlag('Regexp of interrupts name to exclude (mutually exclusive to --collector.interrupts.name-include).', undefined),
    ),
    includeZeros: collectorFlag('collector.interrupts.include-zeros', booleanFlag('Include interrupts that have a zero value', true)),
  },
  create: ({ paths, options }) => {
    const interruptsPath = procFilePath(paths, 'interrupts');
    const filter = new DeviceFilter('interrupts', options.nameInclude, options.nameExclude);
    return {
      async update(sink) {
        for (const interrupt of parseInterrupts(readProcFile(interruptsPath), interruptsPath)) {
          if (filter.ignored(`${interrupt.name};${interrupt.info};${interrupt.devices}`)) continue;
          interrupt.perCpu.forEach((count, cpu) => {
            if (options.includeZeros || count !== 0) sink.add(interrupts, count, [String(cpu), interrupt.name, interrupt.info, interrupt.devices]);
          });
        }
      },
    };
  },
});
