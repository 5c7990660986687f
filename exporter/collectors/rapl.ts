/** `node_rapl_<zone>_joules_total{index,path}` (or one family with `rapl_zone`) from /sys/class/powercap (node_exporter rapl_linux.go). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { listDirectory, readFiles } from '../sysfs/attributes.js';
import { raplZones, sanitizeMetricName } from '../sysfs/rapl.js';
import { sharedSysfsReader, type SysfsReader } from '../sysfs/read.js';
import { parseBase10 } from '../sysfs/values.js';
import { NoDataError, type CollectorDefinition } from '../types.js';

export interface RaplOptions {
  /** `--collector.rapl.enable-zone-label`: one family `node_rapl_joules_total` with a `rapl_zone` label. */
  enableZoneLabel: boolean;
  /** Defaults to the process's shared reader. */
  reader?: SysfsReader;
}

export const raplDefaults: Readonly<RaplOptions> = Object.freeze({ enableZoneLabel: false });

const zoneLabelDesc = describeMetric('node_rapl_joules_total', 'Current RAPL value in joules', 'counter', ['index', 'path', 'rapl_zone']);

export function defineRaplCollector(options: RaplOptions = raplDefaults): CollectorDefinition {
  return {
    name: 'rapl',
    defaultEnabled: true,
    description: 'Energy counters of RAPL power zones (CPU packages, DRAM) from /sys/class/powercap.',
    create: ({ paths }) => {
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
  };
}

export const raplCollector = defineRaplCollector();
