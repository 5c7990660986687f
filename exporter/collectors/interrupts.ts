/** `node_interrupts_total{cpu,type,info,devices}`: interrupt counts per CPU, from /proc/interrupts. */
import { describeMetric } from '../../common/metrics.js';
import { DeviceFilter } from '../filters.js';
import { procFilePath } from '../paths.js';
import { parseInterrupts } from '../procfs/interrupts.js';
import { readProcFile } from '../procfs/read.js';
import type { CollectorDefinition } from '../types.js';

const interrupts = describeMetric('node_interrupts_total', 'Interrupt details.', 'counter', ['cpu', 'type', 'info', 'devices']);

/** The filters match `<name>;<info>;<devices>`; include and exclude are mutually exclusive. */
export interface InterruptsOptions {
  nameInclude?: RegExp;
  nameExclude?: RegExp;
  includeZeros: boolean;
}

export const interruptsDefaults: InterruptsOptions = { includeZeros: true };

export const interruptsFlags = {
  nameInclude: { flag: 'collector.interrupts.name-include', kind: 'regexp', help: 'Regexp of interrupts name to include (mutually exclusive to --collector.interrupts.name-exclude).' },
  nameExclude: { flag: 'collector.interrupts.name-exclude', kind: 'regexp', help: 'Regexp of interrupts name to exclude (mutually exclusive to --collector.interrupts.name-include).' },
  includeZeros: { flag: 'collector.interrupts.include-zeros', kind: 'boolean', help: 'Include interrupts that have a zero value' },
} as const;

export function defineInterruptsCollector(options: InterruptsOptions = interruptsDefaults): CollectorDefinition {
  return {
    name: 'interrupts',
    defaultEnabled: false,
    description: 'Interrupt counts per CPU and interrupt, from /proc/interrupts.',
    create: ({ paths }) => {
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
  };
}

export const interruptsCollector = defineInterruptsCollector();
