/**
 * /sys/class/hwmon/hwmonN: sensor attribute names (`temp1_input`, `fan2_min`, `beep_enable`…),
 * chip names and the families node_exporter's hwmon collector turns them into, with units
 * converted from the kernel's milli- and micro-units.
 */
import { basename, dirname } from 'node:path';
import { parseDecimal } from './values.js';

const HWMON_SENSOR_TYPES: ReadonlySet<string> = new Set([
  'vrm',
  'beep_enable',
  'update_interval',
  'in',
  'cpu',
  'fan',
  'pwm',
  'temp',
  'curr',
  'power',
  'energy',
  'humidity',
  'intrusion',
  'freq',
]);

// The type takes every leading non-digit, so `update_interval` and `beep_enable` are types.
const SENSOR_FILE = /^([^0-9]+)([0-9]*)(?:_(.+))?$/;

/** `temp1_crit` → sensor `temp1`, property `crit`; undefined for files that are not sensors of a known type. */
export function splitSensorFile(file: string): { type: string; sensor: string; property: string } | undefined {
  const match = SENSOR_FILE.exec(file);
  if (match === null) return undefined;
  const [, type, number, property] = match as unknown as [string, string, string, string | undefined];
  if (!HWMON_SENSOR_TYPES.has(type)) return undefined;
  return { type, sensor: `${type}${number === '' ? 0 : Number(number)}`, property: property ?? '' };
}

/** Lower case, runs of anything but `[a-z0-9:_]` as `_`, no leading or trailing `_`. */
export function cleanName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The chip label: `<bus>_<device>` from where the `device` link points (stable across boots),
 * else the cleaned `name` attribute, else the directory's own name (`hwmon3`).
 */
export function hwmonChipName(deviceTarget: string | undefined, nameText: string | undefined, realDir: string): string | undefined {
  if (deviceTarget !== undefined) {
    const device = cleanName(basename(deviceTarget));
    const bus = cleanName(basename(dirname(deviceTarget)));
    if (bus !== '' && device !== '') return `${bus}_${device}`;
    if (device !== '') return device;
  }
  const name = nameText === undefined ? '' : cleanName(nameText);
  if (name !== '') return name;
  const own = cleanName(basename(realDir));
  return own === '' ? undefined : own;
}

export interface HwmonReading {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  /** The `sensor` label: the sensor (`temp1`), or for GPU frequencies the cleaned label. */
  sensor: string;
  value: number;
}

/** Go's ParseFloat takes no surrounding space (hwmon trims only newlines). */
function parseValue(text: string): number | undefined {
  return text.trim() === text ? parseDecimal(text) : undefined;
}

/** `convert` multiplies by 0.001 or divides by 1e6, as node_exporter does, so values agree to the last bit. */
type Unit = { suffix: string; help: string; convert: (value: number) => number; type?: 'counter' };
const same = (value: number): number => value;
const milli = (value: number): number => value * 0.001;
const micro = (value: number): number => value / 1e6;

/** How one property of a sensor of `type` is reported; undefined to skip it. */
function unitFor(type: string, property: string, hasLabel: boolean): Unit | undefined {
  if (property === 'fault' || property === 'alarm') return { suffix: '', help: `Hardware sensor ${property} status (${type})`, convert: same };
  if (property === 'beep') return { suffix: '_enabled', help: 'Hardware monitor sensor has beeping enabled', convert: same };
  switch (type) {
    case 'in':
    case 'cpu':
      return { suffix: '_volts', help: `Hardware monitor for voltage (${property})`, convert: milli };
    case 'temp':
      if (property === 'type') break;
      return { suffix: '_celsius', help: `Hardware monitor for temperature (${property === '' ? 'input' : property})`, convert: milli };
    case 'curr':
      return { suffix: '_amps', help: `Hardware monitor for current (${property})`, convert: milli };
    case 'energy':
      return { suffix: '_joule_total', help: `Hardware monitor for joules used so far (${property})`, convert: micro, type: 'counter' };
    case 'power':
      if (property === 'accuracy') return { suffix: '', help: 'Hardware monitor power meter accuracy, as a ratio', convert: micro };
      if (/^average_interval(_min|_max)?$/.test(property)) {
        return { suffix: '_seconds', help: `Hardware monitor power usage update interval (${property})`, convert: milli };
      }
      return { suffix: '_watt', help: `Hardware monitor for power usage in watts (${property})`, convert: micro };
    case 'humidity':
      return {
        suffix: '',
        help: `Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (${property})`,
        convert: micro,
      };
    case 'fan':
      if (['input', 'min', 'max', 'target'].includes(property)) {
        return { suffix: '_rpm', help: `Hardware monitor for fan revolutions per minute (${property})`, convert: same };
      }
      break;
    case 'freq':
      if (property === 'input') return hasLabel ? { suffix: '_freq_mhz', help: 'Hardware monitor for GPU frequency in MHz', convert: micro } : undefined;
      break;
  }
  return { suffix: '', help: `Hardware monitor ${type} element ${property}`, convert: same };
}

/** One sensor's readings; `properties` maps property (`''` for the bare `pwm1` file) to its text. */
export function sensorReadings(sensor: string, type: string, properties: ReadonlyMap<string, string>): HwmonReading[] {
  const readings: HwmonReading[] = [];
  const add = (name: string, help: string, value: number, readingType: 'gauge' | 'counter' = 'gauge', label = sensor): void => {
    readings.push({ name, help, type: readingType, sensor: label, value });
  };
  const raw = properties.get('') ?? '';
  switch (type) {
    case 'beep_enable':
      add('node_hwmon_beep_enabled', 'Hardware beep enabled', raw === '1' ? 1 : 0);
      return readings;
    case 'vrm':
    case 'update_interval': {
      const value = parseValue(raw);
      if (value === undefined) return readings;
      if (type === 'vrm') add('node_hwmon_voltage_regulator_version', 'Hardware voltage regulator', value);
      else add('node_hwmon_update_interval_seconds', 'Hardware monitor update interval', value * 0.001);
      return readings;
    }
  }
  const label = properties.get('label');
  for (const [property, text] of properties) {
    if (property === 'label') continue;
    let name = `node_hwmon_${type}`;
    if (property === 'input') {
      if (properties.has('')) name += '_input';
    } else if (property !== '') {
      name += `_${cleanName(property)}`;
    }
    const value = parseValue(text);
    if (value === undefined) continue;
    const unit = unitFor(type, property, label !== undefined);
    if (unit === undefined) continue;
    const sensorLabel = unit.suffix === '_freq_mhz' ? cleanName(label as string) : sensor;
    add(name + unit.suffix, unit.help, unit.convert(value), unit.type, sensorLabel);
  }
  return readings;
}
