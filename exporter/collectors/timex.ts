/** `node_timex_*`: the kernel's clock discipline (NTP) state from adjtimex(2), read only (node_exporter timex.go). */
import { describeMetric } from '../../common/metrics.js';
import { readTimex, type Timex } from '../syscall/adjtimex.js';
import { defineCollector, NoDataError, type CollectorContext, type MetricSink } from '../types.js';

/** adjtimex's state when the clock is not synchronized. */
const TIME_ERROR = 5;
/** status bit: offset and jitter are in nanoseconds rather than microseconds. */
const STA_NANO = 0x2000;
/** freq, ppsfreq and stabil are ppm with a 16-bit fraction (adjtimex(2) NOTES). */
const SCALED_PPM = 1e6 * 65536;
const MICROSECONDS = 1e6;

const gauge = (name: string, help: string) => describeMetric(`node_timex_${name}`, help, 'gauge');
const counter = (name: string, help: string) => describeMetric(`node_timex_${name}`, help, 'counter');

const families = [
  [gauge('sync_status', 'Is clock synchronized to a reliable server (1 = yes, 0 = no).'), (t) => (t.state === TIME_ERROR ? 0 : 1)],
  [gauge('offset_seconds', 'Time offset in between local system and reference clock.'), (t, unit) => t.offset / unit],
  [gauge('frequency_adjustment_ratio', 'Local clock frequency adjustment.'), (t) => 1 + t.freq / SCALED_PPM],
  [gauge('maxerror_seconds', 'Maximum error in seconds.'), (t) => t.maxerror / MICROSECONDS],
  [gauge('estimated_error_seconds', 'Estimated error in seconds.'), (t) => t.esterror / MICROSECONDS],
  [gauge('status', 'Value of the status array bits.'), (t) => t.status],
  [gauge('loop_time_constant', 'Phase-locked loop time constant.'), (t) => t.constant],
  [gauge('tick_seconds', 'Seconds between clock ticks.'), (t) => t.tick / MICROSECONDS],
  [gauge('pps_frequency_hertz', 'Pulse per second frequency.'), (t) => t.ppsfreq / SCALED_PPM],
  [gauge('pps_jitter_seconds', 'Pulse per second jitter.'), (t, unit) => t.jitter / unit],
  [gauge('pps_shift_seconds', 'Pulse per second interval duration.'), (t) => t.shift],
  [gauge('pps_stability_hertz', 'Pulse per second stability, average of recent frequency changes.'), (t) => t.stabil / SCALED_PPM],
  [counter('pps_jitter_total', 'Pulse per second count of jitter limit exceeded events.'), (t) => t.jitcnt],
  [counter('pps_calibration_total', 'Pulse per second count of calibration intervals.'), (t) => t.calcnt],
  [counter('pps_error_total', 'Pulse per second count of calibration errors.'), (t) => t.errcnt],
  [counter('pps_stability_exceeded_total', 'Pulse per second count of stability limit exceeded events.'), (t) => t.stbcnt],
  [gauge('tai_offset_seconds', 'International Atomic Time (TAI) offset.'), (t) => t.tai],
] as const satisfies readonly (readonly [unknown, (timex: Timex, unitsPerSecond: number) => number])[];

/** The samples node_exporter derives from one adjtimex reading. */
function addTimex(sink: MetricSink, timex: Timex): void {
  const unitsPerSecond = timex.status & STA_NANO ? 1e9 : MICROSECONDS;
  for (const [desc, value] of families) sink.add(desc, value(timex, unitsPerSecond));
}

export interface TimexOption {
  /** Where the reading comes from (tests pass fixed ones); adjtimex(2) by default. */
  readTimex?: () => Promise<Timex>;
}

export const timexCollector = defineCollector({
  name: 'timex',
  defaultEnabled: true,
  description: 'Clock discipline (NTP) state: offset, frequency, errors, status, PPS, TAI, from adjtimex(2) through the koffi FFI.',
  create: ({ options }: CollectorContext<TimexOption>) => {
    const read = options.readTimex ?? readTimex;
    return {
      async update(sink) {
        const timex = await read().catch((error: unknown) => {
          // A seccomp profile may forbid the call: no data rather than a failure, as node_exporter.
          if ((error as NodeJS.ErrnoException).code === 'EPERM') throw new NoDataError((error as Error).message);
          throw error;
        });
        addTimex(sink, timex);
      },
    };
  },
});
