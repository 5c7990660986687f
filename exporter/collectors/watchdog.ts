/** `node_watchdog_*{name}` from /sys/class/watchdog (node_exporter watchdog.go). */
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { readClassDevices } from '../sysfs/attributes.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { parseWatchdog, WATCHDOG_ATTRIBUTES, WATCHDOG_NUMBERS } from '../sysfs/watchdog.js';
import { defineCollector, type CollectorContext } from '../types.js';

const METRIC_NAMES: Record<(typeof WATCHDOG_NUMBERS)[number], string> = {
  bootstatus: 'bootstatus',
  fw_version: 'fw_version',
  nowayout: 'nowayout',
  timeleft: 'timeleft_seconds',
  timeout: 'timeout_seconds',
  pretimeout: 'pretimeout_seconds',
  access_cs0: 'access_cs0',
};
const numberDescs: readonly [(typeof WATCHDOG_NUMBERS)[number], MetricDesc][] = WATCHDOG_NUMBERS.map((key) => [
  key,
  describeMetric(`node_watchdog_${METRIC_NAMES[key]}`, `Value of /sys/class/watchdog/<watchdog>/${key}`, 'gauge', ['name']),
]);
const infoDesc = describeMetric('node_watchdog_info', 'Info of /sys/class/watchdog/<watchdog>', 'gauge', [
  'name',
  'options',
  'identity',
  'state',
  'status',
  'pretimeout_governor',
]);

export const watchdogCollector = defineCollector({
  name: 'watchdog',
  defaultEnabled: true,
  description: 'Watchdog timers: timeout, time left, state, from /sys/class/watchdog.',
  create: ({ paths, logger, options }: CollectorContext<SysfsReaderOption>) => {
    const watchdogDir = sysFilePath(paths, 'class', 'watchdog');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        const devices = await readClassDevices(reader, watchdogDir, WATCHDOG_ATTRIBUTES, { signal, logger });
        const watchdogs = devices.map(({ device, attributes }) => [device, parseWatchdog(attributes.values)] as const);
        for (const [key, desc] of numberDescs) {
          for (const [name, { numbers }] of watchdogs) {
            const value = numbers[key];
            if (value !== undefined) sink.add(desc, value, [name]);
          }
        }
        for (const [name, { texts }] of watchdogs) {
          sink.add(infoDesc, 1, [name, texts.options, texts.identity, texts.state, texts.status, texts.pretimeout_governor]);
        }
      },
    };
  },
});
