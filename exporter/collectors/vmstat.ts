/** `node_vmstat_<field>` (untyped, as node_exporter) for the /proc/vmstat fields matching `--collector.vmstat.fields`. */
import { compileRegex } from '../../common/regex.js';
import { procFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import { parseVmstat } from '../procfs/vmstat.js';
import { regexpFlag } from '../../common/flags.js';
import { collectorFlag, defineCollector } from '../types.js';
import { NameMatcher } from '../name-match.js';
import { DescriptorCache } from './described.js';

const descriptors = new DescriptorCache('untyped', (field) => ({
  name: `node_vmstat_${field}`,
  help: `/proc/vmstat information field ${field}.`,
}));

export const DEFAULT_VMSTAT_FIELDS = compileRegex('^(oom_kill|pgpg|pswp|pg.*fault).*');

export const vmstatCollector = defineCollector({
  name: 'vmstat',
  defaultEnabled: true,
  description: 'Selected /proc/vmstat fields (page faults, paging, swapping, OOM kills).',
  flags: {
    fields: collectorFlag('collector.vmstat.fields', regexpFlag('Regexp of fields to return for vmstat collector.', DEFAULT_VMSTAT_FIELDS)),
  },
  create: ({ paths, options }) => {
    const vmstatPath = procFilePath(paths, 'vmstat');
    const fields = new NameMatcher(options.fields);
    return {
      async update(sink) {
        for (const field of parseVmstat(readProcFile(vmstatPath))) {
          if (fields.test(field.name)) sink.add(descriptors.get(field.name), field.value);
        }
      },
    };
  },
});
