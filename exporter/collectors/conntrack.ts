/** `node_nf_conntrack_entries`, `_entries_limit` and `node_nf_conntrack_stat_*` from /proc/sys/net/netfilter and /proc/net/stat/nf_conntrack. */
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { parseConntrackStat } from '../procfs/conntrack.js';
import { singleNumber } from '../procfs/fields.js';
import { readOptionalProcFile } from '../procfs/read.js';
import { defineCollector, NoDataError } from '../types.js';

const entries = describeMetric('node_nf_conntrack_entries', 'Number of currently allocated flow entries for connection tracking.', 'gauge');
const limit = describeMetric('node_nf_conntrack_entries_limit', 'Maximum size of connection tracking table.', 'gauge');
/** Summed over CPUs; gauges named without `_total`, as node_exporter has them. */
const stats: readonly [string, MetricDesc][] = [
  ['found', 'Number of searched entries which were successful.'],
  ['invalid', 'Number of packets seen which can not be tracked.'],
  ['ignore', 'Number of packets seen which are already connected to a conntrack entry.'],
  ['insert', 'Number of entries inserted into the list.'],
  ['insert_failed', 'Number of entries for which list insertion was attempted but failed.'],
  ['drop', 'Number of packets dropped due to conntrack failure.'],
  ['early_drop', 'Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.'],
  ['search_restart', 'Number of conntrack table lookups which had to be restarted due to hashtable resizes.'],
].map(([column, help]) => [column as string, describeMetric(`node_nf_conntrack_stat_${column}`, help as string, 'gauge')]);

function notLoaded(path: string): NoDataError {
  return new NoDataError(`${path} not found: conntrack probably not loaded`);
}

export const conntrackCollector = defineCollector({
  name: 'conntrack',
  defaultEnabled: true,
  description: 'Connection tracking table size, limit and per-CPU statistics, from /proc (nf_conntrack).',
  create: ({ paths }) => {
    const countPath = procFilePath(paths, 'sys/net/netfilter/nf_conntrack_count');
    const maxPath = procFilePath(paths, 'sys/net/netfilter/nf_conntrack_max');
    const statPath = procFilePath(paths, 'net/stat/nf_conntrack');
    return {
      async update(sink) {
        for (const [path, desc] of [[countPath, entries], [maxPath, limit]] as const) {
          const text = readOptionalProcFile(path);
          if (text === undefined) throw notLoaded(path);
          sink.add(desc, singleNumber(text, path));
        }
        const text = readOptionalProcFile(statPath);
        if (text === undefined) throw notLoaded(statPath);
        const totals = parseConntrackStat(text, statPath);
        for (const [column, desc] of stats) {
          // search_restart is missing before Linux 2.6.35.
          const value = totals.get(column);
          if (value !== undefined) sink.add(desc, value);
        }
      },
    };
  },
});
