/** `node_boot_time_seconds` from `os.uptime()` (node_exporter's Darwin and BSD `boottime` collector). */
import { describeMetric } from '../../common/metrics.js';
import { defineCollector, NoDataError } from '../types.js';
import type { FallbackSources } from './sources.js';

const bootTimeDesc = describeMetric('node_boot_time_seconds', 'Unix time of last boot, including microseconds.', 'gauge');

/** Now minus uptime wobbles by the clocks' resolution (whole seconds on macOS); a move this small keeps the last answer. */
const JITTER_SECONDS = 1;

export function fallbackBoottimeCollector({ host }: FallbackSources) {
  return defineCollector({
    name: 'boottime',
    defaultEnabled: true,
    description: 'Boot time (now minus os.uptime()).',
    create: () => {
      let reported: number | undefined;
      return {
        async update(sink) {
          const uptime = host.os.uptime();
          if (!(uptime > 0)) throw new NoDataError('os.uptime() reported no uptime');
          const bootTime = host.now() / 1000 - uptime;
          if (reported === undefined || Math.abs(bootTime - reported) > JITTER_SECONDS) reported = bootTime;
          sink.add(bootTimeDesc, reported);
        },
      };
    },
  });
}
