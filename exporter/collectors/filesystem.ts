/**
 * `node_filesystem_*{device,fstype,mountpoint}` from mountinfo and statfs (node_exporter filesystem_linux.go).
 *
 * statfs runs on libuv's small thread pool, and a hung mount (dead NFS server) holds its thread
 * until the kernel gives up; a JavaScript timeout cannot free it. So each scrape runs a bounded
 * number of calls, gives each mount a deadline, and never issues a second call for a mount whose
 * earlier call is still pending: such a mount reports device_error 1 until that call returns.
 */
import { statfs as fsStatfs } from 'node:fs/promises';
import { getSystemErrorMap } from 'node:util';
import { isTimeout, raceAbort, startDeadline } from '../../common/abort.js';
import { durationFlag, integerFlag, regexpFlag } from '../../common/flags.js';
import { describeMetric } from '../../common/metrics.js';
import { compileRegex } from '../../common/regex.js';
import { DeviceFilter } from '../filters.js';
import { rootfsFilePath, rootfsStripPrefix } from '../paths.js';
import { readHostMountinfo } from '../procfs/mountinfo.js';
import { collectorFlag, defineCollector, type Collector, type CollectorContext, type CollectorFlagValues, type MetricSink, type StatfsFunction } from '../types.js';

export const DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE = compileRegex(
  '^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)',
);
export const DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE = compileRegex(
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$',
);

/** The mount filters, which the systeminformation fallback takes too. */
export const filesystemFilterFlags = {
  mountPointsExclude: collectorFlag(
    'collector.filesystem.mount-points-exclude',
    regexpFlag(
      'Regexp of mount points to exclude for filesystem collector. (mutually exclusive to mount-points-include)',
      DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE,
    ),
  ),
  mountPointsInclude: collectorFlag(
    'collector.filesystem.mount-points-include',
    regexpFlag('Regexp of mount points to include for filesystem collector. (mutually exclusive to mount-points-exclude)', undefined),
  ),
  fsTypesExclude: collectorFlag(
    'collector.filesystem.fs-types-exclude',
    regexpFlag('Regexp of filesystem types to exclude for filesystem collector. (mutually exclusive to fs-types-include)', DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE),
  ),
  fsTypesInclude: collectorFlag(
    'collector.filesystem.fs-types-include',
    regexpFlag('Regexp of filesystem types to include for filesystem collector. (mutually exclusive to fs-types-exclude)', undefined),
  ),
};

/** Whether a mount is left out; an include flag replaces the default exclude, and both set is an error. */
export function mountFilter(options: CollectorFlagValues<typeof filesystemFilterFlags>): (mountPoint: string, fsType: string) => boolean {
  const mountPoints = new DeviceFilter(
    'filesystem',
    options.mountPointsInclude,
    options.mountPointsExclude,
    DEFAULT_FILESYSTEM_MOUNT_POINTS_EXCLUDE,
    '--collector.filesystem.mount-points-include and --collector.filesystem.mount-points-exclude',
  );
  const fsTypes = new DeviceFilter(
    'filesystem',
    options.fsTypesInclude,
    options.fsTypesExclude,
    DEFAULT_FILESYSTEM_FS_TYPES_EXCLUDE,
    '--collector.filesystem.fs-types-include and --collector.filesystem.fs-types-exclude',
  );
  return (mountPoint, fsType) => mountPoints.ignored(mountPoint) || fsTypes.ignored(fsType);
}

const filesystemFlags = {
  ...filesystemFilterFlags,
  mountTimeoutSeconds: collectorFlag(
    'collector.filesystem.mount-timeout',
    durationFlag('How long to wait for a mount to respond before marking it as stale.', 5),
  ),
  // Two of libuv's four threads at most by default, so a stuck mount cannot starve /proc reads and DNS lookups.
  statWorkerCount: collectorFlag('collector.filesystem.stat-workers', integerFlag('Maximum number of concurrent stat calls.', 2, { min: 1 })),
};

type FilesystemOptions = CollectorFlagValues<typeof filesystemFlags> & {
  /** Defaults to `fs.promises.statfs`. */
  statfs?: StatfsFunction;
};

/** `device_error` is empty, or why statfs failed (Go's error text, as node_exporter 1.9+). */
const LABELS = ['device', 'device_error', 'fstype', 'mountpoint'];
export const sizeDesc = describeMetric('node_filesystem_size_bytes', 'Filesystem size in bytes.', 'gauge', LABELS);
export const freeDesc = describeMetric('node_filesystem_free_bytes', 'Filesystem free space in bytes.', 'gauge', LABELS);
export const availDesc = describeMetric('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', 'gauge', LABELS);
const filesDesc = describeMetric('node_filesystem_files', 'Filesystem total file nodes.', 'gauge', LABELS);
const filesFreeDesc = describeMetric('node_filesystem_files_free', 'Filesystem total free file nodes.', 'gauge', LABELS);
export const readonlyDesc = describeMetric('node_filesystem_readonly', 'Filesystem read-only status.', 'gauge', LABELS);
const deviceErrorDesc = describeMetric(
  'node_filesystem_device_error',
  'Whether an error occurred while getting statistics for the given device.',
  'gauge',
  LABELS,
);
const mountInfoDesc = describeMetric('node_filesystem_mount_info', 'Filesystem mount information.', 'gauge', ['device', 'major', 'minor', 'mountpoint']);

/** What node_exporter reports for a mount whose statfs did not return in time. */
const TIMEOUT_ERROR = 'mountpoint timeout';

