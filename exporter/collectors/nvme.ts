/** `node_nvme_info{device,firmware_revision,model,serial,state}` from /sys/class/nvme (node_exporter nvme_linux.go). */
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { readClassDevices } from '../sysfs/attributes.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { defineCollector, type CollectorContext } from '../types.js';

const infoDesc = describeMetric('node_nvme_info', 'Non-numeric data from /sys/class/nvme/<device>, value is always 1.', 'gauge', [
  'device',
  'firmware_revision',
  'model',
  'serial',
  'state',
]);
/** A controller missing one of these is not reported (node_exporter fails the whole scrape instead). */
const ATTRIBUTES = ['firmware_rev', 'model', 'serial', 'state', 'cntlid'] as const;

export const nvmeCollector = defineCollector({
  name: 'nvme',
  defaultEnabled: true,
  description: 'NVMe controllers: model, serial, firmware and state, from /sys/class/nvme.',
  create: ({ paths, logger, options }: CollectorContext<SysfsReaderOption>) => {
    const nvmeDir = sysFilePath(paths, 'class', 'nvme');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        for (const { device, attributes } of await readClassDevices(reader, nvmeDir, ATTRIBUTES, { signal, logger })) {
          if (ATTRIBUTES.some((name) => !attributes.values.has(name))) {
            logger.debug({ device }, 'NVMe controller attributes incomplete, not reported');
            continue;
          }
          const get = (name: string): string => attributes.get(name) as string;
          sink.add(infoDesc, 1, [device, get('firmware_rev'), get('model'), get('serial'), get('state')]);
        }
      },
    };
  },
});
