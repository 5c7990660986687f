/**
 * `node_filesystem_*{device,fstype,mountpoint}` from mountinfo and statfs (node_exporter filesystem_linux.go).
 *
 * statfs runs on libuv's small thread pool, and a hung mount (dead NFS server) holds its thread
 * until the kernel gives up; a JavaScript timeout cannot free it. So each scrape runs a bounded
 * number of calls, gives each mount a deadline, and never issues a second call for a mount whose
 * earlier call is still pending: such a mount reports device_error 1 until that call returns.
 */
import { statfs as fsStatfs } from 'node:fs/promises';
import { describeMetric } from '../../common/metrics.js';
import { procFilePath, rootfsFilePath, rootfsStripPrefix } from '../paths.js';
import { parseMountinfo } from '../procfs/mountinfo.js';
import { readProcFile } from '../procfs/read.js';
import type { Collector, CollectorContext, CollectorDefinition, MetricSink, StatfsFunction } from '../types.js';

const LABELS = ['device', 'fstype', 'mountpoint'];
const sizeDesc = describeMetric('node_filesystem_size_bytes', 'Filesystem size in bytes.', 'gauge', LABELS);
const freeDesc = describeMetric('node_filesystem_free_bytes', 'Filesystem free space in bytes.', 'gauge', LABELS);
const availDesc = describeMetric('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', 'gauge', LABELS);
const filesDesc = describeMetric('node_filesystem_files', 'Filesystem total file nodes.', 'gauge', LABELS);
const filesFreeDesc = describeMetric('node_filesystem_files_free', 'Filesystem total free file nodes.', 'gauge', LABELS);
const readonlyDesc = describeMetric('node_filesystem_readonly', 'Filesystem read-only status.', 'gauge', LABELS);
const deviceErrorDesc = describeMetric(
  'node_filesystem_device_error',
  'Whether an error occurred while getting statistics for the given device.',
  'gauge',
  LABELS,
);

/** Container hosts can have thousands of mounts: mountinfo gets a larger cap than other /proc files. */
const MOUNTINFO_READ_LIMIT = 16 * 1024 * 1024;

type StatfsResult = Awaited<ReturnType<StatfsFunction>>;
type Settled = { ok: true; stats: StatfsResult } | { ok: false; error: unknown };

interface Mount {
  labels: string[];
  readonly: boolean;
  /** Where statfs looks: the mount point under rootfs. */
  statPath: string;
}

const TIMED_OUT = Symbol('timed out');

/** Resolves to TIMED_OUT after `ms` or when `signal` aborts, whichever comes first. */
function deadline(ms: number, signal: AbortSignal): { promise: Promise<typeof TIMED_OUT>; cancel(): void } {
  let cancel = (): void => {};
  const promise = new Promise<typeof TIMED_OUT>((resolve) => {
    const done = (): void => resolve(TIMED_OUT);
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    cancel = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
    };
  });
  return { promise, cancel };
}

class FilesystemCollector implements Collector {
  readonly #context: CollectorContext;
  readonly #statfs: StatfsFunction;
  /** Mount points whose statfs call has not returned yet, with the scrape that issued it. */
  readonly #pending = new Map<string, { settled: Promise<Settled>; scrape: number }>();
  #scrapes = 0;

  constructor(context: CollectorContext) {
    this.#context = context;
    this.#statfs = context.options.filesystem.statfs ?? ((path) => fsStatfs(path));
  }

  #readMountinfo(): { text: string; source: string } {
    const { paths } = this.#context;
    const pid1 = procFilePath(paths, '1', 'mountinfo');
    try {
      return { text: readProcFile(pid1, MOUNTINFO_READ_LIMIT), source: pid1 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EACCES') throw error;
      // PID 1's mounts are hidden (hidepid, or no PID 1 in this procfs): fall back to our own namespace.
      const self = procFilePath(paths, 'self', 'mountinfo');
      return { text: readProcFile(self, MOUNTINFO_READ_LIMIT), source: self };
    }
  }

