/** /sys/class/thermal: thermal zones and cooling devices. */
import { parseBase10 } from './values.js';

export const THERMAL_ZONE_ATTRIBUTES = ['type', 'policy', 'temp'] as const;
export const COOLING_DEVICE_ATTRIBUTES = ['type', 'max_state', 'cur_state'] as const;

export interface ThermalZone {
  type: string;
  policy: string;
  /** Millidegrees Celsius. */
  tempMillicelsius: number;
}

export interface CoolingDevice {
  type: string;
  maxState: number;
  curState: number;
}

/** A zone missing its type, policy or temperature (a sensor that errors, ENODATA when off) is left out. */
export function parseThermalZone(attributes: ReadonlyMap<string, string>): ThermalZone | undefined {
  const type = attributes.get('type');
  const policy = attributes.get('policy');
  const temp = parseBase10(attributes.get('temp') ?? '');
  if (type === undefined || policy === undefined || temp === undefined) return undefined;
  return { type, policy, tempMillicelsius: temp };
}

export function parseCoolingDevice(attributes: ReadonlyMap<string, string>): CoolingDevice | undefined {
  const type = attributes.get('type');
  const maxState = parseBase10(attributes.get('max_state') ?? '');
  const curState = parseBase10(attributes.get('cur_state') ?? '');
  if (type === undefined || maxState === undefined || curState === undefined) return undefined;
  return { type, maxState, curState };
}
