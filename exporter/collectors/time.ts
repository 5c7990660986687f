/** `node_time_seconds`, `node_time_zone_offset_seconds{time_zone}` and the clocksource families (node_exporter time.go, time_linux.go). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { readProcFile } from '../procfs/read.js';
import type { CollectorDefinition, MetricSink } from '../types.js';

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

const zoneName = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });

/** The zone's short name: `UTC`, `PST`; zones without an English abbreviation give `GMT+1`, where Go would say `CET`. */
export function timeZoneName(date: Date): string {
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

export const timeCollector: CollectorDefinition = {
  name: 'time',
  defaultEnabled: true,
  description: 'The system clock, time zone offset and clocksources.',
  create: ({ paths }) => {
    const clocksourceRoot = sysFilePath(paths, 'devices', 'system', 'clocksource');
    return {
      async update(sink) {
        const now = new Date();
        sink.add(timeDesc, now.getTime() / 1000);
        const offset = -now.getTimezoneOffset() * 60;
        sink.add(zoneOffsetDesc, offset, [cachedTimeZoneName(now, offset)]);
        addClocksources(sink, clocksourceRoot);
      },
    };
  },
};