/** Go's text for the errors a dead mount gives where libuv words it differently. */
const GO_ERROR_TEXT: Readonly<Record<string, string>> = {
  EIO: 'input/output error',
  ENOTCONN: 'transport endpoint is not connected',
  ELOOP: 'too many levels of symbolic links',
};

/** strerror-style text of a failed call (`permission denied`), as Go prints a syscall.Errno. */
function errorText(error: unknown): string {
  const { errno, code } = error as NodeJS.ErrnoException;
  const message = (code === undefined ? undefined : GO_ERROR_TEXT[code]) ?? (errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1]);
  return message ?? (error instanceof Error ? error.message : String(error));
}


type StatfsResult = Awaited<ReturnType<StatfsFunction>>;
type Settled = { ok: true; stats: StatfsResult } | { ok: false; error: unknown };
type StatOutcome = { stats: StatfsResult } | { error: string };

interface Mount {
  device: string;
  fsType: string;
  mountPoint: string;
  major: string;
  minor: string;
  readonly: boolean;
  /** Where statfs looks: the mount point under rootfs. */
  statPath: string;
}

class FilesystemCollector implements Collector {
  readonly #context: CollectorContext<FilesystemOptions>;
  readonly #statfs: StatfsFunction;
  /** Mount points whose statfs call has not returned yet, with the scrape that issued it. */
  readonly #pending = new Map<string, { settled: Promise<Settled>; scrape: number }>();
  readonly #ignored: (mountPoint: string, fsType: string) => boolean;
  #scrapes = 0;

  constructor(context: CollectorContext<FilesystemOptions>) {
    this.#context = context;
    this.#ignored = mountFilter(context.options);
    this.#statfs = context.options.statfs ?? ((path) => fsStatfs(path));
  }

  #mounts(): Mount[] {
    const { paths } = this.#context;
    const seen = new Set<string>();
    const mounts: Mount[] = [];
    for (const mount of readHostMountinfo(paths)) {
      const mountPoint = rootfsStripPrefix(paths, mount.mountPoint);
      if (this.#ignored(mountPoint, mount.fsType)) continue;
      const key = `${mount.source}\0${mount.fsType}\0${mountPoint}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [major = '', minor = ''] = mount.majorMinor.split(':');
      mounts.push({
        device: mount.source,
        fsType: mount.fsType,
        mountPoint,
        major,
        minor,
        // Read-only in either the mount's or the superblock's options (node_exporter 1.9).
        readonly: mount.options.includes('ro') || mount.superOptions.includes('ro'),
        statPath: rootfsFilePath(paths, mountPoint),
      });
    }
    return mounts;
  }

  /** The mount's statistics, or why there are none: the call failed, timed out or is still stuck. */
  async #stat(mount: Mount, scrape: number, signal: AbortSignal): Promise<StatOutcome> {
    const { logger, options } = this.#context;
    const { mountPoint } = mount;
    let settled: Promise<Settled>;
    const pending = this.#pending.get(mount.statPath);
    if (pending !== undefined && pending.scrape !== scrape) {
      logger.debug({ mountpoint: mountPoint }, 'Mount point is still unresponsive, not calling statfs again');
      return { error: TIMEOUT_ERROR };
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
    let outcome: Settled;
    const deadline = startDeadline(options.mountTimeoutSeconds * 1000, signal);
    try {
      outcome = await raceAbort(settled, deadline.signal);
    } catch (error) {
      if (isTimeout(error) && !signal.aborted) logger.warn({ mountpoint: mountPoint }, 'Mount point is in an unresponsive state');
      return { error: TIMEOUT_ERROR };
    } finally {
      deadline.clear();
    }
    if (!outcome.ok) {
      logger.debug({ mountpoint: mountPoint, err: outcome.error }, 'Error on statfs() system call');
      return { error: errorText(outcome.error) };
    }
    return { stats: outcome.stats };
  }

  async update(sink: MetricSink, signal: AbortSignal): Promise<void> {
    const mounts = this.#mounts();
    const scrape = ++this.#scrapes;
    const results: StatOutcome[] = new Array(mounts.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < mounts.length && !signal.aborted) {
        const i = next++;
        results[i] = await this.#stat(mounts[i] as Mount, scrape, signal);
      }
    };
    const workers = Math.max(1, Math.min(this.#context.options.statWorkerCount, mounts.length));
    await Promise.all(Array.from({ length: workers }, worker));
    signal.throwIfAborted();
    for (let i = 0; i < mounts.length; i++) {
      const { device, fsType, mountPoint, major, minor, readonly } = mounts[i] as Mount;
      const outcome = results[i] as StatOutcome;
      const failed = 'error' in outcome;
      const labels = [device, failed ? outcome.error : '', fsType, mountPoint];
      sink.add(deviceErrorDesc, failed ? 1 : 0, labels);
      sink.add(readonlyDesc, readonly ? 1 : 0, labels);
      if (failed) continue;
      const { stats } = outcome;
      sink.add(sizeDesc, stats.blocks * stats.bsize, labels);
      sink.add(freeDesc, stats.bfree * stats.bsize, labels);
      sink.add(availDesc, stats.bavail * stats.bsize, labels);
      sink.add(filesDesc, stats.files, labels);
      sink.add(filesFreeDesc, stats.ffree, labels);
      sink.add(mountInfoDesc, 1, [device, major, minor, mountPoint]);
    }
  }
}

export const filesystemCollector = defineCollector({
  name: 'filesystem',
  defaultEnabled: true,
  description: 'Size, free space and inodes of mounted filesystems (mountinfo + statfs).',
  flags: filesystemFlags,
  create: (context: CollectorContext<FilesystemOptions>) => new FilesystemCollector(context),
});

