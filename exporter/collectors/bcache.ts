/** `node_bcache_*{uuid,…}`: bcache cache sets, their backing and cache devices, from /sys/fs/bcache (node_exporter bcache_linux.go). */
import { join } from 'node:path';
import { booleanFlag } from '../../common/flags.js';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { sysFilePath } from '../paths.js';
import { failOnReadErrors, listDevices, readAttributeSets, type AttributeRequest, type AttributeSet } from '../sysfs/attributes.js';
import { dehumanize, parsePriorityStats, parseWritebackRateDebug } from '../sysfs/bcache.js';
import { sharedSysfsReader, type SysfsReaderOption } from '../sysfs/read.js';
import { collectorFlag, defineCollector, type CollectorContext, type CollectorFlagValues, type MetricSink } from '../types.js';

const bcacheFlags = {
  priorityStats: collectorFlag('collector.bcache.priorityStats', booleanFlag('Expose expensive priority stats.')),
};

type BcacheOptions = CollectorFlagValues<typeof bcacheFlags> & SysfsReaderOption;

const SET = ['uuid'];
const BACKING = ['uuid', 'backing_device'];
const CACHE = ['uuid', 'cache_device'];
const gauge = (name: string, help: string, labels = SET): MetricDesc => describeMetric(`node_bcache_${name}`, help, 'gauge', labels);
const counter = (name: string, help: string, labels = SET): MetricDesc => describeMetric(`node_bcache_${name}`, help, 'counter', labels);

/** Attribute file → family, for the set directory and its internal/ directory. */
const SET_METRICS: readonly [string, MetricDesc][] = [
  ['average_key_size', gauge('average_key_size_sectors', 'Average data per key in the btree (sectors).')],
  ['btree_cache_size', gauge('btree_cache_size_bytes', 'Amount of memory currently used by the btree cache.')],
  [
    'cache_available_percent',
    gauge('cache_available_percent', 'Percentage of cache device without dirty data, usable for writeback (may contain clean cached data).'),
  ],
  ['congested', gauge('congested', 'Congestion.')],
  ['root_usage_percent', gauge('root_usage_percent', 'Percentage of the root btree node in use (tree depth increases if too high).')],
  ['tree_depth', gauge('tree_depth', 'Depth of the btree.')],
];
const INTERNAL_METRICS: readonly [string, MetricDesc][] = [
  ['active_journal_entries', gauge('active_journal_entries', 'Number of journal entries that are newer than the index.')],
  ['btree_nodes', gauge('btree_nodes', 'Total nodes in the btree.')],
];
const btreeReadAverage = gauge('btree_read_average_duration_seconds', 'Average btree read duration.');
const cacheReadRaces = counter(
  'cache_read_races_total',
  'Counts instances where while data was being read from the cache, the bucket was reused and invalidated - i.e. where the pointer was stale after the read completed.',
);

const dirtyData = gauge('dirty_data_bytes', 'Amount of dirty data for this backing device in the cache.', BACKING);
const WRITEBACK_METRICS: readonly [keyof ReturnType<typeof parseWritebackRateDebug>, MetricDesc][] = [
  ['target', gauge('dirty_target_bytes', 'Current dirty data target threshold for this backing device in bytes.', BACKING)],
  ['rate', gauge('writeback_rate', 'Current writeback rate for this backing device in bytes.', BACKING)],
  ['proportional', gauge('writeback_rate_proportional_term', 'Current result of proportional controller, part of writeback rate', BACKING)],
  ['integral', gauge('writeback_rate_integral_term', 'Current result of integral controller, part of writeback rate', BACKING)],
  ['change', gauge('writeback_change', 'Last writeback rate change step for this backing device.', BACKING)],
];
/** stats_total file → family. */
const TOTAL_METRICS: readonly [string, MetricDesc][] = [
  ['bypassed', counter('bypassed_bytes_total', 'Amount of IO (both reads and writes) that has bypassed the cache.', BACKING)],
  ['cache_hits', counter('cache_hits_total', 'Hits counted per individual IO as bcache sees them.', BACKING)],
  ['cache_misses', counter('cache_misses_total', 'Misses counted per individual IO as bcache sees them.', BACKING)],
  ['cache_bypass_hits', counter('cache_bypass_hits_total', 'Hits for IO intended to skip the cache.', BACKING)],
  ['cache_bypass_misses', counter('cache_bypass_misses_total', 'Misses for IO intended to skip the cache.', BACKING)],
  [
    'cache_miss_collisions',
    counter('cache_miss_collisions_total', 'Instances where data insertion from cache miss raced with write (data already present).', BACKING),
  ],
];
const cacheReadaheads = counter('cache_readaheads_total', 'Count of times readahead occurred.', BACKING);
const CACHE_METRICS: readonly [string, MetricDesc][] = [
  ['io_errors', gauge('io_errors', 'Number of errors that have occurred, decayed by io_error_halflife.', CACHE)],
  ['metadata_written', counter('metadata_written_bytes_total', 'Sum of all non data writes (btree writes and all other metadata).', CACHE)],
  ['written', counter('written_bytes_total', 'Sum of all data that has been written to the cache.', CACHE)],
];
const priorityUnused = gauge('priority_stats_unused_percent', "The percentage of the cache that doesn't contain any data.", CACHE);
const priorityMetadata = gauge('priority_stats_metadata_percent', "Bcache's metadata overhead.", CACHE);

