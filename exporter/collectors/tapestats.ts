/** `node_tape_*{device}` from /sys/class/scsi_tape/stN/stats (node_exporter tapestats_linux.go). */
import { compileRegex } from '../../common/regex.js';
import { regexpFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { readClassDevices } from '../sysfs/attributes.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { parseInteger } from '../sysfs/values.js';
import { collectorFlag, defineCollector, type CollectorContext, type CollectorFlagValues } from '../types.js';

const tapestatsFlags = {
  ignoredDevices: collectorFlag('collector.tapestats.ignored-devices', regexpFlag('Regexp of devices to ignore for tapestats.', compileRegex('^$'))),
};

type TapestatsOptions = CollectorFlagValues<typeof tapestatsFlags> & SysfsReaderOption;

const D = ['device'];
/** Stats file → family; `nanoseconds` counters are reported in seconds. A missing file counts as 0. */
const STATS: readonly { file: string; desc: MetricDesc; nanoseconds?: true }[] = [
  { file: 'in_flight', desc: describeMetric('node_tape_io_now', 'The number of I/Os currently outstanding to this device.', 'gauge', D) },
  {
    file: 'io_ns',
    nanoseconds: true,
    desc: describeMetric(
      'node_tape_io_time_seconds_total',
      'The amount of time spent waiting for all I/O to complete (including read and write). This includes tape movement commands such as seeking between file or set marks and implicit tape movement such as when rewind on close tape devices are used.',
      'counter',
      D,
    ),
  },
  {
    file: 'other_cnt',
    desc: describeMetric(
      'node_tape_io_others_total',
      'The number of I/Os issued to the tape drive other than read or write commands. The time taken to complete these commands uses the following calculation io_time_seconds_total-read_time_seconds_total-write_time_seconds_total',
      'counter',
      D,
    ),
  },
  { file: 'read_byte_cnt', desc: describeMetric('node_tape_read_bytes_total', 'The number of bytes read from the tape drive.', 'counter', D) },
  { file: 'read_cnt', desc: describeMetric('node_tape_reads_completed_total', 'The number of read requests issued to the tape drive.', 'counter', D) },
  {
    file: 'read_ns',
    nanoseconds: true,
    desc: describeMetric('node_tape_read_time_seconds_total', 'The amount of time spent waiting for read requests to complete.', 'counter', D),
  },
  {
    file: 'resid_cnt',
    desc: describeMetric(
      'node_tape_residual_total',
      'The number of times during a read or write we found the residual amount to be non-zero. This should mean that a program is issuing a read larger thean the block size on tape. For write not all data made it to tape.',
      'counter',
      D,
    ),
  },
  { file: 'write_byte_cnt', desc: describeMetric('node_tape_written_bytes_total', 'The number of bytes written to the tape drive.', 'counter', D) },
  { file: 'write_cnt', desc: describeMetric('node_tape_writes_completed_total', 'The number of write requests issued to the tape drive.', 'counter', D) },
  {
    file: 'write_ns',
    nanoseconds: true,
    desc: describeMetric('node_tape_write_time_seconds_total', 'The amount of time spent waiting for write requests to complete.', 'counter', D),
  },
];
const STAT_FILES = STATS.map((stat) => stat.file);

export const tapestatsCollector = defineCollector({
  name: 'tapestats',
  defaultEnabled: true,
  description: 'SCSI tape drive I/O statistics from /sys/class/scsi_tape.',
  flags: tapestatsFlags,
  create: ({ paths, logger, options }: CollectorContext<TapestatsOptions>) => {
    const tapeDir = sysFilePath(paths, 'class', 'scsi_tape');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      async update(sink, signal) {
        const tapes = await readClassDevices(reader, tapeDir, STAT_FILES, {
          signal,
          logger,
          subdir: 'stats',
          // stN only: the stNa, nstN… entries are other device nodes of the same drives.
          keep: (name) => /^st\d+$/.test(name) && !options.ignoredDevices.test(name),
        });
        for (const { file, desc, nanoseconds } of STATS) {
          for (const { device, attributes } of tapes) {
            const value = parseInteger(attributes.get(file) ?? '0') ?? 0;
            sink.add(desc, nanoseconds ? value * 0.000000001 : value, [device]);
          }
        }
      },
    };
  },
});
