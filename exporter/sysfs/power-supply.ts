/** /sys/class/power_supply/<supply>: each attribute's family and unit, and the text attributes of the info metric. */
import { parseInteger } from './values.js';

/** `divisor` turns the kernel's µA, µV, µWh, µW (1e6) and tenths of a degree (10) into base units. */
export interface PowerSupplyNumber {
  metric: string;
  divisor: number;
}

function table(divisor: number, entries: Record<string, string>): [string, PowerSupplyNumber][] {
  return Object.entries(entries).map(([file, metric]) => [file, { metric, divisor }]);
}

const same = (...files: string[]): Record<string, string> => Object.fromEntries(files.map((file) => [file, file]));

/** Attribute file → family suffix, in node_exporter's groups: plain numbers, micro-units, tenths of a degree. */
const POWER_SUPPLY_NUMBERS: ReadonlyMap<string, PowerSupplyNumber> = new Map([
  ...table(1, {
    ...same('authentic', 'calibrate', 'capacity', 'capacity_alert_max', 'capacity_alert_min', 'online', 'present'),
    cycle_count: 'cyclecount',
    time_to_empty_now: 'time_to_empty_seconds',
    time_to_full_now: 'time_to_full_seconds',
  }),
  ...table(1e6, {
    ...same(
      'current_boot',
      'current_max',
      'energy_empty',
      'energy_empty_design',
      'energy_full',
      'energy_full_design',
      'voltage_boot',
      'voltage_max',
      'voltage_max_design',
      'voltage_min',
      'voltage_min_design',
      'voltage_ocv',
      'charge_control_limit',
      'charge_control_limit_max',
      'charge_counter',
      'charge_empty',
      'charge_empty_design',
      'charge_full',
      'charge_full_design',
      'charge_term_current',
      'constant_charge_current',
      'constant_charge_current_max',
      'constant_charge_voltage',
      'constant_charge_voltage_max',
      'precharge_current',
      'input_current_limit',
    ),
    current_now: 'current_ampere',
    energy_now: 'energy_watthour',
    voltage_now: 'voltage_volt',
    charge_now: 'charge_ampere',
    power_now: 'power_watt',
  }),
  ...table(10, {
    temp: 'temp_celsius',
    ...Object.fromEntries(
      ['temp_alert_max', 'temp_alert_min', 'temp_ambient', 'temp_ambient_max', 'temp_ambient_min', 'temp_max', 'temp_min'].map((file) => [file, `${file}_celsius`]),
    ),
  }),
]);

/** Text attributes that become labels of node_power_supply_info (with `power_supply`, the supply's name). */
export const POWER_SUPPLY_TEXTS = [
  'capacity_level',
  'charge_type',
  'health',
  'manufacturer',
  'model_name',
  'serial_number',
  'status',
  'technology',
  'type',
  'usb_type',
  'scope',
] as const;

export const POWER_SUPPLY_ATTRIBUTES: readonly string[] = [...POWER_SUPPLY_NUMBERS.keys(), ...POWER_SUPPLY_TEXTS];

export interface PowerSupply {
  /** Family suffix → value in base units, in table order. */
  numbers: [string, number][];
  /** Non-empty text attributes. */
  texts: Map<string, string>;
}

export function parsePowerSupply(attributes: ReadonlyMap<string, string>): PowerSupply {
  const numbers: [string, number][] = [];
  for (const [file, { metric, divisor }] of POWER_SUPPLY_NUMBERS) {
    const value = parseInteger(attributes.get(file) ?? '');
    if (value !== undefined) numbers.push([metric, divisor === 1 ? value : value / divisor]);
  }
  const texts = new Map<string, string>();
  for (const key of POWER_SUPPLY_TEXTS) {
    const text = attributes.get(key);
    if (text !== undefined && text !== '') texts.set(key, text);
  }
  return { numbers, texts };
}
