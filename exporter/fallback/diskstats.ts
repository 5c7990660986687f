/**
 * `node_disk_{read,written}_bytes_total` and `node_disk_{reads,writes}_completed_total` from
 * systeminformation `fsStats()` and `disksIO()`: counters since boot, but summed over all disks, so
 * they carry `device="all"`. si has neither on Windows (both answer null there).
 */
import { describeMetric } from '../../common/metrics.js';
import { defineCollector, NoDataError } from '../types.js';
import type { FallbackSources } from './sources.js';

/** The one `device` these sums are reported under. */
const ALL_DISKS = 'all';

const D = ['device'];
const readBytes = describeMetric('node_disk_read_bytes_total', 'The total number of bytes read successfully.', 'counter', D);
const writtenBytes = describeMetric('node_disk_written_bytes_total', 'The total number of bytes written successfully.', 'counter', D);
const readsCompleted = describeMetric('node_disk_reads_completed_total', 'The total number of reads completed successfully.', 'counter', D);
const writesCompleted = describeMetric('node_disk_writes_completed_total', 'The total number of writes completed successfully.', 'counter', D);

export function fallbackDiskstatsCollector({ si }: FallbackSources) {
  return defineCollector({
    name: 'diskstats',
    defaultEnabled: true,
    description: 'Disk bytes and operations summed over all disks (systeminformation fsStats(), disksIO()).',
    create: () => {
      si.diskBytes.refresh();
      si.diskOperations.refresh();
      return {
        async update(sink, signal) {
          const [bytes, operations] = await Promise.all([si.diskBytes.get(signal), si.diskOperations.get(signal)]);
          // si answers zeros when its command failed: no disk that ever booted a system has read nothing.
          const haveBytes = bytes !== null && bytes.rx > 0;
          const haveOperations = operations !== null && operations.rIO > 0;
          if (!haveBytes && !haveOperations) throw new NoDataError('systeminformation reported no disk I/O');
          if (haveBytes) {
            sink.add(readBytes, bytes.rx, [ALL_DISKS]);
            sink.add(writtenBytes, bytes.wx, [ALL_DISKS]);
          }
          if (haveOperations) {
            sink.add(readsCompleted, operations.rIO, [ALL_DISKS]);
            sink.add(writesCompleted, operations.wIO, [ALL_DISKS]);
          }
        },
      };
    },
  });
}