const files = (metrics: readonly (readonly [string, unknown])[]): string[] => metrics.map(([file]) => file);
const SET_FILES = files(SET_METRICS);
const INTERNAL_FILES = [...files(INTERNAL_METRICS), 'btree_read_average_duration_us', 'cache_read_races'];
const BDEV_FILES = ['dirty_data', 'writeback_rate_debug'];
const TOTAL_FILES = [...files(TOTAL_METRICS), 'cache_readaheads'];

/** A set's attribute: a missing file is 0 (procfs reads it so); an unreadable or malformed one fails the scrape. */
function value(attributes: AttributeSet, file: string): number {
  const text = attributes.get(file);
  if (text === undefined) return 0;
  const parsed = dehumanize(text);
  if (parsed === undefined) throw new Error(`${join(attributes.dir, file)}: not a bcache number: ${JSON.stringify(text)}`);
  return parsed;
}

interface CacheSet {
  uuid: string;
  dir: string;
  bdevs: string[];
  caches: string[];
}

function listSets(bcacheDir: string): CacheSet[] {
  return listDevices(bcacheDir)
    .filter((name) => name.includes('-'))
    .map((uuid) => {
      const dir = join(bcacheDir, uuid);
      const members = listDevices(dir);
      return { uuid, dir, bdevs: members.filter((name) => /^bdev\d/.test(name)), caches: members.filter((name) => /^cache\d/.test(name)) };
    });
}

function requestsFor(set: CacheSet, priorityStats: boolean): AttributeRequest[] {
  return [
    { dir: set.dir, names: SET_FILES },
    { dir: join(set.dir, 'internal'), names: INTERNAL_FILES },
    ...set.bdevs.flatMap((bdev) => [
      { dir: join(set.dir, bdev), names: BDEV_FILES },
      { dir: join(set.dir, bdev, 'stats_total'), names: TOTAL_FILES },
    ]),
    ...set.caches.map((cache) => ({ dir: join(set.dir, cache), names: files(CACHE_METRICS).concat(priorityStats ? ['priority_stats'] : []) })),
  ];
}

/** Adds one set's samples; `attributes` are its requests' answers, in order. */
function addSet(sink: MetricSink, set: CacheSet, attributes: AttributeSet[], priorityStats: boolean): void {
  const next = (): AttributeSet => attributes.shift() as AttributeSet;
  const [root, internal] = [next(), next()];
  for (const [file, desc] of SET_METRICS) sink.add(desc, value(root, file), [set.uuid]);
  for (const [file, desc] of INTERNAL_METRICS) sink.add(desc, value(internal, file), [set.uuid]);
  // The file is in microseconds; node_exporter scales it as nanoseconds, and values match node_exporter's.
  sink.add(btreeReadAverage, value(internal, 'btree_read_average_duration_us') * 1e-9, [set.uuid]);
  sink.add(cacheReadRaces, value(internal, 'cache_read_races'), [set.uuid]);
  for (const bdev of set.bdevs) {
    const [device, totals] = [next(), next()];
    const labels = [set.uuid, bdev];
    sink.add(dirtyData, value(device, 'dirty_data'), labels);
    const writeback = parseWritebackRateDebug(device.require('writeback_rate_debug'), join(device.dir, 'writeback_rate_debug'));
    for (const [key, desc] of WRITEBACK_METRICS) sink.add(desc, writeback[key], labels);
    for (const [file, desc] of TOTAL_METRICS) sink.add(desc, value(totals, file), labels);
    const readaheads = value(totals, 'cache_readaheads');
    if (readaheads !== 0) sink.add(cacheReadaheads, readaheads, labels);
  }
  for (const cache of set.caches) {
    const device = next();
    const labels = [set.uuid, cache];
    for (const [file, desc] of CACHE_METRICS) sink.add(desc, value(device, file), labels);
    if (!priorityStats) continue;
    const priority = parsePriorityStats(device.require('priority_stats'), join(device.dir, 'priority_stats'));
    sink.add(priorityUnused, priority.unusedPercent, labels);
    sink.add(priorityMetadata, priority.metadataPercent, labels);
  }
}

export const bcacheCollector = defineCollector({
  name: 'bcache',
  defaultEnabled: true,
  description: 'bcache cache sets: btree, backing device writeback and hit counters, cache device writes, from /sys/fs/bcache.',
  flags: bcacheFlags,
  create: ({ paths, options }: CollectorContext<BcacheOptions>) => {
    const bcacheDir = sysFilePath(paths, 'fs', 'bcache');
    const reader = options.reader ?? sharedSysfsReader();
    return {
      // No bcache module (no directory) is a success with no samples, as in node_exporter.
      async update(sink, signal) {
        const sets = listSets(bcacheDir);
        const attributes = await readAttributeSets(reader, sets.flatMap((set) => requestsFor(set, options.priorityStats)), signal);
        failOnReadErrors(attributes);
        for (const set of sets) addSet(sink, set, attributes, options.priorityStats);
      },
    };
  },
});
