/** `node_memory_<Field>[_bytes]` for every /proc/meminfo field (node_exporter meminfo_linux.go). */
import { procFilePath } from '../paths.js';
import { parseMeminfo } from '../procfs/meminfo.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';
import { DescriptorCache } from './described.js';

/** Shared with the sysinfo fallback, which reports the same names. */
export const meminfoDescriptors = new DescriptorCache('gauge', (field) => ({
  name: `node_memory_${field}`,
  help: `Memory information field ${field}.`,
}));

export const meminfoCollector = defineCollector({
  name: 'meminfo',
  defaultEnabled: true,
  description: 'Every /proc/meminfo field, in bytes.',
  create: ({ paths }) => {
    const meminfoPath = procFilePath(paths, 'meminfo');
    return {
      async update(sink) {
        for (const field of parseMeminfo(readProcFile(meminfoPath))) {
          sink.add(meminfoDescriptors.get(field.name), field.value);
        }
      },
    };
  },
});
