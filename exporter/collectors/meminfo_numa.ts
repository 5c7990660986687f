/** `node_memory_numa_<field>{node}` from /sys/devices/system/node/nodeN (node_exporter meminfo_numa_linux.go; off by default). */
import { join } from 'node:path';
import { describeMetric, type MetricDesc, type MetricType } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { listDevices } from '../sysfs/attributes.js';
import { parseNodeMeminfo, parseNumastat } from '../sysfs/numa.js';
import { sharedSysfsReader, SysfsReadError, type SysfsReaderOption } from '../sysfs/read.js';
import { defineCollector, NoDataError, type CollectorContext } from '../types.js';

export const meminfoNumaCollector = defineCollector({
  name: 'meminfo_numa',
  defaultEnabled: false,
  description: 'Memory statistics per NUMA node from /sys/devices/system/node.',
  create: ({ paths, options }: CollectorContext<SysfsReaderOption>) => {
    const nodeDir = sysFilePath(paths, 'devices', 'system', 'node');
    const reader = options.reader ?? sharedSysfsReader();
    const descs = new Map<string, MetricDesc>();
    const desc = (name: string, type: MetricType): MetricDesc => {
      let found = descs.get(name);
      if (found === undefined) descs.set(name, (found = describeMetric(`node_memory_numa_${name}`, `Memory information field ${name}.`, type, ['node'])));
      return found;
    };
    return {
      async update(sink, signal) {
        const nodes = listDevices(nodeDir).flatMap((entry) => /^node(\d+)$/.exec(entry)?.slice(1, 2) ?? []);
        if (nodes.length === 0) throw new NoDataError(`no NUMA nodes under ${nodeDir}`);
        const files = nodes.flatMap((node) => [join(nodeDir, `node${node}`, 'meminfo'), join(nodeDir, `node${node}`, 'numastat')]);
        const texts = await reader.readMany(files, signal);
        const failed = texts.find((text): text is SysfsReadError => text instanceof SysfsReadError);
        if (failed !== undefined) throw failed;
        nodes.forEach((node, i) => {
          for (const { name, value } of parseNodeMeminfo(texts[2 * i] as string, files[2 * i] as string)) sink.add(desc(name, 'gauge'), value, [node]);
        });
        nodes.forEach((node, i) => {
          for (const { name, value } of parseNumastat(texts[2 * i + 1] as string, files[2 * i + 1] as string)) sink.add(desc(name, 'counter'), value, [node]);
        });
      },
    };
  },
});
