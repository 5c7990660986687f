/**
 * `node_hwmon_*{chip,sensor}` from /sys/class/hwmon (node_exporter hwmon_linux.go): temperatures,
 * voltages, fans, currents, power, energy, humidity, with chip and sensor labels.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { regexpFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { listDirectory, logReadErrors } from '../sysfs/attributes.js';
import { isIgnored, type IncludeExclude } from '../sysfs/filter.js';
import { cleanName, hwmonChipName, sensorReadings, splitSensorFile } from '../sysfs/hwmon.js';
import { sharedSysfsReader, SysfsReadError, type SysfsReaderOption } from '../sysfs/read.js';
import { collectorFlag, defineCollector, NoDataError, type CollectorContext, type CollectorFlagValues } from '../types.js';

/** Include and exclude may both be set; the sensor filters match `<chip>;<sensor>`. */
const hwmonFlags = {
  chipInclude: collectorFlag('collector.hwmon.chip-include', regexpFlag('Regexp of hwmon chip to include (mutually exclusive to device-exclude).', undefined)),
  chipExclude: collectorFlag('collector.hwmon.chip-exclude', regexpFlag('Regexp of hwmon chip to exclude (mutually exclusive to device-include).', undefined)),
  sensorInclude: collectorFlag(
    'collector.hwmon.sensor-include',
    regexpFlag('Regexp of hwmon sensor to include (mutually exclusive to sensor-exclude).', undefined),
  ),
  sensorExclude: collectorFlag(
    'collector.hwmon.sensor-exclude',
    regexpFlag('Regexp of hwmon sensor to exclude (mutually exclusive to sensor-include).', undefined),
  ),
};

type HwmonOptions = CollectorFlagValues<typeof hwmonFlags> & SysfsReaderOption;

const chipNamesDesc = describeMetric('node_hwmon_chip_names', 'Annotation metric for human-readable chip names', 'gauge', ['chip', 'chip_name']);
const sensorLabelDesc = describeMetric('node_hwmon_sensor_label', 'Label for given chip and sensor', 'gauge', ['chip', 'sensor', 'label']);

interface Chip {
  dir: string;
  name: string;
  chipName?: string;
  /** Sensor → property → attribute file. */
  files: Map<string, { type: string; properties: Map<string, string> }>;
}

/** Directories under class/hwmon (symlinks followed), sorted. */
function chipDirectories(hwmonDir: string): string[] {
  return listDirectory(hwmonDir)
    .map((entry) => join(hwmonDir, entry.name))
    .filter((path) => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

function resolved(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Sensor attribute files of the chip directory and of its `device` directory (older drivers put them there). */
function sensorFiles(dir: string): Chip['files'] {
  const files: Chip['files'] = new Map();
  const device = join(dir, 'device');
  for (const where of existsSync(device) ? [dir, device] : [dir]) {
    for (const entry of listDirectory(where)) {
      const parsed = splitSensorFile(entry.name);
      if (parsed === undefined || entry.isDirectory()) continue;
      let sensor = files.get(parsed.sensor);
      if (sensor === undefined) files.set(parsed.sensor, (sensor = { type: parsed.type, properties: new Map() }));
      sensor.properties.set(parsed.property, join(where, entry.name));
    }
  }
  return files;
}

/** Go trims only newlines before parsing; a value with spaces is not a number there either. */
function trimNewlines(text: string): string {
  return text.replace(/^\n+|\n+$/g, '');
}

export const hwmonCollector = defineCollector({
  name: 'hwmon',
  defaultEnabled: true,
  description: 'Hardware sensors (temperatures, voltages, fans, power) from /sys/class/hwmon.',
  flags: hwmonFlags,
  create: ({ paths, logger, options }: CollectorContext<HwmonOptions>) => {
    const hwmonDir = sysFilePath(paths, 'class', 'hwmon');
    const reader = options.reader ?? sharedSysfsReader();
    const chipFilter: IncludeExclude = { include: options.chipInclude, exclude: options.chipExclude };
    const sensorFilter: IncludeExclude = { include: options.sensorInclude, exclude: options.sensorExclude };
    const descs = new Map<string, MetricDesc>();
    const desc = (name: string, help: string, type: 'gauge' | 'counter'): MetricDesc => {
      let found = descs.get(name);
      if (found === undefined) descs.set(name, (found = describeMetric(name, help, type, ['chip', 'sensor'])));
      return found;
    };
    return {
      async update(sink, signal) {
        if (!existsSync(hwmonDir)) throw new NoDataError(`${hwmonDir} does not exist`);
        const dirs = chipDirectories(hwmonDir);
        const names = await reader.readMany(dirs.map((dir) => join(dir, 'name')), signal);
        const chips: Chip[] = [];
        dirs.forEach((dir, i) => {
          const nameOutcome = names[i];
          const nameText = nameOutcome instanceof SysfsReadError || nameOutcome === undefined ? undefined : nameOutcome;
          const name = hwmonChipName(resolved(join(dir, 'device')), nameText, resolved(dir) ?? dir);
          if (name === undefined) {
            logger.warn({ path: dir }, 'Could not derive a monitoring name for hwmon chip');
            return;
          }
          if (isIgnored(chipFilter, name)) return;
          const chipName = nameText === undefined ? '' : cleanName(nameText);
          chips.push({ dir, name, chipName: chipName === '' ? undefined : chipName, files: sensorFiles(dir) });
        });

        const paths: string[] = [];
        for (const chip of chips) {
          for (const [sensor, { properties }] of chip.files) {
            if (!isIgnored(sensorFilter, `${chip.name};${sensor}`)) paths.push(...properties.values());
          }
        }
        const outcomes = await reader.readMany(paths, signal);
        const texts = new Map<string, string>();
        const errors: SysfsReadError[] = [];
        outcomes.forEach((outcome, k) => {
          if (outcome instanceof SysfsReadError) errors.push(outcome);
          else texts.set(paths[k] as string, trimNewlines(outcome));
        });
        logReadErrors(logger, errors);

        for (const chip of chips) {
          if (chip.chipName !== undefined) sink.add(chipNamesDesc, 1, [chip.name, chip.chipName]);
          const sensors = [...chip.files.keys()].filter((sensor) => !isIgnored(sensorFilter, `${chip.name};${sensor}`)).sort();
          for (const sensor of sensors) {
            const { type, properties } = chip.files.get(sensor) as { type: string; properties: Map<string, string> };
            const values = new Map<string, string>();
            for (const [property, path] of properties) {
              const text = texts.get(path);
              if (text !== undefined) values.set(property, text);
            }
            const label = values.get('label');
            if (label !== undefined) sink.add(sensorLabelDesc, 1, [chip.name, sensor, label]);
            for (const reading of sensorReadings(sensor, type, values)) {
              sink.add(desc(reading.name, reading.help, reading.type), reading.value, [chip.name, reading.sensor]);
            }
          }
        }
      },
    };
  },
});
