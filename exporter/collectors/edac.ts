/** `node_edac_*_errors_total{controller[,csrow]}` from /sys/devices/system/edac/mc (node_exporter edac_linux.go). */
import { join } from 'node:path';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { listDevices, readFiles } from '../sysfs/attributes.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { parseBase10 } from '../sysfs/values.js';
import { defineCollector, type CollectorContext } from '../types.js';

const ceDesc = describeMetric('node_edac_correctable_errors_total', 'Total correctable memory errors.', 'counter', ['controller']);
const ueDesc = describeMetric('node_edac_uncorrectable_errors_total', 'Total uncorrectable memory errors.', 'counter', ['controller']);
const csrowCeDesc = describeMetric('node_edac_csrow_correctable_errors_total', 'Total correctable memory errors for this csrow.', 'counter', [
  'controller',
  'csrow',
]);
const csrowUeDesc = describeMetric('node_edac_csrow_uncorrectable_errors_total', 'Total uncorrectable memory errors for this csrow.', 'counter', [
  'controller',
  'csrow',
]);

/** `mc12` → `12` for the entries named prefix + digits, in name order. */
function numberedEntries(dir: string, prefix: string): string[] {
  const pattern = new RegExp(`^${prefix}(\\d+)$`);
  return listDevices(dir).flatMap((entry) => pattern.exec(entry)?.slice(1, 2) ?? []);
}

/** One counter file and where its value goes: errors counted without a csrow are reported with csrow="unknown". */
type Reading = { file: string; desc: MetricDesc; labels: string[] };

export const edacCollector = defineCollector({
  name: 'edac',
  defaultEnabled: true,
  description: 'Correctable and uncorrectable memory (ECC) error counts from /sys/devices/system/edac.',
  create: ({ paths, logger, options }: CollectorContext<SysfsReaderOption>) => {
    const mcDir = sysFilePath(paths, 'devices', 'system', 'edac', 'mc');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        const readings: Reading[] = [];
        for (const controller of numberedEntries(mcDir, 'mc')) {
          const dir = join(mcDir, `mc${controller}`);
          readings.push(
            { file: join(dir, 'ce_count'), desc: ceDesc, labels: [controller] },
            { file: join(dir, 'ce_noinfo_count'), desc: csrowCeDesc, labels: [controller, 'unknown'] },
            { file: join(dir, 'ue_count'), desc: ueDesc, labels: [controller] },
            { file: join(dir, 'ue_noinfo_count'), desc: csrowUeDesc, labels: [controller, 'unknown'] },
          );
          for (const csrow of numberedEntries(dir, 'csrow')) {
            readings.push(
              { file: join(dir, `csrow${csrow}`, 'ce_count'), desc: csrowCeDesc, labels: [controller, csrow] },
              { file: join(dir, `csrow${csrow}`, 'ue_count'), desc: csrowUeDesc, labels: [controller, csrow] },
            );
          }
        }
        const texts = await readFiles(reader, readings.map((reading) => reading.file), signal);
        readings.forEach(({ file, desc, labels }, i) => {
          const value = parseBase10(texts[i] ?? '');
          if (value === undefined) logger.debug({ path: file }, 'EDAC counter unreadable');
          else sink.add(desc, value, labels);
        });
      },
    };
  },
});
