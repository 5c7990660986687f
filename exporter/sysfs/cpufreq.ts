/** /sys/devices/system/cpu/cpuN/cpufreq: frequencies in kHz, and the scaling governor. */
import { parseBase10 } from './values.js';

export const CPUFREQ_ATTRIBUTES = [
  'cpuinfo_cur_freq',
  'cpuinfo_min_freq',
  'cpuinfo_max_freq',
  'scaling_cur_freq',
  'scaling_min_freq',
  'scaling_max_freq',
  'scaling_governor',
  'scaling_available_governors',
] as const;

export interface CpuFrequencies {
  /** Hertz; absent when the file is missing or unreadable (cpuinfo_cur_freq is root-only). */
  cpuinfoCurrent?: number;
  cpuinfoMin?: number;
  cpuinfoMax?: number;
  scalingCurrent?: number;
  scalingMin?: number;
  scalingMax?: number;
  governor: string;
  availableGovernors: string[];
}

function hertz(kilohertz: string | undefined): number | undefined {
  const value = kilohertz === undefined ? undefined : parseBase10(kilohertz);
  return value === undefined ? undefined : value * 1000;
}

export function parseCpufreq(attributes: ReadonlyMap<string, string>): CpuFrequencies {
  const governors = attributes.get('scaling_available_governors') ?? '';
  return {
    cpuinfoCurrent: hertz(attributes.get('cpuinfo_cur_freq')),
    cpuinfoMin: hertz(attributes.get('cpuinfo_min_freq')),
    cpuinfoMax: hertz(attributes.get('cpuinfo_max_freq')),
    scalingCurrent: hertz(attributes.get('scaling_cur_freq')),
    scalingMin: hertz(attributes.get('scaling_min_freq')),
    scalingMax: hertz(attributes.get('scaling_max_freq')),
    governor: attributes.get('scaling_governor') ?? '',
    availableGovernors: governors.split(' '),
  };
}
