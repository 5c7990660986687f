/** `node_rapl_<zone>_joules_total{index,path}` (or one family with `rapl_zone`) from /sys/class/powercap (node_exporter rapl_linux.go). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { booleanFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { listDirectory, readFiles } from '../sysfs/attributes.js';
import { raplZones, sanitizeMetricName } from '../sysfs/rapl.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { parseBase10 } from '../sysfs/values.js';
import { collectorFlag, defineCollector, NoDataError, type CollectorContext, type CollectorFlagValues } from '../types.js';

const raplFlags = {
  // One family `node_rapl_joules_total` with a `rapl_zone` label (node_exporter's help text says otherwise, by mistake).
  enableZoneLabel: collectorFlag('collector.rapl.enable-zone-label', booleanFlag('Enables service unit metric unit_start_time_seconds')),
};

type RaplOptions = CollectorFlagValues<typeof raplFlags> & SysfsReaderOption;

const zoneLabelDesc = describeMetric('node_rapl_joules_total', 'Current RAPL value in joules', 'counter', ['index', 'path', 'rapl_zone']);

export const raplCollector = defineCollector({
  name: 'rapl',
  defaultEnabled: true,
  description: 'Energy counters of RAPL power zones (CPU packages, DRAM) from /sys/class/powercap.',
  flags: raplFlags,
  create: ({ paths, options }: CollectorContext<RaplOptions>) => {
    const powercapDir = sysFilePath(paths, 'class', 'powercap');
    const reader = options.reader ?? sharedSysfsReader();
    const descs = new Map<string, MetricDesc>();
    const zoneDesc = (name: string): MetricDesc => {
      let desc = descs.get(name);
      if (desc === undefined) {
        desc = describeMetric(`node_rapl_${sanitizeMetricName(name)}_joules_total`, `Current RAPL ${name} value in joules`, 'counter', ['index', 'path']);
        descs.set(name, desc);
      }
      return desc;
    };
    return {
      async update(sink, signal) {
        if (!existsSync(powercapDir)) throw new NoDataError(`${powercapDir} does not exist`);
        const dirs = listDirectory(powercapDir)
          .map((entry) => join(powercapDir, entry.name))
          .sort();
        const names = await readFiles(reader, dirs.map((dir) => join(dir, 'name')), signal);
        const zones = raplZones(dirs.map((dir, i) => ({ dir, nameText: names[i] })));
        const energies = await readFiles(reader, zones.map((zone) => join(zone.dir, 'energy_uj')), signal);
        zones.forEach((zone, i) => {
          const microjoules = parseBase10(energies[i] ?? '');
          if (microjoules === undefined) return;
          const joules = microjoules / 1e6;
          if (options.enableZoneLabel) sink.add(zoneLabelDesc, joules, [String(zone.index), zone.dir, zone.name]);
          else sink.add(zoneDesc(zone.name), joules, [String(zone.index), zone.dir]);
        });
      },
    };
  },
});