  #mounts(): Mount[] {
    const { paths, options } = this.#context;
    const { mountPointsExclude, fsTypesExclude } = options.filesystem;
    const { text, source } = this.#readMountinfo();
    const seen = new Set<string>();
    const mounts: Mount[] = [];
    for (const mount of parseMountinfo(text, source)) {
      const mountPoint = rootfsStripPrefix(paths, mount.mountPoint);
      if (mountPointsExclude.test(mountPoint) || fsTypesExclude.test(mount.fsType)) continue;
      const key = `${mount.source}\0${mount.fsType}\0${mountPoint}`;
      if (seen.has(key)) continue;
      seen.add(key);
      mounts.push({
        labels: [mount.source, mount.fsType, mountPoint],
        readonly: mount.options.includes('ro'),
        statPath: rootfsFilePath(paths, mountPoint),
      });
    }
    return mounts;
  }

  /** The mount's statistics, or undefined (device_error) when the call fails, times out or is still stuck. */
  async #stat(mount: Mount, scrape: number, signal: AbortSignal): Promise<StatfsResult | undefined> {
    const { logger, options } = this.#context;
    const mountPoint = mount.labels[2];
    let settled: Promise<Settled>;
    const pending = this.#pending.get(mount.statPath);
    if (pending !== undefined && pending.scrape !== scrape) {
      logger.debug({ mountpoint: mountPoint }, 'Mount point is still unresponsive, not calling statfs again');
      return undefined;
    }
    if (pending !== undefined) {
      // Two mountinfo entries on one path (an over-mount) in this scrape: share the call.
      settled = pending.settled;
    } else {
      settled = this.#statfs(mount.statPath).then(
        (stats): Settled => ({ ok: true, stats }),
        (error: unknown): Settled => ({ ok: false, error }),
      );
      this.#pending.set(mount.statPath, { settled, scrape });
      void settled.then(() => this.#pending.delete(mount.statPath));
    }
    const timer = deadline(options.filesystem.mountTimeoutSeconds * 1000, signal);
    const outcome = await Promise.race([settled, timer.promise]);
    timer.cancel();
    if (outcome === TIMED_OUT) {
      if (!signal.aborted) logger.warn({ mountpoint: mountPoint }, 'Mount point is in an unresponsive state');
      return undefined;
    }
    if (!outcome.ok) {
      logger.debug({ mountpoint: mountPoint, err: outcome.error }, 'Error on statfs() system call');
      return undefined;
    }
    return outcome.stats;
  }

  async update(sink: MetricSink, signal: AbortSignal): Promise<void> {
    const mounts = this.#mounts();
    const scrape = ++this.#scrapes;
    const results: (StatfsResult | undefined)[] = new Array(mounts.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < mounts.length && !signal.aborted) {
        const i = next++;
        results[i] = await this.#stat(mounts[i] as Mount, scrape, signal);
      }
    };
    const workers = Math.max(1, Math.min(this.#context.options.filesystem.statWorkerCount, mounts.length));
    await Promise.all(Array.from({ length: workers }, worker));
    signal.throwIfAborted();
    for (let i = 0; i < mounts.length; i++) {
      const { labels, readonly } = mounts[i] as Mount;
      const stats = results[i];
      sink.add(deviceErrorDesc, stats === undefined ? 1 : 0, labels);
      sink.add(readonlyDesc, readonly ? 1 : 0, labels);
      if (stats === undefined) continue;
      sink.add(sizeDesc, stats.blocks * stats.bsize, labels);
      sink.add(freeDesc, stats.bfree * stats.bsize, labels);
      sink.add(availDesc, stats.bavail * stats.bsize, labels);
      sink.add(filesDesc, stats.files, labels);
      sink.add(filesFreeDesc, stats.ffree, labels);
    }
  }
}

export const filesystemCollector: CollectorDefinition = {
  name: 'filesystem',
  defaultEnabled: true,
  description: 'Size, free space and inodes of mounted filesystems (mountinfo + statfs).',
  create: (context) => new FilesystemCollector(context),
};

