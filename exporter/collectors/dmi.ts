/** `node_dmi_info{bios_*,board_*,chassis_*,product_*,system_vendor}` from /sys/class/dmi/id, read once (node_exporter dmi.go). */
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { singleFlight } from '../../common/single-flight.js';
import { sysFilePath } from '../paths.js';
import { logReadErrors, readAttributeSets } from '../sysfs/attributes.js';
import { DMI_FIELDS, dmiLabels } from '../sysfs/dmi.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { defineCollector, NoDataError, type CollectorContext } from '../types.js';

const HELP =
  "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, " +
  'board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, ' +
  'chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, ' +
  'product_sku, product_uuid, product_version, system_vendor if provided by DMI.';

export const dmiCollector = defineCollector({
  name: 'dmi',
  defaultEnabled: true,
  description: 'Hardware vendor, product, board and BIOS from /sys/class/dmi/id (read once).',
  create: ({ paths, logger, options }: CollectorContext<SysfsReaderOption>) => {
    const dmiDir = sysFilePath(paths, 'class', 'dmi', 'id');
    const reader = options.reader ?? sharedSysfsReader();
    let info: { desc: MetricDesc; values: string[] } | undefined;
    // DMI does not change while the host runs: the first scrape reads it, later ones reuse it.
    const load = singleFlight(async () => {
      const [set] = await readAttributeSets(reader, [{ dir: dmiDir, names: DMI_FIELDS }]);
      logReadErrors(logger, set?.errors ?? []);
      const { names, values } = dmiLabels(set?.values ?? new Map());
      info = { desc: describeMetric('node_dmi_info', HELP, 'gauge', names), values };
    });
    return {
      async update(sink) {
        if (info === undefined) await load();
        const { desc, values } = info as { desc: MetricDesc; values: string[] };
        if (values.length === 0) throw new NoDataError(`no DMI information under ${dmiDir}`);
        sink.add(desc, 1, values);
      },
    };
  },
});
