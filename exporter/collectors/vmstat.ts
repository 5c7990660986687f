/** `node_vmstat_<field>` (untyped, as node_exporter) for the /proc/vmstat fields matching `--collector.vmstat.fields`. */
import { procFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import { parseVmstat } from '../procfs/vmstat.js';
import type { CollectorDefinition } from '../types.js';
import { DescriptorCache } from './described.js';

const descriptors = new DescriptorCache('untyped', (field) => ({
  name: `node_vmstat_${field}`,
  help: `/proc/vmstat information field ${field}.`,
}));

export const vmstatCollector: CollectorDefinition = {
  name: 'vmstat',
  defaultEnabled: true,
  description: 'Selected /proc/vmstat fields (page faults, paging, swapping, OOM kills).',
  create: ({ paths, options }) => {
    const vmstatPath = procFilePath(paths, 'vmstat');
    const fields = options.vmstat.fields;
    return {
      async update(sink) {
        for (const field of parseVmstat(readProcFile(vmstatPath))) {
          if (fields.test(field.name)) sink.add(descriptors.get(field.name), field.value);
        }
      },
    };
  },
};
