/** `node_entropy_available_bits` and `node_entropy_pool_size_bits` from /proc/sys/kernel/random. */
import { describeMetric } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { singleNumber } from '../procfs/fields.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector } from '../types.js';

const available = describeMetric('node_entropy_available_bits', 'Bits of available entropy.', 'gauge');
const poolSize = describeMetric('node_entropy_pool_size_bits', 'Bits of entropy pool.', 'gauge');

export const entropyCollector = defineCollector({
  name: 'entropy',
  defaultEnabled: true,
  description: 'Available entropy and pool size, from /proc/sys/kernel/random.',
  create: ({ paths }) => {
    const files = [
      [procFilePath(paths, 'sys/kernel/random/entropy_avail'), available],
      [procFilePath(paths, 'sys/kernel/random/poolsize'), poolSize],
    ] as const;
    return {
      async update(sink) {
        for (const [path, desc] of files) sink.add(desc, singleNumber(readProcFile(path), path));
      },
    };
  },
});
