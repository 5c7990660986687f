/**
 * `npm run bench:alloc`: bytes the scheduler's thread allocates per check, and how many of them
 * survive a young-generation collection (promoted), with the real Scheduler against local HTTP
 * targets in another process. Counted by V8 itself, not timed, so the figures hold on a loaded
 * machine: v8.GCProfiler reports the heap before and after every collection; what was allocated
 * is the heap's growth between collections, what was promoted is the old space's growth across
 * each young-generation one.
 *
 * Probes: `probe` (the prober's probe() on the scheduler's thread, the default), `workers` (probe()
 * on BENCH_PROBE_WORKERS worker threads: only the main thread's share, decoding and storing
 * results, is counted) and `none` (a probe that answers at once: the scheduler's own cost).
 *
 * Environment: BENCH_PROBES=probe,workers,none BENCH_TARGETS=1000 BENCH_RATE=250 (checks/s asked; modest, so a loaded machine keeps up)
 * BENCH_SECONDS=5 BENCH_PROBE_WORKERS=2; BENCH_ALLOC_PROFILE=1 also lists the top allocation sites
 * of each (V8's sampling heap profiler, counting objects collected by either GC).
 */
import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapStatistics, GCProfiler } from 'node:v8';
import { MetricFamilies } from '../common/metrics.js';
import { defaultConfig } from '../prober/config.js';
import { probeDurationSeconds, probeSuccess } from '../prober/probe.js';
import { configuredProbe } from '../prober/scheduler/probe-adapter.js';
import { ProbeWorkerPool } from '../prober/scheduler/probe-pool.js';
import { Scheduler, type CheckProbe } from '../prober/scheduler/scheduler.js';
import { markdownTable } from './lib/report.js';
import { benchSchedulerConfig, startTargetServers } from './lib/target-server.js';

type ProbeKind = 'probe' | 'workers' | 'none';

const TARGETS = Number(process.env.BENCH_TARGETS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 250);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PROBE_WORKERS = Number(process.env.BENCH_PROBE_WORKERS ?? 2);

interface HeapSnapshotLike {
  heapStatistics: { usedHeapSize: number };
  heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[];
}
interface GCEntry {
  gcType: string;
  beforeGC: HeapSnapshotLike;
  afterGC: HeapSnapshotLike;
}

const oldSpace = (heap: HeapSnapshotLike): number => heap.heapSpaceStatistics.find((space) => space.spaceName === 'old_space')?.spaceUsedSize ?? 0;

/** Bytes allocated and promoted while `run` runs, from the heap before and after each collection. */
async function countAllocation(run: () => Promise<void>): Promise<{ allocated: number; promoted: number; collections: number }> {
  const profiler = new GCProfiler();
  const usedBefore = getHeapStatistics().used_heap_size;
  profiler.start();
  await run();
  const usedAfter = getHeapStatistics().used_heap_size;
  const entries = (profiler.stop()?.statistics ?? []) as GCEntry[];
  let allocated = 0;
  let promoted = 0;
  let previous = usedBefore;
  for (const entry of entries) {
    allocated += entry.beforeGC.heapStatistics.usedHeapSize - previous;
    previous = entry.afterGC.heapStatistics.usedHeapSize;
    if (entry.gcType === 'Scavenge' || entry.gcType === 'MinorMarkCompact') promoted += Math.max(0, oldSpace(entry.afterGC) - oldSpace(entry.beforeGC));
  }
  allocated += usedAfter - previous;
  return { allocated, promoted, collections: entries.length };
}

/** Answers at once with the two families every probe has. */
const noProbe: CheckProbe = () => {
  const families = new MetricFamilies();
  families.add(probeSuccess, 1);
  families.add(probeDurationSeconds, 0);
  return Promise.resolve({ success: true, durationSeconds: 0, families });
};

interface Sites {
  head: { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Sites['head'][] };
}

/** The allocation sites with the most bytes over a run, from V8's sampling heap profiler. */
async function topSites(run: () => Promise<void>, count = 15): Promise<string> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await run();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: Sites };
  session.disconnect();
  const bySite = new Map<string, number>();
  const walk = (node: Sites['head']): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const site = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|wt-[^/]+)\//, '')}:${lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(profile.head);
  const total = [...bySite.values()].reduce((a, b) => a + b, 0);
  return [...bySite.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([site, bytes]) => `${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${site}`)
    .join('\n');
}

const warmUpSeconds = (interval: number): number => Math.max(3, 1.5 * interval);
const failedChecks = (scheduler: Scheduler): number => [...scheduler.targets()].reduce((sum, state) => sum + state.checksFailed, 0);

async function measure(kind: ProbeKind, ports: number[]): Promise<string[]> {
  const interval = TARGETS / RATE;
  const config = benchSchedulerConfig(TARGETS, interval, ports, 64);
  const modules = defaultConfig();
  const pool = kind === 'workers' ? new ProbeWorkerPool({ size: PROBE_WORKERS, modules: modules.modules }) : undefined;
  const probe = kind === 'none' ? noProbe : (pool?.probe ?? configuredProbe(() => modules));
  const scheduler = new Scheduler({ probe });
  await scheduler.start(config);
  // Past the first checks (all due at start) and into the slotted ones.
  await sleep(warmUpSeconds(interval) * 1000);
  const before = scheduler.stats();
  const failedBefore = failedChecks(scheduler);
  const counted = await countAllocation(() => sleep(SECONDS * 1000));
  const after = scheduler.stats();
  const sites = process.env.BENCH_ALLOC_PROFILE === '1' ? await topSites(() => sleep(SECONDS * 1000)) : undefined;
  await scheduler.stop();
  await pool?.close();
  const checks = after.checksCompleted - before.checksCompleted;
  const failed = failedChecks(scheduler) - failedBefore;
  if (sites !== undefined) console.error(`top allocation sites, ${kind}:\n${sites}\n`);
  return [
    kind === 'workers' ? `probe() on ${PROBE_WORKERS} workers (main thread only)` : kind === 'none' ? 'no probe (scheduler only)' : "probe() on the scheduler's thread",
    String(checks),
    (checks / SECONDS).toFixed(0),
    (counted.allocated / checks / 1024).toFixed(1),
    (counted.promoted / checks / 1024).toFixed(2),
    String(counted.collections),
    String(failed),
  ];
}

const kinds = (process.env.BENCH_PROBES ?? 'probe,workers,none').split(',') as ProbeKind[];
const servers = await startTargetServers(16);
try {
  const rows: string[][] = [];
  for (const kind of kinds) rows.push(await measure(kind, servers.ports));
  console.log(`allocation bench: node ${process.version}, ${TARGETS} targets, ${RATE} checks/s asked, ${SECONDS} s counted after ${warmUpSeconds(TARGETS / RATE)} s`);
  console.log(markdownTable(['probe', 'checks', 'checks/s', 'KiB allocated/check', 'KiB promoted/check', 'GCs', 'failed'], rows));
} finally {
  servers.stop();
}
