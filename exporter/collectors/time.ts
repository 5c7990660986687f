/** `node_time_seconds`, `node_time_zone_offset_seconds{time_zone}` and the clocksource families (node_exporter time.go, time_linux.go). */
import { readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import { parseTzifFooter, zoneAbbreviation, type ZoneRule } from '../formats/tzfile.js';
import { defineCollector, type MetricSink } from '../types.js';

const timeDesc = describeMetric('node_time_seconds', 'System time in seconds since epoch (1970).', 'gauge');
const zoneOffsetDesc = describeMetric('node_time_zone_offset_seconds', 'System time zone offset in seconds.', 'gauge', ['time_zone']);
const availableDesc = describeMetric(
  'node_time_clocksource_available_info',
  "Available clocksources read from '/sys/devices/system/clocksource'.",
  'gauge',
  ['clocksource', 'device'],
);
const currentDesc = describeMetric(
  'node_time_clocksource_current_info',
  "Current clocksource read from '/sys/devices/system/clocksource'.",
  'gauge',
  ['clocksource', 'device'],
);

// Made on first use: creating any Intl formatter maps ICU data, ~12 MiB of RSS that hosts with a TZif file never need.
let zoneName: Intl.DateTimeFormat | undefined;

/** The file describing this process's zone, found as Go finds it: `$TZ` (a name or a path), else /etc/localtime; undefined means UTC. */
export function localZoneFile(tz: string | undefined = process.env.TZ): string | undefined {
  if (tz === undefined) return '/etc/localtime';
  if (tz === '') return undefined;
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  return isAbsolute(name) ? name : join('/usr/share/zoneinfo', name);
}

const UTC_RULE: ZoneRule = { standard: 'UTC', standardOffsetSeconds: 0, daylight: undefined };

/** The zone's abbreviations from its TZif file (what Go reports), or undefined when the file cannot be used. */
function loadZoneRule(): ZoneRule | undefined {
  const file = localZoneFile();
  if (file === undefined) return UTC_RULE;
  try {
    return parseTzifFooter(readFileSync(file), file);
  } catch {
    return undefined;
  }
}

/** Intl's short name, for zones without a usable TZif file: `UTC`, `PST`, or `GMT+1` where Go would say `CET`. */
function timeZoneName(date: Date): string {
  zoneName ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  return zoneName.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? 'UTC';
}

/** Formatting the name costs more than the rest of the collector, and it only changes with the offset. */
let lastZone = { offset: NaN, name: '' };
function cachedTimeZoneName(date: Date, offsetSeconds: number): string {
  if (lastZone.offset !== offsetSeconds) lastZone = { offset: offsetSeconds, name: timeZoneName(date) };
  return lastZone.name;
}

function addClocksources(sink: MetricSink, root: string): void {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const devices = entries.filter((name) => /^clocksource\d+$/.test(name)).sort();
  for (const name of devices) {
    const device = name.slice('clocksource'.length);
    const available = readProcFile(join(root, name, 'available_clocksource'));
    const current = readProcFile(join(root, name, 'current_clocksource'));
    for (const source of available.split(/\s+/)) if (source !== '') sink.add(availableDesc, 1, [source, device]);
    sink.add(currentDesc, 1, [current.trim(), device]);
  }
}

export const timeCollector = defineCollector({
  name: 'time',
  defaultEnabled: true,
  description: 'The system clock, time zone offset and clocksources.',
  create: ({ paths }) => {
    const clocksourceRoot = sysFilePath(paths, 'devices', 'system', 'clocksource');
    const zoneRule = loadZoneRule();
    return {
      async update(sink) {
        const now = new Date();
        sink.add(timeDesc, now.getTime() / 1000);
        const offset = 0 - now.getTimezoneOffset() * 60; // 0 - x: no -0 for UTC
        const zone = zoneRule === undefined ? cachedTimeZoneName(now, offset) : zoneAbbreviation(zoneRule, offset);
        sink.add(zoneOffsetDesc, offset, [zone]);
        addClocksources(sink, clocksourceRoot);
      },
    };
  },
});
