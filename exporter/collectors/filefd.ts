/** `node_filefd_allocated` and `node_filefd_maximum` from /proc/sys/fs/file-nr. */
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { parseFileNr } from '../procfs/filefd.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';

const allocated = describeMetric('node_filefd_allocated', 'File descriptor statistics: allocated.', 'gauge');
const maximum = describeMetric('node_filefd_maximum', 'File descriptor statistics: maximum.', 'gauge');

export const filefdCollector = defineCollector({
  name: 'filefd',
  defaultEnabled: true,
  description: 'Allocated and maximum file handles, from /proc/sys/fs/file-nr.',
  create: ({ paths }) => {
    const fileNrPath = procFilePath(paths, 'sys/fs/file-nr');
    return {
      async update(sink) {
        const fileNr = parseFileNr(readProcFile(fileNrPath), fileNrPath);
        sink.add(allocated, fileNr.allocated);
        sink.add(maximum, fileNr.maximum);
      },
    };
  },
});
