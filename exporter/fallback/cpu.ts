/**
 * `node_cpu_seconds_total{cpu,mode}` from `os.cpus()`: libuv's per-core times since boot, in
 * milliseconds, are counters already (no deltas, nothing shared with other callers).
 */
import type { CpuInfo } from 'node:os';
import { describeMetric } from '../../common/metrics.js';
import { defineCollector, NoDataError } from '../types.js';
import type { FallbackSources } from './sources.js';

const secondsDesc = describeMetric('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 'counter', ['cpu', 'mode']);

type Times = CpuInfo['times'];

/**
 * node_exporter's mode name for each of libuv's times, per platform. A time libuv always reports
 * as 0 there (nice on Windows, irq on macOS) is left out rather than shown as a mode that never runs.
 */
const MODES: Partial<Record<NodeJS.Platform, ReadonlyArray<readonly [keyof Times, string]>>> = {
  darwin: [['user', 'user'], ['nice', 'nice'], ['sys', 'system'], ['idle', 'idle']],
  win32: [['user', 'user'], ['sys', 'system'], ['idle', 'idle'], ['irq', 'irq']],
  freebsd: [['user', 'user'], ['nice', 'nice'], ['sys', 'system'], ['irq', 'interrupt'], ['idle', 'idle']],
  openbsd: [['user', 'user'], ['nice', 'nice'], ['sys', 'system'], ['irq', 'interrupt'], ['idle', 'idle']],
  netbsd: [['user', 'user'], ['nice', 'nice'], ['sys', 'system'], ['irq', 'interrupt'], ['idle', 'idle']],
};
const OTHER_MODES: ReadonlyArray<readonly [keyof Times, string]> = [['user', 'user'], ['nice', 'nice'], ['sys', 'system'], ['idle', 'idle'], ['irq', 'irq']];

export function fallbackCpuCollector({ host }: FallbackSources) {
  const modes = MODES[host.platform] ?? OTHER_MODES;
  return defineCollector({
    name: 'cpu',
    defaultEnabled: true,
    description: 'Seconds per CPU and mode (os.cpus()).',
    create: () => ({
      async update(sink) {
        const cpus = host.os.cpus();
        if (cpus.length === 0) throw new NoDataError('os.cpus() reported no CPUs');
        cpus.forEach(({ times }, index) => {
          for (const [field, mode] of modes) sink.add(secondsDesc, times[field] / 1000, [String(index), mode]);
        });
      },
    }),
  });
}
