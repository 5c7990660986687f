/** `node_thermal_zone_temp{zone,type}` and `node_cooling_device_{cur,max}_state{name,type}` from /sys/class/thermal. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { listDevices, logReadErrors, readAttributeSets } from '../sysfs/attributes.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { COOLING_DEVICE_ATTRIBUTES, parseCoolingDevice, parseThermalZone, THERMAL_ZONE_ATTRIBUTES } from '../sysfs/thermal.js';
import { defineCollector, NoDataError, type CollectorContext } from '../types.js';

const zoneTempDesc = describeMetric('node_thermal_zone_temp', 'Zone temperature in Celsius', 'gauge', ['zone', 'type']);
const curStateDesc = describeMetric('node_cooling_device_cur_state', 'Current throttle state of the cooling device', 'gauge', ['name', 'type']);
const maxStateDesc = describeMetric('node_cooling_device_max_state', 'Maximum throttle state of the cooling device', 'gauge', ['name', 'type']);

/** `thermal_zone12` → `12`, for the entries whose name is the prefix and a digit. */
function numbered(dir: string, prefix: string): { name: string; dir: string }[] {
  return listDevices(dir)
    .filter((entry) => entry.startsWith(prefix) && /^\d/.test(entry.slice(prefix.length)))
    .map((entry) => ({ name: entry.slice(prefix.length), dir: join(dir, entry) }));
}

export const thermalZoneCollector = defineCollector({
  name: 'thermal_zone',
  defaultEnabled: true,
  description: 'Thermal zone temperatures and cooling device states from /sys/class/thermal.',
  create: ({ paths, logger, options }: CollectorContext<SysfsReaderOption>) => {
    const thermalDir = sysFilePath(paths, 'class', 'thermal');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        if (!existsSync(thermalDir)) throw new NoDataError(`${thermalDir} does not exist`);
        const zones = numbered(thermalDir, 'thermal_zone');
        const devices = numbered(thermalDir, 'cooling_device');
        const sets = await readAttributeSets(
          reader,
          [
            ...zones.map(({ dir }) => ({ dir, names: THERMAL_ZONE_ATTRIBUTES })),
            ...devices.map(({ dir }) => ({ dir, names: COOLING_DEVICE_ATTRIBUTES })),
          ],
          signal,
        );
        logReadErrors(logger, sets.flatMap((set) => set.errors));
        zones.forEach(({ name }, i) => {
          const zone = parseThermalZone((sets[i] as (typeof sets)[number]).values);
          if (zone !== undefined) sink.add(zoneTempDesc, zone.tempMillicelsius / 1000, [name, zone.type]);
        });
        devices.forEach(({ name }, i) => {
          const device = parseCoolingDevice((sets[zones.length + i] as (typeof sets)[number]).values);
          if (device === undefined) return;
          sink.add(curStateDesc, device.curState, [name, device.type]);
          sink.add(maxStateDesc, device.maxState, [name, device.type]);
        });
      },
    };
  },
});
