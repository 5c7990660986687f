/** `node_zfs_*` (untyped, as node_exporter): ZFS module kstats and per-pool I/O, dataset and state, from /proc/spl/kstat/zfs. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeMetric, type MetricDesc } from '../../common/metrics.js';
import { procFilePath } from '../paths.js';
import { parseNamedKstat, parsePoolIoKstat } from '../procfs/kstat.js';
import { readProcFile } from '../procfs/read.js';
import { defineCollector, NoDataError, type MetricSink } from '../types.js';
import { DescriptorCache } from './described.js';

/** Family prefix → kstat file, as node_exporter maps them. */
const MODULE_KSTATS: readonly [string, string][] = [
  ['zfs_abd', 'abdstats'],
  ['zfs_arc', 'arcstats'],
  ['zfs_dbuf', 'dbufstats'],
  ['zfs_dmu_tx', 'dmu_tx'],
  ['zfs_dnode', 'dnodestats'],
  ['zfs_fm', 'fm'],
  ['zfs_vdev_cache', 'vdev_cache_stats'],
  ['zfs_vdev_mirror', 'vdev_mirror_stats'],
  ['zfs_xuio', 'xuio_stats'],
  ['zfs_zfetch', 'zfetchstats'],
  ['zfs_zil', 'zil'],
];
const POOL_STATES = ['online', 'degraded', 'faulted', 'offline', 'removed', 'unavail', 'suspended'];

const metricName = (name: string): string => name.replaceAll('-', '_');
/** Keys are `<prefix> <kstat file> <name>`; the HELP is the kstat's sysctl-style name, as node_exporter has it. */
const moduleDescs = new DescriptorCache('untyped', (key) => {
  const [prefix, file, name] = key.split(' ') as [string, string, string];
  return { name: `node_${prefix}_${metricName(name)}`, help: `kstat.zfs.misc.${file}.${name}` };
});
const poolIo = new Map<string, MetricDesc>();
const datasets = new Map<string, MetricDesc>();
const poolState = describeMetric('node_zfs_zpool_state', 'kstat.zfs.misc.state', 'gauge', ['zpool', 'state']);

function cached(cache: Map<string, MetricDesc>, name: string, make: () => MetricDesc): MetricDesc {
  let desc = cache.get(name);
  if (desc === undefined) {
    desc = make();
    cache.set(name, desc);
  }
  return desc;
}

function sortedEntries(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).map((entry) => entry.name).sort();
}

function addPool(sink: MetricSink, root: string, pool: string): void {
  const dir = join(root, pool);
  for (const file of sortedEntries(dir)) {
    const path = join(dir, file);
    if (file === 'io') {
      for (const [name, value] of parsePoolIoKstat(readProcFile(path), path)) {
        const desc = cached(poolIo, name, () => describeMetric(`node_zfs_zpool_${metricName(name)}`, `kstat.zfs.misc.io.${name}`, 'untyped', ['zpool']));
        sink.add(desc, value, [pool]);
      }
    } else if (file.startsWith('objset-')) {
      const kstat = parseNamedKstat(readProcFile(path), path);
      const dataset = kstat.strings.get('dataset_name') ?? '';
      for (const [name, value] of kstat.numbers) {
        const desc = cached(datasets, name, () =>
          describeMetric(`node_zfs_zpool_dataset_${metricName(name)}`, `kstat.zfs.misc.objset.${name}`, 'untyped', ['zpool', 'dataset']),
        );
        sink.add(desc, value, [pool, dataset]);
      }
    } else if (file === 'state') {
      const state = (readProcFile(path).split('\n')[0] ?? '').trim().toLowerCase();
      for (const each of POOL_STATES) sink.add(poolState, state === each ? 1 : 0, [pool, each]);
    }
  }
}

export const zfsCollector = defineCollector({
  name: 'zfs',
  defaultEnabled: true,
  description: 'ZFS ARC, ZIL and other module kstats, and per-pool I/O, dataset and state, from /proc/spl/kstat/zfs.',
  create: ({ paths }) => {
    const root = procFilePath(paths, 'spl/kstat/zfs');
    return {
      async update(sink) {
        // No ZFS module loaded.
        if (!existsSync(root)) throw new NoDataError(`${root} not found`);
        for (const [prefix, file] of MODULE_KSTATS) {
          const path = join(root, file);
          if (!existsSync(path)) continue;
          for (const [name, value] of parseNamedKstat(readProcFile(path), path).numbers) sink.add(moduleDescs.get(`${prefix} ${file} ${name}`), value);
        }
        for (const entry of readdirSync(root, { withFileTypes: true }).filter((each) => each.isDirectory()).map((each) => each.name).sort()) {
          addPool(sink, root, entry);
        }
      },
    };
  },
});
