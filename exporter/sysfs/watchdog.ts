/** /sys/class/watchdog/<watchdog>: numeric attributes and the text ones node_exporter puts in an info metric. */
import { parseInteger } from './values.js';

export const WATCHDOG_NUMBERS = ['bootstatus', 'fw_version', 'nowayout', 'timeleft', 'timeout', 'pretimeout', 'access_cs0'] as const;
export const WATCHDOG_TEXTS = ['options', 'identity', 'state', 'status', 'pretimeout_governor'] as const;
export const WATCHDOG_ATTRIBUTES: readonly string[] = [...WATCHDOG_NUMBERS, ...WATCHDOG_TEXTS];

export interface Watchdog {
  numbers: Partial<Record<(typeof WATCHDOG_NUMBERS)[number], number>>;
  /** Empty when the driver does not have the attribute. */
  texts: Record<(typeof WATCHDOG_TEXTS)[number], string>;
}

export function parseWatchdog(attributes: ReadonlyMap<string, string>): Watchdog {
  const numbers: Watchdog['numbers'] = {};
  for (const key of WATCHDOG_NUMBERS) {
    const value = parseInteger(attributes.get(key) ?? '');
    if (value !== undefined) numbers[key] = value;
  }
  const texts = Object.fromEntries(WATCHDOG_TEXTS.map((key) => [key, attributes.get(key) ?? ''])) as Watchdog['texts'];
  return { numbers, texts };
}
