/** `node_nvme_info{device,firmware_revision,model,serial,state}` from /sys/class/nvme (node_exporter nvme_linux.go). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { listDevices, logReadErrors, readAttributeSets } from '../sysfs/attributes.js';
import { sharedSysfsReader, type SysfsReader } from '../sysfs/read.js';
import { NoDataError, type CollectorDefinition } from '../types.js';

export interface NvmeOptions {
  /** Defaults to the process's shared reader. */
  reader?: SysfsReader;
}

export const nvmeDefaults: Readonly<NvmeOptions> = Object.freeze({});

const infoDesc = describeMetric('node_nvme_info', 'Non-numeric data from /sys/class/nvme/<device>, value is always 1.', 'gauge', [
  'device',
  'firmware_revision',
  'model',
  'serial',
  'state',
]);
/** A controller missing one of these is not reported (node_exporter fails the whole scrape instead). */
const ATTRIBUTES = ['firmware_rev', 'model', 'serial', 'state', 'cntlid'] as const;

export function defineNvmeCollector(options: NvmeOptions = nvmeDefaults): CollectorDefinition {
  return {
    name: 'nvme',
    defaultEnabled: true,
    description: 'NVMe controllers: model, serial, firmware and state, from /sys/class/nvme.',
    create: ({ paths, logger }) => {
      const nvmeDir = sysFilePath(paths, 'class', 'nvme');
      const reader = options.reader ?? sharedSysfsReader();
      return {
        async update(sink, signal) {
          if (!existsSync(nvmeDir)) throw new NoDataError(`${nvmeDir} does not exist`);
          const devices = listDevices(nvmeDir);
          const sets = await readAttributeSets(reader, devices.map((device) => ({ dir: join(nvmeDir, device), names: ATTRIBUTES })), signal);
          logReadErrors(logger, sets.flatMap((set) => set.errors));
          devices.forEach((device, i) => {
            const { values } = sets[i] as (typeof sets)[number];
            if (ATTRIBUTES.some((name) => !values.has(name))) {
              logger.debug({ device }, 'NVMe controller attributes incomplete, not reported');
              return;
            }
            const get = (name: string): string => values.get(name) as string;
            sink.add(infoDesc, 1, [device, get('firmware_rev'), get('model'), get('serial'), get('state')]);
          });
        },
      };
    },
  };
}

export const nvmeCollector = defineNvmeCollector();
